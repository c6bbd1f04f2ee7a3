import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { ApolloServer } from '@apollo/server';
import type { DataSource } from 'typeorm';
import type { Clock } from '../clock';
import type { Config } from '../config';
import { unavailableAnswer } from '../db/errors';
import type { Logger } from '../logger';
import type { RequestContext } from '../schema/context';
import type { Services } from '../services';
import { createLinkPages } from './link-pages';
import { apolloHandler, type ConstantAnswers } from './apollo-express';
import { DEVICE_ID, DEVICE_ID_MESSAGE } from '../schema/common/device-id';
import { isServiceKeyToken } from '../services/identity/service-key.service';

const SERVICE_KEY_FAILURE = { invalid: 'service_key_invalid', expired: 'service_key_expired', revoked: 'service_key_revoked' } as const;

declare module 'express-serve-static-core' {
  interface Locals {
    requestId: string;
    logger: Logger;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,64}$/;

/** How long /readyz waits for a database connection and `SELECT 1`. */
export const READY_DEADLINE_MS = 1000;

/** The promise's outcome, or a rejection once `ms` have passed (the work itself goes on and is ignored). */
function withinDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  work.catch(() => undefined);
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

export interface HttpAppDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  dataSource: DataSource;
  services: Services;
  apollo: ApolloServer<RequestContext>;
  /** The answers of process-constant documents, shared with the server's constantResultPlugin. */
  constantAnswers: ConstantAnswers;
}

/** One JSON error body for every failure outside GraphQL execution, in GraphQL's error shape. */
function sendError(res: Response, status: number, code: string, message: string) {
  res.status(status).json({ errors: [{ message, extensions: { code, requestId: res.locals.requestId } }] });
}

/** The token of an `Authorization: Bearer <token>` header; '' (never valid) for any other scheme, undefined without the header. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : '';
}

/**
 * A logger whose pino child is made on the first call: a child costs ~6 µs (mostly redaction
 * set-up) and most requests write no line at production levels. A Proxy rather than a getter,
 * because Apollo copies the context object (Object.assign) for every operation, which would call it.
 */
export function lazyLogger(make: () => Logger): Logger {
  let real: Logger | undefined;
  return new Proxy({} as Logger, {
    get(_target, prop) {
      real ??= make();
      const value: unknown = Reflect.get(real, prop, real);
      return typeof value === 'function' ? value.bind(real) : value;
    },
  });
}

export function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

/**
 * The HTTP surface: /graphql for apps and services, /healthz and /readyz for orchestrators.
 * Every request gets a request id (its own X-Request-Id if sane, else a new one) that is on
 * every log line of the request and in every error body.
 */
