import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { systemClock, type Clock } from './clock';
import type { Config } from './config';
import { createDataSource, detectMysqlFlavor, dialectOf } from './db/data-source';
import { Database } from './db/database';
import { withMigrationLock } from './db/migration-lock';
import { StartupError } from './errors';
import { createGraphQLServer, createSubgraphServer } from './http/graphql-server';
import { createHttpApp, type ShutdownState } from './http/http-app';
import { ConstantAnswers } from './http/apollo-express';
import { createLogger, type Logger } from './logger';
import { loadPolicy } from './policy';
import { buildGraphQLSchema } from './schema/build-schema';
import { buildConsentrySubgraphSchema } from './schema/federation/subgraph.schema';
import { createServices, type Services } from './services';
import { redactSetting } from './config';
import { appSecretFor } from './util/keyring';
import { createMailer, type Mailer } from './mail/mailer';
import { OutboxWorker } from './mail/outbox.worker';
import { webhookSender } from './services/webhooks/recipient-notice.service';
import { TimerWorker } from './workflows/runtime/timer.worker';
import { DeviceOptOutDigestWorker } from './services/opt-out/device-opt-out.service';

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
  /** Tells recipients about devices opted out by Global Privacy Control, one digest per GPC_DIGEST_INTERVAL. */
  gpcDigestWorker: DeviceOptOutDigestWorker;
  /** Starts listening on config.HOST:PORT (PORT 0 picks a free port) and starts the workers. */
  listen(): Promise<AddressInfo>;
  /**
   * The graceful stop: /readyz answers 503 at once while requests are still served for SHUTDOWN_DRAIN (so a
   * load balancer takes the process out first), then the port closes and in-flight requests finish (bounded
   * by SHUTDOWN_TIMEOUT), then the workers stop and the database closes.
   */
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
      // One process at a time (processes started together on an empty database would each run the first migration).
      const applied = await withMigrationLock(
        dataSource,
        () => dataSource.runMigrations({ transaction: 'each' }),
        () => logger.info('another process is migrating the database: waiting for it'),
      );
      if (applied.length) logger.info({ migrations: applied.map((m) => m.name) }, 'database migrations applied');
    } catch (error) {
      await dataSource.destroy().catch(() => undefined);
      throw new StartupError(`Migrating the database ${where} failed: ${(error as Error).message}`);
    }
  }
}

/** A port that is taken or not ours to use: one line that names it (main prints it and exits 1). */
function listenError(error: NodeJS.ErrnoException, config: Config): Error {
  const where = `port ${config.PORT} on ${config.HOST}`;
  if (error.code === 'EADDRINUSE') return new StartupError(`Cannot listen on ${where}: it is already in use (another process? set PORT)`);
  if (error.code === 'EACCES') return new StartupError(`Cannot listen on ${where}: permission denied (ports below 1024 need privileges; set PORT)`);
  if (error.code === 'EADDRNOTAVAIL') return new StartupError(`Cannot listen on ${where}: no such address on this machine (set HOST)`);
  return error;
}

/** The composition root: database, services, GraphQL and HTTP, workers. Nothing listens until listen(). */
export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const logger = overrides.logger ?? createLogger(config.LOG_LEVEL);
  const clock = overrides.clock ?? systemClock;
  const policy = loadPolicy(config.POLICY_FILE);
  const appSecret = appSecretFor(config);
  const dataSource =
    overrides.dataSource ??
    createDataSource({
      url: config.DATABASE_URL,
      flavor: await detectMysqlFlavor(config.DATABASE_URL),
      session: { lockWaitTimeoutMs: config.DB_LOCK_WAIT_TIMEOUT, idleTransactionTimeoutMs: config.DB_IDLE_TRANSACTION_TIMEOUT },
      onSessionWarning: (message, error) => logger.warn({ err: error }, message),
    });
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
  const apollo = createGraphQLServer(schema, config, server, constantAnswers, logger);
  await apollo.start();
  const subgraph = createSubgraphServer(buildConsentrySubgraphSchema(), config, logger);
  await subgraph.start();
  const shutdown: ShutdownState = { draining: false };
  server.on('request', createHttpApp({ config, logger, clock, dataSource, services, apollo, subgraph, constantAnswers, shutdown }));
  server.keepAliveTimeout = 65_000;

  const timerWorker = new TimerWorker(db, clock, services.workflows, logger, config.TIMER_POLL_INTERVAL);
  const outboxWorker = new OutboxWorker(services.outbox, services.workflows.registry, overrides.mailer ?? createMailer(config, logger), config, services.site, logger);
  outboxWorker.registerChannel('webhook', webhookSender(services.recipients, clock, config.WEBHOOK_TIMEOUT));
  outboxWorker.registerChannel('job', services.addressJobs.sender());
  const gpcDigestWorker = new DeviceOptOutDigestWorker(services.deviceOptOuts, config.GPC_DIGEST_INTERVAL, logger);
  const workers: BackgroundWorker[] = [timerWorker, outboxWorker, gpcDigestWorker];
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
    gpcDigestWorker,
    listen: () =>
      new Promise((resolve, reject) => {
        const onError = (error: NodeJS.ErrnoException) => reject(listenError(error, config));
        server.once('error', onError);
        server.listen(config.PORT, config.HOST, () => {
          server.off('error', onError);
          if (overrides.startWorkers !== false) for (const worker of workers) worker.start();
          const address = server.address() as AddressInfo;
          logger.info({ port: address.port, host: config.HOST, database: dialectOf(config.DATABASE_URL), policy: `${policy.id}@${policy.version}` }, 'consentry listening');
          resolve(address);
        });
      }),
    stop: () =>
      (stopping ??= (async () => {
        shutdown.draining = true;
        if (server.listening && config.SHUTDOWN_DRAIN > 0) {
          logger.info({ drainMs: config.SHUTDOWN_DRAIN }, 'draining: /readyz answers 503, still serving');
          await new Promise((resolve) => setTimeout(resolve, config.SHUTDOWN_DRAIN));
        }
        // The drain plugin closes the listener, waits for in-flight requests up to SHUTDOWN_TIMEOUT, then cuts the rest.
        await apollo.stop();
        await subgraph.stop();
        if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
        await Promise.allSettled(workers.map((w) => w.stop()));
        if (dataSource.isInitialized) await dataSource.destroy();
      })()),
  };
}
