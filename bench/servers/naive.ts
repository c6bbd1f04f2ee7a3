import 'reflect-metadata';
import { createServer } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { buildSchema, getMetadataStorage } from 'type-graphql';
import { authChecker } from '../../src/schema/auth-checker';
import { RESOLVERS } from '../../src/schema/build-schema';
import { bearerToken } from '../../src/http/http-app';
import { answerBenchHooks, reportReady } from './hooks';
import { answerSeeds } from './seed';
import { createBenchServices } from './services';

/**
 * Baseline (c), the naive peer: the same resolvers and data as a team would first serve them —
 * Apollo Server 5 defaults (cache-control plugin on, default landing page on) behind Express, and
 * type-graphql defaults (every field wrapped: the schema types' simpleResolvers are switched off here,
 * in this process only). Later DB-backed scenarios add TypeORM lookups per field here.
 */
async function main() {
  const app = await createBenchServices();
  for (const type of getMetadataStorage().objectTypes) type.simpleResolvers = undefined;
  const schema = await buildSchema({ resolvers: RESOLVERS, validate: { forbidUnknownValues: true }, authChecker, authMode: 'error' });
  const apollo = new ApolloServer({ schema });
  await apollo.start();
  const http = express();
  http.use(
    '/graphql',
    express.json(),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const { actor, failure } = await app.services.sessions.authenticate(bearerToken(req.get('authorization')));
        return { requestId: 'bench', logger: app.logger, ip: req.ip ?? 'unknown', services: app.services, clock: app.clock, actor, authFailure: failure };
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
