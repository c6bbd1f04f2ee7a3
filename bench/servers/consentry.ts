import 'reflect-metadata';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { answerBenchHooks, benchEnv, readBody, reportReady } from './hooks';
import { deliverStep } from './bench-workflow';
import { answerOutboxBench } from './outbox-dispatch';
import { answerSeeds } from './seed';

/**
 * The service itself in its production configuration (NODE_ENV=production, LOG_LEVEL=warn), built by
 * the same createApp as src/main.ts. The one addition is a bench-only route in front of the app,
 * POST /__bench/audit-append, that appends to the audit chain through AuditService, and POST
 * /__bench/workflow-step, one event through the workflow runtime (bench-workflow.ts); they exist only in
 * this bench entry point, never in a normal start. For outboxDispatch it also answers the runner's
 * queue/drain messages (outbox-dispatch.ts) and sends to the runner's local SMTP server.
 */
async function main() {
  const { databaseUrl, appSecret } = benchEnv();
  // outboxDispatch: the runner's local SMTP server (otherwise mail goes to files, as without SMTP_URL).
  const smtp = process.env.BENCH_SMTP_URL ? { SMTP_URL: process.env.BENCH_SMTP_URL } : { ALLOW_FILE_MAIL: 'true' };
  const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'warn', PORT: '0', HOST: '127.0.0.1', DATABASE_URL: databaseUrl, APP_SECRET: appSecret, ...smtp });
  const app = await createApp(config);
  // Every listener of the app stays (Apollo's drain plugin tracks requests with one of its own): the route goes in front.
  const listeners = app.server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  app.server.removeAllListeners('request');
  app.server.on('request', (req, res) => {
    if (req.method === 'POST' && req.url === '/__bench/audit-append') {
      readBody(req)
        .then((body) => {
          const { subjectId, n } = JSON.parse(body) as { subjectId: string; n: number };
          return app.services.audit.record({ actorRole: 'system', action: 'bench.append', subjectId, fields: ['email'], details: { n } });
        })
        .then(
          () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'),
          (error: Error) => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: error.message })),
        );
      return;
    }
    if (req.method === 'POST' && req.url === '/__bench/workflow-step') {
      req.resume();
      deliverStep(app).then(
        (state) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ state })),
        (error: Error) => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: error.message })),
      );
      return;
    }
    for (const listener of listeners) listener.call(app.server, req, res);
  });
  await app.listen();
  answerBenchHooks(() => app.stop());
  answerSeeds(app);
  answerOutboxBench(app);
  reportReady(app.server, 'consentry');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
