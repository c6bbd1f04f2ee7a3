import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { ccpaOptOutMachine, type CcpaOptOutEvent, type CcpaOptOutInput } from '../../src/workflows/ccpa-opt-out/ccpa-opt-out.machine';
import { ccpaOptOutV1 } from '../../src/workflows/ccpa-opt-out/ccpa-opt-out.workflow';
import { WorkflowRegistry } from '../../src/workflows/runtime/workflow-registry';

const input = (over: Partial<CcpaOptOutInput> = {}): CcpaOptOutInput => ({
  requestId: 'req-1',
  subjectId: 'subject-1',
  method: 'settings',
  recipientIds: ['r1', 'r2'],
  deadlineMs: 1_000_000,
  ...over,
});

type Action = { type: string; params?: Record<string, unknown> };
const types = (actions: Action[]) => actions.map((a) => a.type).filter((t) => !t.startsWith('xstate.'));

function run(start: CcpaOptOutInput, events: CcpaOptOutEvent[]): { snapshot: AnyMachineSnapshot; actions: Action[] } {
  let [snapshot, actions] = initialTransition(ccpaOptOutMachine, start) as [AnyMachineSnapshot, Action[]];
  const all = [...actions];
  for (const event of events) {
    [snapshot, actions] = transition(ccpaOptOutMachine, snapshot as never, event) as [AnyMachineSnapshot, Action[]];
    all.push(...actions);
  }
  return { snapshot, actions: all };
}

describe('ccpa-opt-out machine', () => {
  it('registers as a durable workflow (no delays, no invoked actors)', () => {
    expect(() => new WorkflowRegistry().register(ccpaOptOutV1)).not.toThrow();
  });

  it('on start notifies the recipients and starts the due-date timer with the given delay', () => {
    const [snapshot, actions] = initialTransition(ccpaOptOutMachine, input());
    expect(snapshot.value).toBe('notifying');
    expect(types(actions as Action[])).toEqual(['notifyOptOutRecipients', 'startTimer']);
    expect((actions as Action[])[0].params).toEqual({ requestId: 'req-1', subjectId: 'subject-1', deviceId: null, method: 'settings' });
    expect((actions as Action[])[1].params).toEqual({ name: 'deadline', delay: 1_000_000, event: 'timer.deadline' });
  });

  it('mails the notice only for an opt-out by email', () => {
    const byEmail = initialTransition(ccpaOptOutMachine, input({ method: 'email_link', noticeEmail: 'a@example.com', locale: 'de' }))[1] as Action[];
    expect(byEmail.find((a) => a.type === 'sendEmail')?.params).toMatchObject({ to: 'a@example.com', template: 'ccpa-opt-out-notice', locale: 'de' });
    expect(types(initialTransition(ccpaOptOutMachine, input())[1] as Action[])).not.toContain('sendEmail');
  });

  it('is effective once every recipient has its notice, in any order, counting each once', () => {
    const half = run(input(), [{ type: 'notice.delivered', recipientId: 'r2' }, { type: 'notice.delivered', recipientId: 'r2' }, { type: 'notice.delivered', recipientId: 'stranger' }]);
    expect(half.snapshot.value).toBe('notifying');
    expect(half.snapshot.context.pending).toEqual(['r1']);
    const done = run(input(), [{ type: 'notice.delivered', recipientId: 'r2' }, { type: 'notice.delivered', recipientId: 'r1' }]);
    expect(done.snapshot.status).toBe('done');
    expect(done.snapshot.value).toBe('effective');
    expect(types(done.actions).slice(-2)).toEqual(['cancelTimer', 'completeOptOut']);
    expect(done.actions.at(-1)!.params).toEqual({ requestId: 'req-1', late: false });
  });

  it('with no recipients is effective at once', () => {
    const { snapshot, actions } = run(input({ recipientIds: [] }), []);
    expect(snapshot.status).toBe('done');
    expect(types(actions)).toEqual(['notifyOptOutRecipients', 'startTimer', 'cancelTimer', 'completeOptOut']);
  });

  it('is overdue at the deadline, and completes late when the last notice arrives', () => {
    const overdue = run(input(), [{ type: 'timer.deadline' }]);
    expect(overdue.snapshot.value).toBe('overdue');
    expect(types(overdue.actions)).toContain('markOptOutOverdue');
    expect(overdue.snapshot.can({ type: 'timer.deadline' })).toBe(false);
    const late = run(input(), [{ type: 'timer.deadline' }, { type: 'notice.delivered', recipientId: 'r1' }, { type: 'notice.delivered', recipientId: 'r2' }]);
    expect(late.snapshot.value).toBe('effective');
    expect(late.actions.at(-1)).toMatchObject({ type: 'completeOptOut', params: { requestId: 'req-1', late: true } });
  });

  it('path coverage: every state is reachable and every path to the end completes the request exactly once', () => {
    const model = createTestModel(ccpaOptOutMachine, {
      events: [{ type: 'notice.delivered', recipientId: 'r1' }, { type: 'notice.delivered', recipientId: 'r2' }, { type: 'timer.deadline' }],
    } as never);
    const paths = model.getSimplePaths({ input: input() } as never);
    const reached = new Set(paths.flatMap((p) => [p.state, ...p.steps.map((s) => s.state)].map((s) => String(s.value))));
    expect([...reached].sort()).toEqual(['effective', 'notifying', 'overdue']);
    const ending = paths.filter((p) => p.state.status === 'done');
    expect(ending.length).toBeGreaterThanOrEqual(3);
    for (const path of ending) {
      const events = path.steps.map((s) => s.event).filter((e) => !String(e.type).startsWith('xstate.')) as CcpaOptOutEvent[];
      const { snapshot, actions } = run(input(), events);
      expect(snapshot.value).toBe('effective');
      expect(types(actions).filter((t) => t === 'completeOptOut')).toHaveLength(1);
      expect(types(actions).filter((t) => t === 'notifyOptOutRecipients')).toHaveLength(1);
      expect(actions.at(-1)!.params).toMatchObject({ late: events.some((e) => e.type === 'timer.deadline') });
    }
  });
});
