import 'reflect-metadata';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { bearerToken } from '../../src/http/http-app';
import { isServiceKeyToken } from '../../src/services/identity/service-key.service';
import { benchEnv } from './hooks';

/** The service's own services (policy, audit, …) on a scratch database, for peers that serve the same data. Nothing listens. */
export async function createBenchServices(): Promise<App> {
  const { databaseUrl, appSecret } = benchEnv();
  return createApp(loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'warn', PORT: '0', HOST: '127.0.0.1', DATABASE_URL: databaseUrl, APP_SECRET: appSecret, ALLOW_FILE_MAIL: 'true' }));
}

/**
 * A peer's caller, as the service's context finds it: a `csk_…` bearer token is a service key
 * (`serviceKeys.authenticate`), anything else a person's session. Failures only need to fail here.
 */
export async function authenticateBearer(app: App, header: string | undefined) {
  const token = bearerToken(header);
  return isServiceKeyToken(token) ? app.services.serviceKeys.authenticate(token) : app.services.sessions.authenticate(token);
}
