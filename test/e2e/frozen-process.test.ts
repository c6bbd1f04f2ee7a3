import { randomUUID } from 'node:crypto';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { AuditEvent, OutboxMessage, Workflow } from '../../src/entities';
import { createLogger } from '../../src/logger';
import { testFlowEffects, testFlowV1, testFlowV2 } from '../fixtures/test-workflow';
import { startAppProcess, waitFor, type AppProcess } from '../helpers/app-process';
import { createScratchDatabase, testDialect, type ScratchDatabase } from '../helpers/database';
import { SmtpSink } from '../helpers/smtp-sink';

/**
 * One process freezes (SIGSTOP) in the middle of an audited transaction, holding its locks; the
 * others go on (issue 11, item 14). Before, the frozen process held the audit chain's head from its
 * append until a commit that never came, and every audited write of every other process queued behind
 * it for as long as MariaDB kept the connection. Now the head is taken only at commit, and MariaDB's
 * idle transaction timeout ends the frozen transaction; when the process wakes, its transaction runs
 * again on a new connection.
 * MariaDB/MySQL only: SQLite is the one-process default.
 */
const describeMysql = testDialect === 'mysql' ? describe : describe.skip;
const APP_SECRET = 'frozen-process-app-secret-0123456789abcdef';

describeMysql('a frozen process', () => {
  let db: ScratchDatabase;
  let control: App;
  const sink = new SmtpSink();
  const procs: AppProcess[] = [];

  beforeAll(async () => {
    db = await createScratchDatabase();
    await sink.start();
    // The same APP_SECRET as the processes: the chain's pseudonyms are keyed by it (verifyChain below).
    control = await createApp(loadConfig({ NODE_ENV: 'test', DATABASE_URL: db.url, LOG_LEVEL: 'silent', PORT: '0', APP_SECRET }), { logger: createLogger('silent'), startWorkers: false });
    control.services.workflows.registry.register(testFlowV1).register(testFlowV2);
    for (const [name, h] of Object.entries(testFlowEffects((em, e) => control.services.audit.append(em, e)))) control.services.workflows.registry.registerEffect(name, h);
  });
  afterAll(async () => {
    for (const p of procs) {
      p.kill('SIGCONT');
      p.kill();
    }
    await Promise.all(procs.map((p) => p.exited));
    await control?.stop();
    await sink.stop();
    await db?.drop();
  });

  const m = () => control.dataSource.manager;
  const env = (extra: Record<string, string> = {}) => ({
    DATABASE_URL: db.url,
    SMTP_URL: sink.url,
    MIGRATE_ON_START: 'false',
    TIMER_POLL_INTERVAL: '100ms',
    OUTBOX_POLL_INTERVAL: '100ms',
    APP_SECRET,
    ...extra,
  });
  const gql = async (p: AppProcess, query: string, variables: Record<string, unknown>) =>
    (await fetch(`${p.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) })).json() as Promise<{ data?: any; errors?: unknown[] }>;

  it('stalls nobody else’s audited writes: they go on at once, and the frozen one finishes once it wakes', async () => {
    // Process A will freeze inside the transaction of a link confirmation, right after its audit append.
    const a = await startAppProcess(env({ FREEZE_AFTER_AUDIT: 'test.confirmed', DB_IDLE_TRANSACTION_TIMEOUT: '2s' }));
    const b = await startAppProcess(env());
    procs.push(a, b);
    const email = `frozen-${randomUUID().slice(0, 8)}@example.test`;
    const frozenFlow = await control.services.workflows.start({ machineId: 'test-flow', version: 1, input: { email, ttl: '1h' } });
    await waitFor('the confirmation mail', async () => sink.received.some((r) => r.to === email), 15_000);
    const token = /\/l\/([A-Za-z0-9_-]{43})/.exec(sink.received.find((r) => r.to === email)!.text)![1];

    const confirming = gql(a, 'mutation($t: String!) { confirmActionLink(input: { token: $t }) { __typename } }', { t: token });
    await waitFor('process A to freeze mid-transaction', async () => a.out().includes('"freeze":"test.confirmed"'), 15_000);
    const auditedBefore = await m().count(AuditEvent);

    // Meanwhile: audited writes from this process (workflow starts) ...
    const started = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await control.services.workflows.start({ machineId: 'test-flow', version: 1, input: { email: `meanwhile-${i}-${randomUUID().slice(0, 8)}@example.test`, ttl: '1s' } })).id);
    const startsTook = Date.now() - started;
    // ... and from process B (its timer worker expires them: a transition and an effect, both audited).
    await waitFor('process B to expire every new workflow', async () => (await Promise.all(ids.map((id) => m().findOneByOrFail(Workflow, { id })))).every((w) => w.stateValue === 'expired'), 15_000);
    const allTook = Date.now() - started;
    // Before: the first start waited for the head A held (innodb_lock_wait_timeout, 50 s by default), then failed.
    expect(startsTook).toBeLessThan(3000);
    expect(allTook).toBeLessThan(10_000);
    expect(await m().count(AuditEvent)).toBeGreaterThanOrEqual(auditedBefore + 10 * 3);
    // A is still frozen, and nothing of its transaction is visible.
    expect(await m().findOneByOrFail(Workflow, { id: frozenFlow.id })).toMatchObject({ stateValue: 'waiting', version: 1 });

    // MariaDB has ended A's idle transaction by now (2 s). A wakes: its transaction runs again on a new connection.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 3000 - (Date.now() - started))));
    a.kill('SIGCONT');
    const answer = await confirming;
    expect(answer.errors).toBeUndefined();
    expect(answer.data.confirmActionLink.__typename).not.toMatch(/Error/);
    expect(await m().findOneByOrFail(Workflow, { id: frozenFlow.id })).toMatchObject({ stateValue: 'confirmed', version: 2 });
    expect(await m().countBy(AuditEvent, { action: 'test.confirmed' })).toBe(1);
    expect(await control.services.audit.verifyChain()).toMatchObject({ ok: true });
    // And the mails of the new workflows went out once each.
    await waitFor('every mail sent', async () => (await m().countBy(OutboxMessage, { status: 'sent' })) === (await m().count(OutboxMessage)), 15_000);
    expect(Math.max(...sink.countsByMessageId().values())).toBe(1);
  }, 90_000);
});
