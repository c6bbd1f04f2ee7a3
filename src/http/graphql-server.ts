import type { Server } from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import depthLimit from 'graphql-depth-limit';
import { getComplexity, simpleEstimator, fieldExtensionsEstimator } from 'graphql-query-complexity';
import type { Config } from '../config';
import { RequestError } from '../errors';
import type { RequestContext } from '../schema/context';

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
  return { message: 'Internal error', locations, path, extensions: INTERNAL };
}

/** Logs unexpected errors with their request id and tags every error of a response with it. */
const errorsPlugin: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ contextValue, errors }) {
        for (const error of errors) {
          if (!isClientError(error)) contextValue.logger.error({ err: unwrapResolverError(error), path: error.path }, 'unexpected error');
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

/** Refuses operations whose estimated cost (fields × list sizes) exceeds GRAPHQL_MAX_COST. */
function costLimitPlugin(schema: GraphQLSchema, maxCost: number): ApolloServerPlugin<RequestContext> {
  const estimators = [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })];
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          let cost: number;
          try {
            cost = getComplexity({ schema, query: document, variables: request.variables ?? {}, operationName: request.operationName, estimators });
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

export function createGraphQLServer(schema: GraphQLSchema, config: Config, httpServer: Server): ApolloServer<RequestContext> {
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
      costLimitPlugin(schema, config.GRAPHQL_MAX_COST),
    ],
  });
}
