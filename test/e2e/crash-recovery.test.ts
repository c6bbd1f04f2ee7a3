import { LessThanOrEqual } from 'typeorm';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { AuditEvent, OutboxMessage, Timer, Workflow } from '../../src/entities';
import { createLogger } from '../../src/logger';
import { testFlowEffects, testFlowV1, testFlowV2 } from '../fixtures/test-workflow';
import { startAppProcess, waitFor, type AppProcess } from '../helpers/app-process';
import { createScratchDatabase, type ScratchDatabase } from '../helpers/database';
import { SmtpSink } from '../helpers/smtp-sink';

/**
 * The real service process killed with SIGKILL at the worst moments, then restarted: nothing is
 * lost, no effect happens twice. Runs on SQLite and on MariaDB (one process at a time).
 */
describe('a process killed with SIGKILL', () => {
  let db: ScratchDatabase;
  let control: App;
  const sink = new SmtpSink();
  const procs: AppProcess[] = [];

  beforeAll(async () => {
    db = await createScratchDatabase();
    await sink.start();
    control = await createApp(loadConfig({ NODE_ENV: 'test', DATABASE_URL: db.url, LOG_LEVEL: 'silent', PORT: '0', SMTP_URL: sink.url }), { logger: createLogger('silent'), startWorkers: false });
    control.services.workflows.registry.register(testFlowV1).register(testFlowV2);
    for (const [name, h] of Object.entries(testFlowEffects((em, e) => control.services.audit.append(em, e)))) control.services.workflows.registry.registerEffect(name, h);
  });
  afterAll(async () => {
    for (const p of procs) p.kill();
    await Promise.all(procs.map((p) => p.exited));
    await control?.stop();
    await sink.stop();
    await db?.drop();
  });

  async function run(env: Record<string, string>): Promise<AppProcess> {
    const p = await startAppProcess({ DATABASE_URL: db.url, SMTP_URL: sink.url, MIGRATE_ON_START: 'false', TIMER_POLL_INTERVAL: '100ms', OUTBOX_POLL_INTERVAL: '100ms', APP_SECRET: 'crash-test-app-secret-0123456789abcdefghij', ...env });
    procs.push(p);
    return p;
  }
  const m = () => control.dataSource.manager;
  const crashedAt = (p: AppProcess) => /"crash":"([^"]+)"/.exec(p.out())?.[1];

  it('between commit and send, after SMTP accepted, and mid-delivery: after restart nothing is lost, nothing is done twice', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await control.services.workflows.start({ machineId: 'test-flow', input: { email: `crash-${i}@example.test`, ttl: '1h' } })).id);
    expect(await m().countBy(OutboxMessage, { status: 'queued' })).toBe(3); // committed, not sent

    // 1. Killed after the outbox claim committed, before handing the mail to SMTP.
    const p1 = await run({ CRASH_BEFORE_SEND: '1', OUTBOX_SEND_TIMEOUT: '1s' });
    expect(await p1.exited).toBe('SIGKILL');
    expect(crashedAt(p1)).toBe('before-send');
    expect(sink.received).toHaveLength(0);
    expect(await m().countBy(OutboxMessage, { status: 'sending' })).toBeGreaterThan(0);

    // 2. Killed after SMTP accepted a mail, before it was marked sent (its lease: 1h).
    await waitFor('the dead sender lease to run out', async () => (await m().countBy(OutboxMessage, { nextAttemptAt: LessThanOrEqual(new Date()) })) === 3, 5000);
    const p2 = await run({ CRASH_AFTER_SEND: '1', OUTBOX_SEND_TIMEOUT: '1h' });
    expect(await p2.exited).toBe('SIGKILL');
    expect(crashedAt(p2)).toBe('after-send');
    expect(sink.received).toHaveLength(1);
    const accepted = sink.received[0].messageId;

    // 3. Killed in the middle of a timer's delivery (inside its transaction).
    await m().update(Timer, { name: 'expiry' }, { fireAt: new Date(Date.now() - 1000) });
    const p3 = await run({ CRASH_IN_EFFECT: 'test.expired' });
    expect(await p3.exited).toBe('SIGKILL');
    expect(crashedAt(p3)).toBe('in-effect:test.expired');
    for (const id of ids) expect(await m().findOneByOrFail(Workflow, { id })).toMatchObject({ stateValue: 'waiting', version: 1 });
    expect(await m().countBy(Timer, { name: 'expiry', status: 'pending' })).toBe(3);
    expect(await m().countBy(AuditEvent, { action: 'test.expired' })).toBe(0);
    expect(await m().count(OutboxMessage)).toBe(3);
    expect(sink.received).toHaveLength(1);

    // 4. A normal restart (the dead sender's lease has run out by now) finishes everything.
    await m().update(OutboxMessage, { status: 'sending' }, { nextAttemptAt: new Date(Date.now() - 1000) });
    const p4 = await run({});
    await waitFor('all workflows expired and all mails sent', async () => (await m().countBy(Workflow, { stateValue: 'expired' })) === 3 && (await m().countBy(OutboxMessage, { status: 'sent' })) === 6, 20_000);
    await new Promise((r) => setTimeout(r, 500));
    p4.kill('SIGTERM');
    expect(await p4.exited).toBe(0);

    const rows = await m().find(OutboxMessage);
    const counts = sink.countsByMessageId();
    // Every mail arrived; the one whose sender died after SMTP accepted it arrived again under the
    // same Message-ID (so mail clients show it once); every other mail arrived exactly once.
    expect(new Set(counts.keys())).toEqual(new Set(rows.map((r) => r.messageId)));
    for (const [id, n] of counts) expect(n).toBe(id === accepted ? 2 : 1);
    expect(sink.received.filter((r) => r.template === 'test-expired')).toHaveLength(3);
    expect(await m().countBy(AuditEvent, { action: 'test.expired' })).toBe(3);
    expect(await m().countBy(Timer, { name: 'expiry', status: 'fired' })).toBe(3);
    for (const id of ids) expect((await m().findOneByOrFail(Workflow, { id })).version).toBe(2);
  }, 120_000);
});
