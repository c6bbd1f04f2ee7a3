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
import { apolloHandler, ConstantAnswers } from './apollo-express';
import { DocumentGuard } from './document-guard';
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
  /** The federation subgraph's server (/subgraph). */
  subgraph: ApolloServer<RequestContext>;
  /** The answers of process-constant documents, shared with the server's constantResultPlugin. */
  constantAnswers: ConstantAnswers;
  /** Set when a graceful stop begins (App.stop). */
  shutdown: ShutdownState;
}

/** A graceful stop in progress: /readyz answers 503 and every response closes its connection, while requests are still served. */
export interface ShutdownState {
  draining: boolean;
}

/** One JSON error body for every failure outside GraphQL execution, in GraphQL's error shape. */
function sendError(res: Response, status: number, code: string, message: string) {
  res.status(status).json({ errors: [{ message, extensions: { code, requestId: res.locals.requestId } }] });
}

/**
 * How deep JSON in a /graphql body may nest. Real variables nest a few levels; thousands of levels
 * (a 5,000-deep array fits in 20 kB) overflow the stack of every recursive walk after the parser
 * (JSON.stringify, variable coercion).
 */
export const MAX_JSON_DEPTH = 32;

/** Does this parsed JSON nest deeper than `max` (the top value is level 1)? Iterative: any depth is safe to ask about. */
export function jsonDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > max) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** The GraphQL document of a request, where Apollo will look for it: a POST body's `query`, a GET's `?query=`. */
function documentOf(req: Request): string | undefined {
  if (req.method === 'GET') {
    const query: unknown = req.query.query;
    return typeof query === 'string' ? query : undefined;
  }
  const body: unknown = req.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const query = (body as { query?: unknown }).query;
  return typeof query === 'string' ? query : undefined;
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
 * The HTTP surface: /graphql for apps and services, /subgraph for a site's federation router,
 * /healthz and /readyz for orchestrators.
 * Every request gets a request id (its own X-Request-Id if sane, else a new one) that is on
 * every log line of the request and in every error body.
 */
export function createHttpApp(deps: HttpAppDeps): express.Express {
  const { config, logger, dataSource, services, clock, apollo, subgraph, constantAnswers, shutdown } = deps;
  const documents = new DocumentGuard({ maxTokens: config.GRAPHQL_MAX_TOKENS, maxDepth: config.GRAPHQL_MAX_DEPTH, maxAliases: config.GRAPHQL_MAX_ALIASES });
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
    // Stopping: serve, but end each keep-alive connection after its response, so clients reconnect to another process
    // before the port closes (instead of sending on a socket that is then closed under them).
    if (shutdown.draining) res.setHeader('Connection', 'close');
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

  /** Who is asking, from a service key or a session (the same for /graphql and the subgraph). */
  async function graphqlContext({ req, res }: { req: Request; res: Response }): Promise<RequestContext> {
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
  }

  const checkDeviceHeader = (req: Request, res: Response, next: NextFunction) => {
    const device = req.get('x-consentry-device');
    if (device !== undefined && !DEVICE_ID.test(device)) return sendError(res, 400, 'BAD_USER_INPUT', `X-Consentry-Device: ${DEVICE_ID_MESSAGE}`);
    next();
  };

  // Bounds on what Apollo gets, before it parses or validates anything (see DocumentGuard).
  const guardDocument = (req: Request, res: Response, next: NextFunction) => {
    if (jsonDeeperThan(req.body, MAX_JSON_DEPTH)) {
      res.locals.logger.info({ code: 'BAD_REQUEST' }, 'graphql request refused: JSON nested too deep');
      return sendError(res, 400, 'BAD_REQUEST', `The JSON in the request body nests deeper than ${MAX_JSON_DEPTH} levels.`);
    }
    const document = documentOf(req);
    const refusal = document === undefined ? undefined : documents.check(document);
    if (refusal) {
      res.locals.logger.info({ code: refusal.code }, `graphql request refused: ${refusal.message}`);
      return sendError(res, 400, refusal.code, refusal.message);
    }
    next();
  };

  app.use('/graphql', checkDeviceHeader, express.json({ limit: config.BODY_LIMIT }), guardDocument, apolloHandler(apollo, graphqlContext, constantAnswers));

  // The Federation 2 subgraph, for a site's router: the same callers (a service key, or the person's
  // session forwarded by the router), its own schema (src/schema/federation/subgraph.schema.ts).
  app.use('/subgraph', checkDeviceHeader, express.json({ limit: config.BODY_LIMIT }), guardDocument, apolloHandler(subgraph, graphqlContext, new ConstantAnswers()));

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
    if (shutdown.draining) {
      res.status(503).json({ status: 'unavailable', reason: 'shutting down' });
      return;
    }
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
