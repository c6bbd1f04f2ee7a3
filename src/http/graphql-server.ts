import type { Server } from 'node:http';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, Kind, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { Config } from '../config';
import { unavailableAnswer } from '../db/errors';
import { RequestError } from '../errors';
import type { Logger } from '../logger';
import { PROCESS_CONSTANT_QUERIES, SERVICE_KEY_MUTATIONS } from '../schema/build-schema';
import type { RequestContext } from '../schema/context';
import type { ConstantAnswers } from './apollo-express';
import { operationCost } from './query-cost';

/** Codes whose GraphQL errors are the client's own doing and safe to show as they are. */
const CLIENT_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'QUERY_TOO_COMPLEX',
  'UNAUTHENTICATED',
  'FORBIDDEN',
]);

const INTERNAL: GraphQLFormattedError['extensions'] = { code: 'INTERNAL_SERVER_ERROR' };

/** class-validator errors carry the whole input object (passwords included): keep only what failed and why. */
interface ValidationIssue {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationIssue[];
}
function cleanValidationErrors(errors: unknown): ValidationIssue[] {
  if (!Array.isArray(errors)) return [];
  return errors.map((e: ValidationIssue) => ({
    property: e.property,
    ...(e.constraints ? { constraints: e.constraints } : {}),
    ...(e.children?.length ? { children: cleanValidationErrors(e.children) } : {}),
  }));
}

/** Is this error one we show to the client (expected), or a bug to mask and log? */
export function isClientError(error: unknown): boolean {
  const original = unwrapResolverError(error);
  if (original instanceof RequestError) return true;
  if (original instanceof GraphQLError) {
    const code = String(original.extensions?.code ?? '');
    return CLIENT_ERROR_CODES.has(code) || code === 'UNAUTHORIZED';
  }
  return false;
}

/**
 * The one masking step: client errors keep their message and code (never a stack trace), type-graphql's
 * UNAUTHORIZED becomes FORBIDDEN, and everything else becomes "Internal error" (logged with its
 * request id by the errors plugin, which also adds the request id to every error).
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const { locations, path } = formatted;
  if (original instanceof RequestError) {
    return { message: original.message, locations, path, extensions: { ...original.extensions, code: original.code } };
  }
  if (isClientError(error)) {
    const code = String(formatted.extensions?.code);
    const extensions: Record<string, unknown> = { code: code === 'UNAUTHORIZED' ? 'FORBIDDEN' : code };
    if (formatted.extensions?.validationErrors) extensions.validationErrors = cleanValidationErrors(formatted.extensions.validationErrors);
    for (const key of ['cost', 'maxCost']) if (formatted.extensions?.[key] !== undefined) extensions[key] = formatted.extensions[key];
    const message = code === 'UNAUTHORIZED' ? 'You are not allowed to do this.' : formatted.message;
    return { message, locations, path, extensions };
  }
  // A lost lock race or database connection, after the transaction's retries: the client may try again.
  const unavailable = unavailableAnswer(original);
  if (unavailable) return { message: unavailable.message, locations, path, extensions: { code: unavailable.code, retryAfterSeconds: unavailable.retryAfterSeconds } };
  return { message: 'Internal error', locations, path, extensions: INTERNAL };
}

/**
 * graphql-js's "Did you mean …?" names fields, arguments, types and enum values the caller did not
 * ask for: in production, where introspection is off, they are taken out of every client error
 * (validation errors, and variable coercion errors, which Apollo's hideSchemaDetailsFromClientErrors
 * does not cover).
 */
export function withoutSuggestions(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const message = formatted.message.replace(/ ?Did you mean [^?]*\?/g, '');
  return message === formatted.message ? formatted : { ...formatted, message };
}

