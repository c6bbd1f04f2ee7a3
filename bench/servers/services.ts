import 'reflect-metadata';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { benchEnv } from './hooks';

/** The service's own services (policy, audit, …) on a scratch database, for peers that serve the same data. Nothing listens. */
export async function createBenchServices(): Promise<App> {
  const { databaseUrl, appSecret } = benchEnv();
  return createApp(loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'warn', PORT: '0', HOST: '127.0.0.1', DATABASE_URL: databaseUrl, APP_SECRET: appSecret }));
}
