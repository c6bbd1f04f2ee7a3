import 'reflect-metadata';
import { createServer } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { buildSchema, getMetadataStorage } from 'type-graphql';
import { authChecker } from '../../src/schema/auth-checker';
import { RESOLVERS } from '../../src/schema/build-schema';
import { MeConsentResolver } from '../../src/schema/consent/consent.resolver';
import { OptOutResolver } from '../../src/schema/opt-out/opt-out.resolver';
import { answerBenchHooks, reportReady } from './hooks';
import { NaiveConsentStateResolver, NaiveMeConsentResolver, NaiveProcessingDecisionResolver, NaiveProcessingResolver, type RequestContext } from './naive-resolvers';
import { answerSeeds } from './seed';
import { authenticateBearer, createBenchServices } from './services';

/**
 * Baseline (c), the naive peer: the same queries as a team would first write them —
 * - Apollo Server 5 defaults (cache-control plugin on, default landing page on) behind Express;
 * - type-graphql defaults (every field wrapped: the schema types' simpleResolvers are switched off
 *   here, in this process only);
 * - for the DB-backed reads, TypeORM lookups per field (naive-resolvers.ts): `me { consents }` loads
 *   each purpose's latest record in its own field resolver (N+1), and `processingAllowed` loads the
 *   subject, its age and its consent records in each field that needs the decision.
 * The rest of the schema (policy, age gate, `me` itself) is the service's own resolvers and services.
 * OptOutResolver's other operations (opt-out mutations, staff privacy-request list) are left out of
 * this process's schema with its `processingAllowed`: no scenario asks them of the naive peer.
 */
async function main() {
  for (const type of getMetadataStorage().objectTypes) type.simpleResolvers = undefined;
  const replaced = new Set<Function>([MeConsentResolver, OptOutResolver]);
  const resolvers: [Function, ...Function[]] = [NaiveMeConsentResolver, NaiveConsentStateResolver, NaiveProcessingResolver, NaiveProcessingDecisionResolver, ...RESOLVERS.filter((r) => !replaced.has(r))];
  // Built before the app: type-graphql's metadata is global, and the first schema built in a process
  // fixes the type of a field that several resolver classes declare (Me.consents here).
  const schema = await buildSchema({ resolvers, validate: { forbidUnknownValues: true }, authChecker, authMode: 'error' });
  const app = await createBenchServices();
  const apollo = new ApolloServer({ schema });
  await apollo.start();
  const http = express();
  http.use(
    '/graphql',
    express.json(),
    expressMiddleware(apollo, {
      context: async ({ req }): Promise<RequestContext> => {
        const { actor, failure } = await authenticateBearer(app, req.get('authorization'));
        return { requestId: 'bench', logger: app.logger, ip: req.ip ?? 'unknown', services: app.services, clock: app.clock, actor, authFailure: failure, em: app.db.manager };
      },
    }),
  );
  const server = createServer(http);
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () => {
    answerBenchHooks(async () => {
      await apollo.stop();
      server.close();
      await app.stop();
    });
    answerSeeds(app);
    reportReady(server, 'naive');
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