/** Logs unexpected errors with their request id and tags every error of a response with it. */
const errorsPlugin: ApolloServerPlugin<RequestContext> = {
  // A plugin hook that threw (Apollo answers 500 "Internal server error"): logged with the request id.
  async unexpectedErrorProcessingRequest({ requestContext, error }) {
    requestContext.contextValue?.logger?.error({ err: error }, 'unexpected error processing a graphql request');
  },
  async requestDidStart() {
    return {
      async didEncounterErrors({ contextValue, errors }) {
        for (const error of errors) {
          if (isClientError(error)) continue;
          const original = unwrapResolverError(error);
          if (unavailableAnswer(original)) contextValue.logger.warn({ err: original, path: error.path }, 'database unavailable: the client was asked to try again');
          else contextValue.logger.error({ err: original, path: error.path }, 'unexpected error');
        }
      },
      async willSendResponse({ contextValue, response }) {
        if (response.body.kind !== 'single' || !response.body.singleResult.errors) return;
        for (const e of response.body.singleResult.errors) {
          (e as { extensions: Record<string, unknown> }).extensions = { ...e.extensions, requestId: contextValue.requestId };
        }
      },
    };
  },
};

/**
 * A service key only reads: every mutation, public ones too (nothing a backend does with its key
 * may change anyone's data), is FORBIDDEN for it, except an operation made only of the mutations
 * named in SERVICE_KEY_MUTATIONS (linking a subject to the site's user id). Other callers get no hooks at all.
 */
