import type { App } from '../../src/app';
import { OutboxMessage } from '../../src/entities';
import { deliverStep } from './bench-workflow';

/**
 * The service's side of the outboxDispatch scenario (bench-only IPC, never loaded by src/): the
 * runner asks it to queue N mails through the real workflow runtime (one bench-step delivery each,
 * the rows a workflow writes), then times `OutboxWorker.drain()` — claim, render, send over SMTP,
 * mark sent — exactly as the background loop runs it. The workflowStep seed stopped the polling
 * loop, so only the timed drain sends.
 */
export function answerOutboxBench(app: App): void {
  process.on('message', (msg: { type: string; id: number; n?: number }) => {
    const reply = (type: string, work: () => Promise<Record<string, unknown>>) =>
      work().then(
        (answer) => process.send?.({ type, id: msg.id, ...answer }),
        (error: Error) => process.send?.({ type, id: msg.id, error: error.message }),
      );
    if (msg.type === 'outbox-queue') {
      reply('outbox-queued', async () => {
        for (let i = 0; i < (msg.n ?? 0); i++) await deliverStep(app);
        return { queued: await app.db.manager.countBy(OutboxMessage, { status: 'queued' }) };
      });
    } else if (msg.type === 'outbox-drain') {
      reply('outbox-drained', async () => ({ sent: await app.outboxWorker.drain(100_000) }));
    } else if (msg.type === 'outbox-sample') {
      // One queued row as the worker renders it: the message the nodemailer baseline sends.
      reply('outbox-sample', async () => {
        const row = await app.db.manager.findOneByOrFail(OutboxMessage, { status: 'queued', channel: 'email' });
        return { mail: app.outboxWorker.compose(row) };
      });
    }
  });
}
