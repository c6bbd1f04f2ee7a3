import type { Server } from 'node:http';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, Kind, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import depthLimit from 'graphql-depth-limit';
import { getComplexity, simpleEstimator, fieldExtensionsEstimator } from 'graphql-query-complexity';
import type { Config } from '../config';
import { unavailableAnswer } from '../db/errors';
import { RequestError } from '../errors';
import { PROCESS_CONSTANT_QUERIES } from '../schema/build-schema';
import type { RequestContext } from '../schema/context';
import type { ConstantAnswers } from './apollo-express';

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

/** Logs unexpected errors with their request id and tags every error of a response with it. */
const errorsPlugin: ApolloServerPlugin<RequestContext> = {
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
 * may change anyone's data), is FORBIDDEN for it. Other callers get no hooks at all.
 */
const serviceKeyReadOnlyPlugin: ApolloServerPlugin<RequestContext> = {
  async requestDidStart({ contextValue }) {
    if (!contextValue.actor?.serviceKey) return;
    return {
      async didResolveOperation({ operation }) {
        if (operation?.operation === 'query') return;
        throw new GraphQLError('A service key may not change anything: it can only ask (processingAllowed).', { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
      },
    };
  },
};

/** How many (operation, variables) costs one document keeps: enough for a query's usual variable sets, bounded against junk. */
const COSTS_PER_DOCUMENT = 32;

/**
 * Refuses operations whose estimated cost (fields × list sizes) exceeds GRAPHQL_MAX_COST.
 * The cost depends only on the document, the operation and the variables, and Apollo's document
 * cache hands the same DocumentNode to every request of the same query, so it is computed once per
 * (document, operation, variables) and remembered beside the document (gone when Apollo evicts it).
 */
function costLimitPlugin(schema: GraphQLSchema, maxCost: number): ApolloServerPlugin<RequestContext> {
  const estimators = [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })];
  const costs = new WeakMap<DocumentNode, Map<string, number>>();
  const costOf = (document: DocumentNode, operationName: string | undefined | null, variables: Record<string, unknown> | undefined | null): number => {
    const key = `${operationName ?? ''}\u0000${variables && Object.keys(variables).length ? JSON.stringify(variables) : ''}`;
    let known = costs.get(document);
    const cached = known?.get(key);
    if (cached !== undefined) return cached;
    const cost = getComplexity({ schema, query: document, variables: variables ?? {}, operationName: operationName ?? undefined, estimators });
    if (!known) costs.set(document, (known = new Map()));
    if (known.size < COSTS_PER_DOCUMENT) known.set(key, cost);
    return cost;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          let cost: number;
          try {
            cost = costOf(document, request.operationName, request.variables);
          } catch (error) {
            // The estimate coerces the variables first; a value that does not fit its type (an unknown
            // enum value) is the client's mistake, which Apollo would report the same way a step later.
            if (error instanceof GraphQLError && !error.extensions?.code) throw new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
            throw error;
          }
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

export function createGraphQLServer(schema: GraphQLSchema, config: Config, httpServer: Server, constantAnswers: ConstantAnswers): ApolloServer<RequestContext> {
  return new ApolloServer<RequestContext>({
    schema,
    introspection: !config.isProduction,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    // main.ts owns SIGTERM/SIGINT: Apollo's own handler would re-raise the signal mid-stop.
    stopOnTerminationSignals: false,
    formatError,
    validationRules: [depthLimit(config.GRAPHQL_MAX_DEPTH)],
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.SHUTDOWN_TIMEOUT }),
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ...(config.isProduction ? [ApolloServerPluginLandingPageDisabled()] : []),
      errorsPlugin,
      serviceKeyReadOnlyPlugin,
      costLimitPlugin(schema, config.GRAPHQL_MAX_COST),
      constantResultPlugin(PROCESS_CONSTANT_QUERIES, constantAnswers),
    ],
  });
}
