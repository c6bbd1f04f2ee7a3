import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { systemClock, type Clock } from './clock';
import type { Config } from './config';
import { createDataSource, detectMysqlFlavor, dialectOf } from './db/data-source';
import { Database } from './db/database';
import { StartupError } from './errors';
import { createGraphQLServer } from './http/graphql-server';
import { createHttpApp } from './http/http-app';
import { ConstantAnswers } from './http/apollo-express';
import { createLogger, type Logger } from './logger';
import { loadPolicy } from './policy';
import { buildGraphQLSchema } from './schema/build-schema';
import { createServices, type Services } from './services';
import { redactSetting } from './config';
import { appSecretFor } from './util/keyring';
import { createMailer, type Mailer } from './mail/mailer';
import { OutboxWorker } from './mail/outbox.worker';
import { webhookSender } from './services/webhooks/recipient-notice.service';
import { TimerWorker } from './workflows/runtime/timer.worker';

/** Work that runs in every process beside the HTTP server (timers, outbox); stopped before the database closes. */
export interface BackgroundWorker {
  readonly name: string;
  start(): void;
  stop(): Promise<void>;
}

export interface AppOverrides {
  logger?: Logger;
  clock?: Clock;
  dataSource?: DataSource;
  /** Replaces the mail transport chosen from SMTP_URL / MAIL_DIR. */
  mailer?: Mailer;
  /** false: listen() leaves the background workers stopped (tests drive them with drain()). */
  startWorkers?: boolean;
}

export interface App {
  config: Config;
  logger: Logger;
  clock: Clock;
  dataSource: DataSource;
  db: Database;
  services: Services;
  server: Server;
  workers: BackgroundWorker[];
  timerWorker: TimerWorker;
  outboxWorker: OutboxWorker;
  /** Starts listening on config.HOST:PORT (PORT 0 picks a free port) and starts the workers. */
  listen(): Promise<AddressInfo>;
  /** Stops accepting, lets in-flight requests finish (bounded by SHUTDOWN_TIMEOUT), stops workers, closes the database. */
  stop(): Promise<void>;
}

async function openDatabase(config: Config, dataSource: DataSource, logger: Logger): Promise<void> {
  const where = redactSetting('DATABASE_URL', config.DATABASE_URL);
  try {
    await dataSource.initialize();
  } catch (error) {
    throw new StartupError(`Cannot open the database ${where}: ${(error as Error).message}`);
  }
  if (config.MIGRATE_ON_START) {
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      if (applied.length) logger.info({ migrations: applied.map((m) => m.name) }, 'database migrations applied');
    } catch (error) {
      await dataSource.destroy().catch(() => undefined);
      throw new StartupError(`Migrating the database ${where} failed: ${(error as Error).message}`);
    }
  }
}

/** The composition root: database, services, GraphQL and HTTP, workers. Nothing listens until listen(). */
export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const logger = overrides.logger ?? createLogger(config.LOG_LEVEL);
  const clock = overrides.clock ?? systemClock;
  const policy = loadPolicy(config.POLICY_FILE);
  const appSecret = appSecretFor(config);
  const dataSource = overrides.dataSource ?? createDataSource({ url: config.DATABASE_URL, flavor: await detectMysqlFlavor(config.DATABASE_URL) });
  if (!dataSource.isInitialized) await openDatabase(config, dataSource, logger);

  const db = new Database(dataSource);
  const services = createServices({ config, dataSource, db, clock, logger, policy, appSecret });
  if (!config.MIGRATE_ON_START && (await dataSource.showMigrations())) {
    logger.warn('database migrations are pending and MIGRATE_ON_START=false: /readyz answers 503 until they are applied');
  } else {
    await services.policyVersions.recordCurrent();
  }

  const schema = await buildGraphQLSchema();
  const server = createServer();
  const constantAnswers = new ConstantAnswers();
  const apollo = createGraphQLServer(schema, config, server, constantAnswers);
  await apollo.start();
  server.on('request', createHttpApp({ config, logger, clock, dataSource, services, apollo, constantAnswers }));
  server.keepAliveTimeout = 65_000;

  const timerWorker = new TimerWorker(db, clock, services.workflows, logger, config.TIMER_POLL_INTERVAL);
  const outboxWorker = new OutboxWorker(services.outbox, services.workflows.registry, overrides.mailer ?? createMailer(config, logger), config, services.site, logger);
  outboxWorker.registerChannel('webhook', webhookSender(services.recipients, clock, config.WEBHOOK_TIMEOUT));
  outboxWorker.registerChannel('job', services.addressJobs.sender());
  const workers: BackgroundWorker[] = [timerWorker, outboxWorker];
  let stopping: Promise<void> | undefined;

  return {
    config,
    logger,
    clock,
    dataSource,
    db,
    services,
    server,
    workers,
    timerWorker,
    outboxWorker,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.PORT, config.HOST, () => {
          server.off('error', reject);
          if (overrides.startWorkers !== false) for (const worker of workers) worker.start();
          const address = server.address() as AddressInfo;
          logger.info({ port: address.port, host: config.HOST, database: dialectOf(config.DATABASE_URL), policy: `${policy.id}@${policy.version}` }, 'consentry listening');
          resolve(address);
        });
      }),
    stop: () =>
      (stopping ??= (async () => {
        // The drain plugin closes the listener, waits for in-flight requests up to SHUTDOWN_TIMEOUT, then cuts the rest.
        await apollo.stop();
        if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
        await Promise.allSettled(workers.map((w) => w.stop()));
        if (dataSource.isInitialized) await dataSource.destroy();
      })()),
  };
}