export function createHttpApp(deps: HttpAppDeps): express.Express {
  const { config, logger, dataSource, services, clock, apollo, constantAnswers } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', parseTrustProxy(config.TRUST_PROXY));

  app.use((req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.locals.logger = lazyLogger(() => logger.child({ requestId }));
    res.setHeader('X-Request-Id', requestId);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // The access line is a debug line: time the request only when it will be written.
    if (logger.isLevelEnabled('debug')) {
      const started = process.hrtime.bigint();
      res.on('finish', () => {
        res.locals.logger.debug(
          { method: req.method, path: req.path.startsWith('/l/') ? '/l/:token' : req.path, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 },
          'request',
        );
      });
    }
    next();
  });

  /** What every resolver gets for one request (see RequestContext). */
  function requestContext(req: Request, res: Response, actor: RequestContext['actor'], authFailure: RequestContext['authFailure'], gpc?: boolean, deviceId?: string): RequestContext {
    return {
      gpc,
      deviceId,
      requestId: res.locals.requestId,
      logger: res.locals.logger,
      ip: req.ip ?? req.socket.remoteAddress ?? 'unknown',
      userAgent: req.get('user-agent'),
      services,
      clock,
      actor,
      authFailure,
    };
  }

  app.use(
    '/graphql',
    (req, res, next) => {
      const device = req.get('x-consentry-device');
      if (device !== undefined && !DEVICE_ID.test(device)) return sendError(res, 400, 'BAD_USER_INPUT', `X-Consentry-Device: ${DEVICE_ID_MESSAGE}`);
      next();
    },
    express.json({ limit: config.BODY_LIMIT }),
    apolloHandler(
      apollo,
      async ({ req, res }): Promise<RequestContext> => {
        const token = bearerToken(req.get('authorization'));
        if (isServiceKeyToken(token)) {
          // One of the site's other services, never a person: its key's public prefix goes on every
          // log line of the request (the access line too); a backend is not a browser, so Global
          // Privacy Control and the device header do not apply.
          const { actor, failure } = await services.serviceKeys.authenticate(token);
          const { requestId } = res.locals;
          if (actor) res.locals.logger = lazyLogger(() => logger.child({ requestId, serviceKey: actor.serviceKey!.prefix }));
          return requestContext(req, res, actor, failure && SERVICE_KEY_FAILURE[failure]);
        }
        const { actor, failure } = await services.sessions.authenticate(token);
        // Global Privacy Control (11 CCR 7025): `Sec-GPC: 1` opts out the device and the signed-in subject.
        const gpc = req.get('sec-gpc')?.trim() === '1';
        const deviceId = req.get('x-consentry-device');
        if (gpc) {
          await services.optOut.applyGpc({ gpc, deviceId, actor, requestId: res.locals.requestId, ip: req.ip }).catch((error: unknown) => {
            // The request goes on; the signal is applied on the next request that carries it.
            res.locals.logger.error({ err: error }, 'applying a Global Privacy Control signal failed');
          });
        }
        return requestContext(req, res, actor, failure, gpc, deviceId);
      },
      constantAnswers,
    ),
  );

  // After /graphql: every API request would otherwise be matched against these two routes first.
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // Ready means able to serve now: a connection (from the pool, or a new one) and a trivial query
  // within a second. A process whose connections are all stuck (a frozen link, an exhausted pool)
  // goes unready, so the load balancer stops sending it requests. Applied migrations stay applied:
  // once none is pending that is not asked again.
  let migrated = false;
  app.get('/readyz', async (_req, res) => {
    try {
      await withinDeadline(dataSource.query('SELECT 1'), READY_DEADLINE_MS);
    } catch (error) {
      res.locals.logger.warn({ err: error }, 'readiness check failed');
      res.status(503).json({ status: 'unavailable', reason: `the database does not answer within ${READY_DEADLINE_MS} ms` });
      return;
    }
    try {
      if (!migrated && (await withinDeadline(dataSource.showMigrations(), READY_DEADLINE_MS))) {
        res.status(503).json({ status: 'unavailable', reason: 'database migrations are pending' });
        return;
      }
      migrated = true;
      res.json({ status: 'ready' });
    } catch (error) {
      res.locals.logger.warn({ err: error }, 'readiness check failed');
      res.status(503).json({ status: 'unavailable', reason: 'the database does not answer' });
    }
  });

  app.use('/l', createLinkPages({ config, logger, links: services.links, site: services.site, secret: services.linkSecret }));

  app.use((_req: Request, res: Response) => sendError(res, 404, 'NOT_FOUND', 'Nothing here. The GraphQL API is at /graphql.'));

  app.use((error: Error & { type?: string; status?: number; limit?: number }, _req: Request, res: Response, _next: NextFunction) => {
    if (error.type === 'entity.too.large') return sendError(res, 413, 'PAYLOAD_TOO_LARGE', `Request body too large: the limit is ${config.BODY_LIMIT}.`);
    if (error.type === 'entity.parse.failed') return sendError(res, 400, 'BAD_REQUEST', 'Malformed JSON in the request body.');
    if (error.status && error.status >= 400 && error.status < 500) return sendError(res, error.status, 'BAD_REQUEST', error.message);
    const unavailable = unavailableAnswer(error);
    if (unavailable) {
      res.locals.logger.warn({ err: error }, 'database unavailable: the client was asked to try again');
      res.setHeader('Retry-After', String(unavailable.retryAfterSeconds));
      return sendError(res, 503, unavailable.code, unavailable.message);
    }
    res.locals.logger.error({ err: error }, 'unexpected error');
    return sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal error');
  });

  return app;
}
