import { randomUUID } from 'node:crypto';
import { Timer, Workflow } from '../../src/entities';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { withTestFlow } from '../helpers/workflow-fixtures';

describe('timers', () => {
  let env: TestEnv;
  beforeEach(async () => {
    env = await createTestEnv(withTestFlow);
  });
  afterEach(() => env?.stop());

  const m = () => env.app.dataSource.manager;
  const start = (input: Record<string, unknown> = {}) =>
    env.app.services.workflows.start({ machineId: 'test-flow', input: { email: `t-${randomUUID()}@example.test`, ...input } });
  const state = async (id: string) => (await m().findOneByOrFail(Workflow, { id })).stateValue;

  it('fire only when due, by the clock, each exactly once', async () => {
    const wf = await start({ ttl: '2h' });
    expect(await env.workers.fireTimers()).toBe(0);
    env.clock.advance('59m');
    expect(await env.workers.fireTimers()).toBe(0);
    env.clock.advance('1m');
    expect(await env.workers.fireTimers()).toBe(1); // the reminder
    expect(await state(wf.id)).toBe('waiting');
    expect(JSON.parse((await m().findOneByOrFail(Workflow, { id: wf.id })).snapshot).context.reminders).toBe(1);
    env.clock.advance('1h');
    expect(await env.workers.fireTimers()).toBe(1); // the expiry
    expect(await state(wf.id)).toBe('expired');
    expect(await env.workers.fireTimers()).toBe(0);
    const timers = await m().findBy(Timer, { workflowId: wf.id });
    expect(timers.map((t) => t.status).sort()).toEqual(['fired', 'fired']);
    await env.workers.sendMail();
    expect((await env.mail.find({ template: 'test-expired' })).map((mail) => mail.subject).sort()).toEqual(['Reminder: please confirm', 'Your request expired']);
  });

  it('never fire once cancelled', async () => {
    const wf = await start();
    await env.app.services.workflows.deliver(wf.id, { id: 'confirm', type: 'link.confirm' });
    env.clock.advance('30d');
    expect(await env.workers.fireTimers()).toBe(0);
    expect(await state(wf.id)).toBe('confirmed');
    expect((await m().findBy(Timer, { workflowId: wf.id })).every((t) => t.status === 'cancelled')).toBe(true);
  });

  it('that came due while no worker ran all fire on the next run, once, even with concurrent runs', async () => {
    const ids = await Promise.all(Array.from({ length: 12 }, () => start({ ttl: '3h' }).then((w) => w.id)));
    env.clock.advance('10d');
    const fired = await Promise.all([env.app.timerWorker.fireNext(), env.workers.fireTimers(), env.workers.fireTimers()]);
    const total = Number(fired[0]) + fired[1] + fired[2] + (await env.workers.fireTimers());
    // Each workflow: the reminder fires (reminders 1), then expiry → expired.
    expect(total).toBe(24);
    for (const id of ids) expect(await state(id)).toBe('expired');
    expect(await m().countBy(Timer, { status: 'pending' })).toBe(0);
  });

  it('whose event the state no longer accepts are marked skipped, changing nothing', async () => {
    const wf = await start();
    // A stray timer (e.g. from an older version) that the state does not accept.
    await m().insert(Timer, { id: randomUUID(), workflowId: wf.id, name: 'stray', event: JSON.stringify({ type: 'link.nope' }), fireAt: env.clock.now(), status: 'pending', attempts: 0, lastError: null, createdAt: env.clock.now(), firedAt: null });
    expect(await env.workers.fireTimers()).toBe(1);
    expect((await m().findOneByOrFail(Timer, { workflowId: wf.id, name: 'stray' })).status).toBe('skipped');
    expect((await m().findOneByOrFail(Workflow, { id: wf.id })).version).toBe(1);
  });

  it('stay due and uncounted when the database connection is lost, and fire on the next run (only a transition failure counts)', async () => {
    const wf = await start({ ttl: '2h' });
    env.clock.advance('2h');
    const lost = () => Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true });
    const deliver = jest.spyOn(env.app.services.workflows, 'deliverIn').mockImplementation(() => Promise.reject(lost()));
    const before = await m().findBy(Timer, { workflowId: wf.id, status: 'pending' });
    try {
      // Every attempt of the transaction loses its connection: nothing counts against the timers.
      expect(await env.workers.fireTimers()).toBe(0);
      expect(deliver.mock.calls.length).toBeGreaterThan(1); // the transaction was retried first
    } finally {
      deliver.mockRestore();
    }
    const after = await m().findBy(Timer, { workflowId: wf.id, status: 'pending' });
    expect(after.map((t) => ({ id: t.id, attempts: t.attempts, fireAt: t.fireAt, lastError: t.lastError }))).toEqual(
      before.map((t) => ({ id: t.id, attempts: 0, fireAt: t.fireAt, lastError: null })),
    );
    // The link is back: the next run fires them, due as they were.
    expect(await env.workers.fireTimers()).toBe(2);
    expect(await state(wf.id)).toBe('expired');
  });

  it('retry a delivery that throws, then give up visibly', async () => {
    const wf = await start({ email: 'explode@example.test' });
    await m().insert(Timer, { id: randomUUID(), workflowId: wf.id, name: 'boom', event: JSON.stringify({ type: 'link.confirm' }), fireAt: env.clock.now(), status: 'pending', attempts: 0, lastError: null, createdAt: env.clock.now(), firedAt: null });
    for (let i = 0; i < 5; i++) {
      expect(await env.app.timerWorker.fireNext()).toBe(true);
      env.clock.advance('1m');
    }
    const timer = await m().findOneByOrFail(Timer, { workflowId: wf.id, name: 'boom' });
    expect(timer).toMatchObject({ status: 'failed', attempts: 5, lastError: 'effect exploded' });
    expect(await state(wf.id)).toBe('waiting');
  });
});
