import 'reflect-metadata';
import { createApp, type App } from './app';
import { ConfigError, loadConfig } from './config';
import { StartupError } from './errors';
import { createLogger } from './logger';

/** Starts the service: config, database and migrations, HTTP, workers; stops cleanly on SIGTERM/SIGINT. */
async function main() {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const app: App = await createApp(config, { logger });
  await app.listen();

  let signalled = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (signalled) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    signalled = true;
    logger.info({ signal, drainMs: config.SHUTDOWN_DRAIN }, 'stopping: /readyz answers 503, serving for SHUTDOWN_DRAIN, then finishing in-flight requests');
    // A hard bound above the graceful one, so a stuck close can never keep the process alive.
    setTimeout(() => {
      logger.error('graceful stop took too long: exiting');
      process.exit(1);
    }, config.SHUTDOWN_DRAIN + config.SHUTDOWN_TIMEOUT + 5_000).unref();
    app.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: Error) => {
  if (error instanceof ConfigError || error instanceof StartupError) {
    process.stderr.write(`consentry: ${error.message}\n`);
  } else {
    createLogger('fatal').fatal({ err: error }, 'failed to start');
  }
  process.exit(1);
});
