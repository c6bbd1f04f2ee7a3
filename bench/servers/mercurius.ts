import 'reflect-metadata';
import Fastify from 'fastify';
import mercurius from 'mercurius';
import { buildGraphQLSchema } from '../../src/schema/build-schema';
import { answerBenchHooks, reportReady } from './hooks';
import { answerSeeds } from './seed';
import { authenticateBearer, createBenchServices } from './services';

/**
 * Baseline (b), the fastest peer: the same type-graphql schema (src/schema/build-schema.ts) and the
 * same services, served by fastify + mercurius with graphql-jit compiling every query after its first run.
 */
async function main() {
  const app = await createBenchServices();
  const schema = await buildGraphQLSchema();
  const fastify = Fastify({ logger: false });
  await fastify.register(mercurius, {
    schema,
    jit: 1,
    graphiql: false,
    // The same session / service-key check as the service's context (signed-in scenarios).
    context: async (req) => {
      const { actor, failure } = await authenticateBearer(app, req.headers.authorization);
      return { requestId: 'bench', logger: app.logger, ip: '127.0.0.1', services: app.services, clock: app.clock, actor, authFailure: failure };
    },
  });
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  answerBenchHooks(async () => {
    await fastify.close();
    await app.stop();
  });
  answerSeeds(app);
  reportReady(fastify.server, 'mercurius');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
