import { randomUUID } from 'node:crypto';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { AuditEvent, OutboxMessage, Timer, Workflow, WorkflowEvent } from '../../src/entities';
import { startAppProcess, waitFor, type AppProcess } from '../helpers/app-process';
import { createScratchDatabase, testDialect, type ScratchDatabase } from '../helpers/database';
import { SmtpSink } from '../helpers/smtp-sink';
import { testFlowEffects, testFlowV1, testFlowV2 } from '../fixtures/test-workflow';

/**
 * Several service processes on one MariaDB, sharing timers and the outbox through FOR UPDATE SKIP
 * LOCKED: every due timer fires once and every mail arrives once at a real SMTP server.
 * MariaDB/MySQL only: SQLite is the one-process default.
 */
const describeMysql = testDialect === 'mysql' ? describe : describe.skip;
if (testDialect !== 'mysql') {
  // eslint-disable-next-line no-console
  console.info('multi-process tests skipped: they need MariaDB/MySQL (npm run test:mysql); SQLite is the one-process default');
}

describeMysql('several processes on one database', () => {
  let db: ScratchDatabase;
  let control: App;
  const sink = new SmtpSink();
  let procs: AppProcess[] = [];

  beforeEach(async () => {
    db = await createScratchDatabase();
    await sink.start();
    sink.received.length = 0;
    // The controller (this jest process) migrates the database and starts workflows; it runs no workers.
    control = await createApp(loadConfig({ NODE_ENV: 'test', DATABASE_URL: db.url, LOG_LEVEL: 'silent', PORT: '0' }), { logger: createLogger('silent'), startWorkers: false });
    control.services.workflows.registry.register(testFlowV1).register(testFlowV2);
    for (const [name, h] of Object.entries(testFlowEffects((em, e) => control.services.audit.append(em, e)))) control.services.workflows.registry.registerEffect(name, h);
  });
  afterEach(async () => {
    for (const p of procs) p.kill();
    await Promise.all(procs.map((p) => p.exited));
    procs = [];
    await control?.stop();
    await sink.stop();
    await db?.drop();
  });

  const processEnv = () => ({
    DATABASE_URL: db.url,
    SMTP_URL: sink.url,
    TIMER_POLL_INTERVAL: '100ms',
    OUTBOX_POLL_INTERVAL: '100ms',
    APP_SECRET: 'multi-process-app-secret-0123456789abcdefgh',
    MIGRATE_ON_START: 'false',
  });

  async function run(processes: number, workflows: number) {
    // One workflow whose link is used across processes: page from one, POST to another.
    const extra = await control.services.workflows.start({ machineId: 'test-flow', input: { email: `mp-link-${randomUUID().slice(0, 8)}@example.test`, ttl: '1h' } });
    const ids: string[] = [];
    for (let i = 0; i < workflows; i++) {
      const wf = await control.services.workflows.start({ machineId: 'test-flow', input: { email: `mp-${i}-${randomUUID().slice(0, 8)}@example.test`, ttl: '3s' } });
      ids.push(wf.id);
    }
    const started = Date.now();
    procs = await Promise.all(Array.from({ length: processes }, () => startAppProcess(processEnv())));
    const startup = Date.now() - started;
    const m = control.dataSource.manager;
    try {
      await waitFor(
        'every workflow expired and every mail sent',
        async () => (await m.countBy(Workflow, { stateValue: 'expired' })) === workflows && (await m.countBy(OutboxMessage, { status: 'sent' })) === 2 * workflows + 1,
        45_000,
      );
    } catch (error) {
      const states = await m.query('SELECT stateValue, COUNT(*) AS n FROM workflow GROUP BY stateValue');
      const outbox = await m.query('SELECT status, attempts, COUNT(*) AS n FROM outbox_message GROUP BY status, attempts');
      const timers = await m.query('SELECT name, status, COUNT(*) AS n FROM timer GROUP BY name, status');
      const logs = procs.map((p) => p.out().split('\n').filter((l) => /"level":"(warn|error)"/.test(l)).slice(0, 5).join('\n') + p.err());
      throw new Error(`${(error as Error).message} (startup ${startup} ms)\n${JSON.stringify({ states, outbox, timers })}\n${logs.join('\n---\n')}`);
    }
    // Let any straggler (a double fire or double send) show itself before counting.
    await new Promise((r) => setTimeout(r, 1000));

    // Every mail (confirm + expired) arrived exactly once.
    expect(sink.received).toHaveLength(2 * workflows + 1);
    expect(Math.max(...sink.countsByMessageId().values())).toBe(1);
    const rows = await m.find(OutboxMessage);
    expect(new Set(sink.received.map((r) => r.messageId))).toEqual(new Set(rows.map((r) => r.messageId)));
    expect(rows.every((r) => r.attempts === 1)).toBe(true);
    // Every expiry timer fired exactly once; the reminders were cancelled when the workflow ended.
    expect(await m.countBy(Timer, { name: 'expiry', status: 'fired' })).toBe(workflows);
    expect(await m.countBy(Timer, { name: 'reminder', status: 'cancelled' })).toBe(workflows);
    expect(await m.countBy(WorkflowEvent, {})).toBe(workflows);
    for (const id of ids) expect((await m.findOneByOrFail(Workflow, { id })).version).toBe(2);
    expect(await m.countBy(AuditEvent, { action: 'test.expired' })).toBe(workflows);
    expect(await m.countBy(AuditEvent, { action: 'workflow.transition' })).toBe(workflows);

    // The link page shown by one process is submitted to another (APP_SECRET, from which the page key is derived, is shared).
    const mail = sink.received.find((r) => r.to.startsWith('mp-link-'))!;
    const path = /\/l\/[A-Za-z0-9_-]{43}/.exec(mail.text)![0];
    const page = await fetch(`${procs[0].url}${path}`);
    const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())![1];
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0];
    const post = await fetch(`${procs[processes - 1].url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body: new URLSearchParams({ csrf }).toString() });
    expect(post.status).toBe(200);
    expect((await m.findOneByOrFail(Workflow, { id: extra.id })).stateValue).toBe('confirmed');
    expect(await m.countBy(AuditEvent, { action: 'test.confirmed' })).toBe(1);
  }

  it('two processes: every due timer fires once, every mail is sent once, a link page works across processes', () => run(2, 40), 90_000);
  it('three processes: every due timer fires once, every mail is sent once, a link page works across processes', () => run(3, 60), 90_000);
});
