import type { Request, RequestHandler, Response } from 'express';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLRequest } from '@apollo/server';

/** One answer Apollo gave, as it went out: status, headers and body string. */
interface Answer {
  status: number;
  headers: [string, string][];
  body: string;
  /** Express's ETag of the body, computed once for a kept answer (res.send then skips its hash). */
  etag?: string;
}

/** How many constant answers (accept header × document × operation × variables) are kept: bounded against junk. */
const CONSTANT_ANSWERS_MAX = 256;

/**
 * The answers of process-constant documents (graphql-server.ts constantResultPlugin), as Apollo sent
 * them, so that the same request is answered again without Apollo's pipeline.
 *
 * The plugin marks a request it answered from its result cache (data, no errors; after parsing,
 * validation and the limits passed); the handler below then keeps what Apollo sent for that request's
 * key. A request is eligible only when nothing else could change the answer or has an effect: a POST
 * with a parsed JSON body (so CSRF prevention passes on both ways), a string query, no extensions
 * (persisted queries), and no Authorization or Sec-GPC header (the context's session/service-key
 * look-up and Global Privacy Control have effects; those requests take Apollo's way).
 */
export class ConstantAnswers {
  private readonly marked = new WeakSet<HTTPGraphQLRequest>();
  private readonly answers = new Map<string, Answer>();

  /** Called by the plugin for a request it answered from its result cache. */
  mark(request: HTTPGraphQLRequest | undefined): void {
    if (request) this.marked.add(request);
  }

  isMarked(request: HTTPGraphQLRequest): boolean {
    return this.marked.has(request);
  }

  /** The key of an eligible request, undefined for any other. */
  keyOf(req: Request): string | undefined {
    const body: unknown = req.body;
    if (req.method !== 'POST' || !body || typeof body !== 'object' || Array.isArray(body)) return undefined;
    const { query, operationName, variables, extensions } = body as Record<string, unknown>;
    if (typeof query !== 'string' || extensions !== undefined) return undefined;
    if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return undefined;
    if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return undefined;
    const { headers } = req;
    if (headers.authorization !== undefined || headers['sec-gpc'] !== undefined) return undefined;
    const vars = variables && Object.keys(variables).length ? JSON.stringify(variables) : '';
    return `${headers.accept ?? ''}\u0000${query}\u0000${operationName ?? ''}\u0000${vars}`;
  }

  get(key: string): Answer | undefined {
    return this.answers.get(key);
  }

  remember(key: string, answer: Answer): void {
    if (this.answers.size < CONSTANT_ANSWERS_MAX) this.answers.set(key, answer);
  }
}

/**
 * Apollo's own 500 (a plugin hook threw: its requestDidStart hooks never saw the end of the request)
 * and its own 400s carry no request id; every error body of ours does. Added here, where the id is at hand.
 */
function withRequestId(body: string, requestId: string | undefined): string {
  try {
    const parsed = JSON.parse(body) as { errors?: { extensions?: Record<string, unknown> }[] };
    if (!requestId || !Array.isArray(parsed.errors)) return body;
    for (const error of parsed.errors) error.extensions = { ...error.extensions, requestId };
    return JSON.stringify(parsed);
  } catch {
    return body;
  }
}

function send(res: Response, answer: Answer): void {
  for (const [name, value] of answer.headers) res.setHeader(name, value);
  if (answer.etag) res.setHeader('ETag', answer.etag);
  res.statusCode = answer.status;
  res.send(answer.body);
}

/**
 * Apollo behind Express, as `@as-integrations/express5` does it (same request, same response calls),
 * without its per-request legacy `url.parse`, and with the constant answers: a request whose answer
 * Apollo already gave as a process constant gets the same status, headers and body at once.
 */
export function apolloHandler<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  context: (args: { req: Request; res: Response }) => Promise<TContext>,
  constants: ConstantAnswers,
): RequestHandler {
  apollo.assertStarted('apolloHandler()');
  return async (req, res) => {
    if (!('body' in req)) {
      res.status(500).send('`req.body` is not set; this probably means you forgot to set up the `json` middleware before the Apollo Server middleware.');
      return;
    }
    // One operation per request (docs/api.md): a JSON array is refused before Apollo, in our error shape.
    if (Array.isArray(req.body)) {
      res.status(400).json({
        errors: [{ message: 'Batched requests (a JSON array of operations) are not supported: send one operation per request.', extensions: { code: 'BATCHING_NOT_SUPPORTED', requestId: res.locals.requestId } }],
      });
      return;
    }
    const key = constants.keyOf(req);
    const known = key === undefined ? undefined : constants.get(key);
    if (known) return send(res, known);
    const headers = new HeaderMap();
    for (const name in req.headers) {
      const value = req.headers[name];
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const query = req.url.indexOf('?');
    const httpGraphQLRequest: HTTPGraphQLRequest = { method: req.method.toUpperCase(), headers, search: query < 0 ? '' : req.url.slice(query), body: req.body };
    const response = await apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: () => context({ req, res }) });
    if (response.body.kind === 'complete') {
      const answer: Answer = { status: response.status || 200, headers: [...response.headers], body: response.body.string };
      if (answer.status >= 500) answer.body = withRequestId(answer.body, res.locals.requestId);
      if (key !== undefined && constants.isMarked(httpGraphQLRequest)) {
        // What res.send computes for a string body (it hashes the body's bytes when no ETag is set).
        const etagOf = req.app.get('etag fn') as ((body: Buffer, encoding?: string) => string | undefined) | undefined;
        constants.remember(key, { ...answer, etag: etagOf?.(Buffer.from(answer.body, 'utf8')) });
      }
      // Apollo's own 400s before the request pipeline (a batched array body, a GET without the preflight
      // header) carry no request id either; this request's id is added to the answer sent, never to a remembered one.
      if (answer.status >= 400 && answer.status < 500) return send(res, { ...answer, body: withRequestId(answer.body, res.locals.requestId) });
      return send(res, answer);
    }
    for (const [name, value] of response.headers) res.setHeader(name, value);
    res.statusCode = response.status || 200;
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}
