import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { selectOne } from '../../src/db/statements';
import { ActionToken, AuditEvent, Timer, Workflow } from '../../src/entities';
import { testFlowEffects, testFlowV1, testFlowV2 } from '../fixtures/test-workflow';
import { testDialect } from '../helpers/database';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

/**
 * Row locks on MySQL/MariaDB (issue 11, items 15 and 19): one order everywhere (a workflow before its
 * timers and its link tokens, the audit head last at commit), so timer workers, link pages and
 * deliveries do not deadlock each other; and a delivery whose connection dies is run again on a new
 * one instead of being counted against its timer. SQLite has no row locks (one writer): skipped there.
 */
const describeMysql = testDialect === 'mysql' ? describe : describe.skip;

describeMysql('lock order and lost connections (MySQL)', () => {
  let env: TestEnv;
  /** When set, the next expiry effect kills its own connection first (as a dropped link would). */
  let killOnce = false;
  beforeAll(async () => {
    env = await createTestEnv({
      workflows: [testFlowV1, testFlowV2],
      effects: (app) => {
        const base = testFlowEffects((em, entry) => app.services.audit.append(em, entry));
        return {
          ...base,
          recordExpiry: async (em, params, ctx) => {
            if (killOnce) {
              killOnce = false;
              const [{ id }] = await em.query('SELECT CONNECTION_ID() AS id');
              await app.dataSource.query(`KILL CONNECTION ${Number(id)}`);
            }
            return base.recordExpiry(em, params, ctx);
          },
        };
      },
    });
  });
  afterAll(() => env?.stop());

  const m = () => env.app.dataSource.manager;
  const start = (input: Record<string, unknown> = {}) => env.app.services.workflows.start({ machineId: 'test-flow', version: 1, input: { email: `lo-${randomUUID()}@example.test`, ...input } });

  /** Holds the workflow row's lock in a transaction of its own until `release` is called; `work` runs under it. */
  async function holdWorkflow(workflowId: string, work: (em: EntityManager) => Promise<void> = async () => undefined) {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const held = new Promise<void>((resolve) => (locked = resolve));
    let underLock!: (em: EntityManager) => Promise<void>;
    const ready = new Promise<void>((resolve) => {
      underLock = async (em) => {
        await selectOne(em, Workflow, { id: workflowId }, { lock: true });
        locked();
        resolve();
        await gate;
        await work(em);
      };
    });
    const done = env.app.db.transaction((em) => underLock(em));
    await held;
    await ready;
    return { release, done };
  }

  it('a timer worker never waits for a workflow another transaction holds: it leaves the timer due and fires it once the workflow is free', async () => {
    const wf = await start({ ttl: '1h' });
    env.clock.advance('1h');
    const holder = await holdWorkflow(wf.id);
    try {
      const started = Date.now();
      // Before: the worker held the timer and waited for the workflow (until the lock wait timeout),
      // while the holder, cancelling that timer, waited for the worker: a deadlock.
      expect(await env.workers.fireTimers()).toBe(0);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(await m().findOneByOrFail(Timer, { workflowId: wf.id, name: 'expiry' })).toMatchObject({ status: 'pending', attempts: 0 });
    } finally {
      holder.release();
      await holder.done;
    }
    expect(await env.workers.fireTimers()).toBe(1);
    expect(await m().findOneByOrFail(Workflow, { id: wf.id })).toMatchObject({ stateValue: 'expired', version: 2 });
  });

  it('a link is used under its workflow’s lock: a delivery holding the workflow revokes the link’s token without waiting for the link', async () => {
    const wf = await start({ ttl: '1h' });
    await env.workers.sendMail();
    const mail = await env.mail.expectOne({ to: JSON.parse((await m().findOneByOrFail(Workflow, { id: wf.id })).snapshot).context.email, template: 'test-confirm' });
    const token = /\/l\/([A-Za-z0-9_-]{43})/.exec(env.mail.linkIn(mail))![1];
    let revokedIn = -1;
    // The holder stands for a timer's delivery that ends the workflow: it revokes the workflow's tokens.
    const holder = await holdWorkflow(wf.id, async (em) => {
      const started = Date.now();
      await env.app.services.tokens.revoke(em, wf.id, env.clock.now());
      revokedIn = Date.now() - started;
    });
    // The link is used meanwhile. Before: it took its token's lock first and then waited for the
    // workflow, so the holder's revoke waited for the link: a deadlock.
    const confirming = env.app.services.links.confirm(token, '127.0.0.1', { actorRole: 'anonymous' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    holder.release();
    await holder.done;
    expect(revokedIn).toBeGreaterThanOrEqual(0);
    expect(revokedIn).toBeLessThan(1000);
    expect(await confirming).toMatchObject({ errorCode: 'ACTION_TOKEN_EXPIRED' });
    expect((await m().findOneByOrFail(ActionToken, { workflowId: wf.id })).usedAt).toBeNull();
    await env.app.services.workflows.deliver(wf.id, { id: 'lo-cancel', type: 'flow.cancel' });
  });

  it('a delivery whose connection is killed mid-transaction runs again on a new connection: fired once, not counted as a failure', async () => {
    const wf = await start({ ttl: '1h' });
    env.clock.advance('1h');
    killOnce = true;
    expect(await env.workers.fireTimers()).toBe(1);
    expect(killOnce).toBe(false);
    expect(await m().findOneByOrFail(Timer, { workflowId: wf.id, name: 'expiry' })).toMatchObject({ status: 'fired', attempts: 0, lastError: null });
    expect(await m().findOneByOrFail(Workflow, { id: wf.id })).toMatchObject({ stateValue: 'expired', version: 2 });
    expect(await m().countBy(AuditEvent, { action: 'test.expired', details: JSON.stringify({ workflowId: wf.id }) })).toBe(1);
  });
});
