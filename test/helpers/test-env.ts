import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger, type Logger } from '../../src/logger';
import type { Mailer } from '../../src/mail/mailer';
import type { EffectHandler, WorkflowDefinition } from '../../src/workflows/runtime/workflow-registry';
import { ManualClock } from './clock';
import { createScratchDatabase } from './database';
import { MailCapture } from './mail-capture';

export interface GqlResponse<T = Record<string, any>> {
  status: number;
  headers: Headers;
  body: any;
  data: T;
  errors?: { message: string; extensions?: Record<string, any>; path?: string[] }[];
}

export interface GqlOptions {
  token?: string;
  headers?: Record<string, string>;
}

export interface TestEnv {
  app: App;
  url: string;
  clock: ManualClock;
  /** Mails the app wrote (without SMTP_URL: .eml files in a temporary MAIL_DIR). */
  mail: MailCapture;
  /** The background workers, stopped: tests drive them. */
  workers: { fireTimers(): Promise<number>; sendMail(): Promise<number>; sendGpcDigest(): Promise<number>; drain(): Promise<void> };
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, options?: GqlOptions): Promise<GqlResponse<T>>;
  stop(): Promise<void>;
}

export interface TestEnvOptions {
  /** Settings as environment strings, merged over the test defaults. */
  env?: Record<string, string>;
  clock?: ManualClock;
  /** Extra workflow definitions (test machines) and effect handlers, registered before the app listens. */
  workflows?: WorkflowDefinition[];
  effects?: (app: App) => Record<string, EffectHandler>;
  mailer?: Mailer;
  /** The app's logger (e.g. one writing to a test's sink); by default one at LOG_LEVEL (silent). */
  logger?: Logger;
}

/**
 * The app on a fresh database (SQLite file, or a new MySQL database under TEST_DATABASE_URL),
 * migrated by its own migrations, listening on a free port, with a clock the test moves.
 */
export async function createTestEnv(options: TestEnvOptions = {}): Promise<TestEnv> {
  const db = await createScratchDatabase();
  const clock = options.clock ?? new ManualClock();
  const mailDir = mkdtempSync(join(tmpdir(), 'consentry-mail-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    DATABASE_URL: db.url,
    APP_SECRET: 'test-secret-test-secret-test-secret-0123',
    // Tests only: scrypt N = 2^4 instead of 2^15, so a sign-in costs microseconds (the format and code path are the same).
    PASSWORD_HASH_COST: '4',
    MAIL_DIR: mailDir,
    // Every test request comes from 127.0.0.1: per-IP limits high enough for suites that create many
    // accounts (test/e2e/rate-limits.test.ts sets its own low limits).
    RATE_LIMIT_SIGN_IN_IP: '10000/1m',
    RATE_LIMIT_REGISTER_IP: '10000/1m',
    // No drain period on stop (test/e2e/graceful-stop.test.ts sets its own).
    SHUTDOWN_DRAIN: '0ms',
    ...options.env,
  });
  let app: App;
  try {
    app = await createApp(config, { clock, logger: options.logger ?? createLogger(config.LOG_LEVEL), startWorkers: false, mailer: options.mailer });
    for (const def of options.workflows ?? []) app.services.workflows.registry.register(def);
    for (const [name, handler] of Object.entries(options.effects?.(app) ?? {})) app.services.workflows.registry.registerEffect(name, handler);
  } catch (error) {
    await db.drop();
    throw error;
  }
  const address: AddressInfo = await app.listen();
  const url = `http://127.0.0.1:${address.port}`;

  return {
    app,
    url,
    clock,
    mail: new MailCapture(mailDir),
    workers: {
      fireTimers: () => app.timerWorker.drain(),
      sendMail: () => app.outboxWorker.drain(),
      sendGpcDigest: () => app.gpcDigestWorker.drain(),
      async drain() {
        while ((await app.timerWorker.drain()) + (await app.gpcDigestWorker.drain()) + (await app.outboxWorker.drain()) > 0);
      },
    },
    async gql(query, variables, opts = {}) {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...opts.headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      const body: any = await res.json();
      return { status: res.status, headers: res.headers, body, data: body.data, errors: body.errors };
    },
    async stop() {
      await app.stop();
      await db.drop();
      rmSync(mailDir, { recursive: true, force: true });
    },
  };
}