const serviceKeyReadOnlyPlugin: ApolloServerPlugin<RequestContext> = {
  async requestDidStart({ contextValue }) {
    if (!contextValue.actor?.serviceKey) return;
    return {
      async didResolveOperation({ operation }) {
        if (operation?.operation === 'query') return;
        if (operation?.operation === 'mutation' && operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && (SERVICE_KEY_MUTATIONS.has(s.name.value) || s.name.value === '__typename'))) return;
        throw new GraphQLError('A service key may not change anything but a subject’s externalId (setSubjectExternalId): it can only ask (processingAllowed).', { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
      },
    };
  },
};

/** How many (operation, variables) costs one document keeps: enough for a query's usual variable sets, bounded against junk. */
const COSTS_PER_DOCUMENT = 32;

/** A cache key for a request's variables; undefined (not cached) when they cannot be written as JSON. */
function variablesKey(variables: Record<string, unknown> | undefined | null): string | undefined {
  if (!variables || !Object.keys(variables).length) return '';
  try {
    return JSON.stringify(variables);
  } catch {
    return undefined;
  }
}

/**
 * Refuses operations whose estimated cost (fields × page sizes, query-cost.ts) exceeds GRAPHQL_MAX_COST.
 * The cost depends only on the document, the operation and the variables, and Apollo's document
 * cache hands the same DocumentNode to every request of the same query, so it is computed once per
 * (document, operation, variables) and remembered beside the document (gone when Apollo evicts it).
 */
function costLimitPlugin(schema: GraphQLSchema, maxCost: number): ApolloServerPlugin<RequestContext> {
  const costs = new WeakMap<DocumentNode, Map<string, number>>();
  const costOf = (document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined | null): number => {
    const vars = variablesKey(variables);
    const key = vars === undefined ? undefined : `${operation.name?.value ?? ''}\u0000${vars}`;
    let known = costs.get(document);
    const cached = key === undefined ? undefined : known?.get(key);
    if (cached !== undefined) return cached;
    const cost = operationCost(schema, document, operation, variables);
    if (!known) costs.set(document, (known = new Map()));
    if (key !== undefined && known.size < COSTS_PER_DOCUMENT) known.set(key, cost);
    return cost;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation }) {
          // Without an operation Apollo answers "operation not found" itself, right after this hook.
          if (!operation) return;
          const cost = costOf(document, operation, request.variables);
          if (cost > maxCost) {
            throw new GraphQLError(`Query is too complex: its cost is ${cost}, the maximum is ${maxCost}. Ask for fewer fields or smaller pages.`, {
              extensions: { code: 'QUERY_TOO_COMPLEX', cost, maxCost, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}

/** How many answers (document × operation × variables) the result cache keeps: bounded against junk variables. */
const CONSTANT_RESULTS_MAX = 256;

/**
 * Answers a query operation whose root fields are all process constants (PROCESS_CONSTANT_QUERIES:
 * the policy, which never changes while the process runs) from the data of its first error-free
 * execution. It runs after parsing, validation and the cost limit (responseForOperation), so limits,
 * masking and request ids behave as before; only the execution of an answer already known is skipped.
 * Such a request is marked in `answers`, which then answers the same request before Apollo (apollo-express.ts).
 */
function constantResultPlugin(constantFields: ReadonlySet<string>, answers: ConstantAnswers): ApolloServerPlugin<RequestContext> {
  const results = new Map<string, Record<string, unknown>>();
  const eligible = (operation: OperationDefinitionNode) =>
    operation.operation === 'query' &&
    operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && constantFields.has(s.name.value) && !s.directives?.length);
  return {
    async requestDidStart() {
      let key: string | undefined;
      return {
        async responseForOperation({ operation, queryHash, request }) {
          if (!eligible(operation)) return null;
          key = `${queryHash}\u0000${request.operationName ?? ''}\u0000${request.variables && Object.keys(request.variables).length ? JSON.stringify(request.variables) : ''}`;
          const data = results.get(key);
          if (!data) return null;
          key = undefined;
          answers.mark(request.http);
          return { http: { headers: new HeaderMap() }, body: { kind: 'single', singleResult: { data } } };
        },
        async willSendResponse({ response }) {
          if (!key || results.size >= CONSTANT_RESULTS_MAX || response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          if (data && !errors?.length) results.set(key, data);
        },
      };
    },
  };
}

/**
 * What /graphql and /subgraph share: masking, request ids, JSON logs, document and cost limits
 * (depth and aliases are checked before Apollo by document-guard.ts; the token limit again on anything
 * Apollo parses), CSRF prevention, read-only service keys, no suggestions or introspection in production.
 */
function hardenedServer(schema: GraphQLSchema, config: Config, logger: Logger, plugins: ApolloServerPlugin<RequestContext>[]): ApolloServer<RequestContext> {
  return new ApolloServer<RequestContext>({
    schema,
    // Apollo's own lines (a plugin hook that threw, a cache warning) as JSON lines of the service's log.
    logger,
    introspection: !config.isProduction,
    hideSchemaDetailsFromClientErrors: config.isProduction,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    // main.ts owns SIGTERM/SIGINT: Apollo's own handler would re-raise the signal mid-stop.
    stopOnTerminationSignals: false,
    formatError: config.isProduction ? (formatted, error) => withoutSuggestions(formatError(formatted, error)) : formatError,
    parseOptions: { maxTokens: config.GRAPHQL_MAX_TOKENS },
    plugins: [
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ...(config.isProduction ? [ApolloServerPluginLandingPageDisabled()] : []),
      errorsPlugin,
      serviceKeyReadOnlyPlugin,
      costLimitPlugin(schema, config.GRAPHQL_MAX_COST),
      ...plugins,
    ],
  });
}

export function createGraphQLServer(schema: GraphQLSchema, config: Config, httpServer: Server, constantAnswers: ConstantAnswers, logger: Logger): ApolloServer<RequestContext> {
  return hardenedServer(schema, config, logger, [
    ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.SHUTDOWN_TIMEOUT }),
    constantResultPlugin(PROCESS_CONSTANT_QUERIES, constantAnswers),
  ]);
}

/**
 * The federation subgraph's server (/subgraph): the same hardening as /graphql, no result cache, and
 * no inline traces (they would hand the router timings and unmasked errors). The HTTP server is
 * drained by the main server's plugin; app.ts stops this one after it.
 */
export function createSubgraphServer(schema: GraphQLSchema, config: Config, logger: Logger): ApolloServer<RequestContext> {
  return hardenedServer(schema, config, logger, [ApolloServerPluginInlineTraceDisabled()]);
}
