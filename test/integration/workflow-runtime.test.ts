import { randomUUID } from 'node:crypto';
import { AuditEvent, OutboxMessage, Timer, Workflow, WorkflowEvent, ActionToken } from '../../src/entities';
import { ErrorCode, isDomainError } from '../../src/errors';
import type { Delivered, DeliverResult } from '../../src/workflows/runtime/workflow-runtime';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { rowCounts, withTestFlow } from '../helpers/workflow-fixtures';

function expectDelivered(result: DeliverResult): Delivered {
  if (isDomainError(result)) throw new Error(`expected a delivery, got ${result.errorCode}: ${result.message}`);
  return result;
}

describe('workflow runtime', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv(withTestFlow);
  });
  afterAll(() => env?.stop());

  const runtime = () => env.app.services.workflows;
  const m = () => env.app.dataSource.manager;
  const start = (email = `p-${randomUUID()}@example.test`, input: Record<string, unknown> = {}, version?: number) =>
    runtime().start({ machineId: 'test-flow', version, input: { email, ...input }, subjectId: 'subject-1' });

  it('starts a workflow: snapshot, version 1, and its effects as rows in the same transaction', async () => {
    const wf = await start('start@example.test');
    expect(wf).toMatchObject({ machineId: 'test-flow', machineVersion: 2, stateValue: 'waiting', status: 'active', version: 1 });
    const row = await m().findOneByOrFail(Workflow, { id: wf.id });
    expect(JSON.parse(row.snapshot)).toMatchObject({ value: 'waiting', context: { email: 'start@example.test', reminders: 0 } });
    const mails = await m().findBy(OutboxMessage, { workflowId: wf.id });
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ channel: 'email', recipient: 'start@example.test', template: 'test-confirm', status: 'queued', attempts: 0 });
    expect(JSON.parse(mails[0].params).link).toMatch(/\/l\/[A-Za-z0-9_-]{43}$/);
    const timers = await m().find(Timer, { where: { workflowId: wf.id }, order: { name: 'ASC' } });
    expect(timers.map((t) => [t.name, t.status, t.fireAt.getTime() - env.clock.now().getTime()])).toEqual([
      ['expiry', 'pending', 24 * 3600_000],
      ['reminder', 'pending', 3600_000],
    ]);
    const tokens = await m().findBy(ActionToken, { workflowId: wf.id });
    expect(tokens).toHaveLength(1);
    expect(tokens[0].tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(mails[0].params).link).not.toContain(tokens[0].tokenHash);
    const audit = await m().findOneByOrFail(AuditEvent, { action: 'workflow.start', subjectId: 'subject-1' });
    expect(JSON.parse(audit.details)).toMatchObject({ workflowId: wf.id, machine: 'test-flow@2', to: 'waiting', effects: ['sendEmail', 'startTimer', 'startTimer'] });
  });

  it('delivers an event: new snapshot, version + 1, cancelled timers, the domain effect and an audit event', async () => {
    const wf = await start();
    const result = expectDelivered(await runtime().deliver(wf.id, { id: 'e-1', type: 'link.confirm' }, { actorRole: 'anonymous', operation: 'test' }));
    expect(result).toMatchObject({ duplicate: false, effects: ['cancelTimer', 'cancelTimer', 'recordConfirmation'] });
    const row = await m().findOneByOrFail(Workflow, { id: wf.id });
    expect(row).toMatchObject({ stateValue: 'confirmed', status: 'done', version: 2 });
    expect((await m().findBy(Timer, { workflowId: wf.id })).map((t) => t.status).sort()).toEqual(['cancelled', 'cancelled']);
    expect(await m().countBy(WorkflowEvent, { workflowId: wf.id, eventId: 'e-1' })).toBe(1);
    const audit = await m().find(AuditEvent, { where: { action: 'workflow.transition' }, order: { seq: 'DESC' }, take: 1 });
    expect(JSON.parse(audit[0].details)).toMatchObject({ workflowId: wf.id, event: 'link.confirm', eventId: 'e-1', from: 'waiting', to: 'confirmed' });
    expect(audit[0].actorRole).toBe('anonymous');
    expect((await m().findBy(AuditEvent, { action: 'test.confirmed' })).some((a) => JSON.parse(a.details).workflowId === wf.id)).toBe(true);
  });

  it('treats a second delivery of the same event id as a no-op', async () => {
    const wf = await start();
    expectDelivered(await runtime().deliver(wf.id, { id: 'poke-1', type: 'flow.poke', note: 'a' }));
    const before = await rowCounts(env);
    const again = expectDelivered(await runtime().deliver(wf.id, { id: 'poke-1', type: 'flow.poke', note: 'a' }));
    expect(again.duplicate).toBe(true);
    expect(await rowCounts(env)).toEqual(before);
    const row = await m().findOneByOrFail(Workflow, { id: wf.id });
    expect(row.version).toBe(2);
    expect(JSON.parse(row.snapshot).context.notes).toEqual(['a']);
  });

  it('refuses an event the current state does not accept with a typed error, writing nothing', async () => {
    const wf = await start();
    expectDelivered(await runtime().deliver(wf.id, { id: 'c-1', type: 'flow.cancel' }));
    const before = await rowCounts(env);
    const result = await runtime().deliver(wf.id, { id: 'c-2', type: 'link.confirm' });
    expect(isDomainError(result) && result.errorCode).toBe(ErrorCode.WORKFLOW_EVENT_NOT_ACCEPTED);
    const unknownType = await runtime().deliver(wf.id, { id: 'c-3', type: 'no.such.event' });
    expect(isDomainError(unknownType) && unknownType.errorCode).toBe(ErrorCode.WORKFLOW_EVENT_NOT_ACCEPTED);
    expect(await rowCounts(env)).toEqual(before);
  });

  it('refuses an event whose guard fails (third reminder) without writing', async () => {
    const wf = await start();
    expectDelivered(await runtime().deliver(wf.id, { id: 'r-1', type: 'timer.remind' }));
    expectDelivered(await runtime().deliver(wf.id, { id: 'r-2', type: 'timer.remind' }));
    const before = await rowCounts(env);
    const third = await runtime().deliver(wf.id, { id: 'r-3', type: 'timer.remind' });
    expect(isDomainError(third) && third.errorCode).toBe(ErrorCode.WORKFLOW_EVENT_NOT_ACCEPTED);
    expect(await rowCounts(env)).toEqual(before);
  });

  it('answers an unknown workflow id with a typed error', async () => {
    const result = await runtime().deliver(randomUUID(), { id: 'x', type: 'link.confirm' });
    expect(isDomainError(result) && result.errorCode).toBe(ErrorCode.WORKFLOW_NOT_FOUND);
  });

  it('keeps running old versions and refuses an unknown version with a clear error', async () => {
    const v1 = await start(undefined, {}, 1);
    expect(v1.machineVersion).toBe(1);
    expect(await m().countBy(Timer, { workflowId: v1.id })).toBe(1);
    expectDelivered(await runtime().deliver(v1.id, { id: 'v1-1', type: 'link.confirm' }));

    const wf = await start();
    await m().update(Workflow, { id: wf.id }, { machineVersion: 9 });
    const before = await rowCounts(env);
    await expect(runtime().deliver(wf.id, { id: 'v9', type: 'link.confirm' })).rejects.toThrow('Unknown version 9 of workflow machine "test-flow": this release has versions 1, 2');
    await expect(runtime().start({ machineId: 'nope', input: {} })).rejects.toThrow('Unknown workflow machine "nope"');
    expect(await rowCounts(env)).toEqual(before);
    expect(runtime().registry.list().map((d) => `${d.machine.id}@${d.version}`)).toEqual(expect.arrayContaining(['test-flow@1', 'test-flow@2']));
  });

  it('rolls the whole delivery back when a domain effect fails', async () => {
    const wf = await start('explode@example.test');
    const before = await rowCounts(env);
    await expect(runtime().deliver(wf.id, { id: 'boom', type: 'link.confirm' })).rejects.toThrow('effect exploded');
    expect(await rowCounts(env)).toEqual(before);
    expect(await m().findOneByOrFail(Workflow, { id: wf.id })).toMatchObject({ stateValue: 'waiting', version: 1 });
  });

  it('lets exactly one of two concurrent deliveries win', async () => {
    for (let i = 0; i < 5; i++) {
      const wf = await start();
      const results = await Promise.all([
        runtime().deliver(wf.id, { id: `a-${i}`, type: 'link.confirm' }),
        runtime().deliver(wf.id, { id: `b-${i}`, type: 'flow.cancel' }),
      ]);
      expect(results.filter((r) => !isDomainError(r))).toHaveLength(1);
      expect(results.filter((r) => isDomainError(r) && r.errorCode === ErrorCode.WORKFLOW_EVENT_NOT_ACCEPTED)).toHaveLength(1);
      expect((await m().findOneByOrFail(Workflow, { id: wf.id })).version).toBe(2);
      expect(await m().countBy(WorkflowEvent, { workflowId: wf.id })).toBe(1);
    }
  });

  it('delivers the same event id concurrently only once', async () => {
    const wf = await start();
    const results = await Promise.all(Array.from({ length: 4 }, () => runtime().deliver(wf.id, { id: 'same', type: 'flow.poke', note: 'x' })).map((p) => p.catch((e: Error) => e)));
    const applied = results.filter((r) => !(r instanceof Error) && !isDomainError(r) && !r.duplicate);
    expect(applied).toHaveLength(1);
    expect(JSON.parse((await m().findOneByOrFail(Workflow, { id: wf.id })).snapshot).context.notes).toEqual(['x']);
  });
});
