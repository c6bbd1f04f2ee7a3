import { getSimplePaths } from 'xstate/graph';
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { erasureMachine, type ErasureEvent, type ErasureInput } from '../../src/workflows/erasure/erasure.machine';

const input: ErasureInput = {
  requestId: 'req-1',
  subjectId: 'sub-1',
  email: 'ada@example.com',
  locale: 'de',
  scope: 'categories',
  categories: ['profile'],
  confirmTtl: '48h',
  cancelWindow: '7d',
};

const EVENTS: ErasureEvent[] = [
  { type: 'erasure.confirm' },
  { type: 'erasure.cancel' },
  { type: 'erasure.retry' },
  { type: 'erasure.failed' },
  { type: 'timer.confirmExpired' },
  { type: 'timer.execute' },
];

type Step = { event: ErasureEvent; state: AnyMachineSnapshot };

/** Every simple path from the start (no state visited twice), as the events taken and the effects named. */
function allPaths() {
  // States are told apart by their value: the context (a failure counter) would make the graph infinite.
  return getSimplePaths(erasureMachine, { events: EVENTS, input, serializeState: (s) => JSON.stringify(s.value) }).map((path) => ({
    states: path.steps.map((s: Step) => String(s.state.value)),
    events: path.steps.map((s: Step) => s.event.type as string).filter((t) => t !== 'xstate.init'),
    end: String(path.state.value),
  }));
}

/** Replays events through the pure transition and collects every action type each produced. */
function run(events: ErasureEvent['type'][]) {
  const [first, entry] = initialTransition(erasureMachine, input);
  let snapshot: AnyMachineSnapshot = first;
  const effects: string[][] = [entry.map((a) => a.type)];
  for (const type of events) {
    const [next, actions] = transition(erasureMachine, snapshot, { type } as ErasureEvent);
    snapshot = next;
    effects.push(actions.map((a) => a.type));
  }
  return { snapshot, effects, actions: effects.flat() };
}

describe('erasure machine', () => {
  it('reaches every state', () => {
    const reached = new Set(allPaths().flatMap((p) => [...p.states, p.end]));
    expect([...reached].sort()).toEqual(['awaitingConfirmation', 'cancelled', 'erased', 'expired', 'failed', 'scheduled']);
  });

  it('no path reaches erased (or runs executeErasure) without an explicit confirmation first', () => {
    const paths = allPaths();
    const toErased = paths.filter((p) => p.end === 'erased');
    expect(toErased.length).toBeGreaterThan(0);
    for (const p of toErased) expect(p.events[0]).toBe('erasure.confirm');
    for (const p of paths) {
      const { effects } = run(p.events as ErasureEvent['type'][]);
      const executedAt = effects.findIndex((e) => e.includes('executeErasure'));
      if (executedAt > 0) expect(p.events.slice(0, executedAt)).toContain('erasure.confirm');
    }
    // Events before confirmation that could look like execution are refused.
    const [start] = initialTransition(erasureMachine, input);
    expect(start.can({ type: 'timer.execute' })).toBe(false);
    expect(start.can({ type: 'erasure.retry' })).toBe(false);
  });

  it('cancel within the window never erases: execution is no longer possible and its timer is cancelled', () => {
    const { snapshot, effects } = run(['erasure.confirm', 'erasure.cancel']);
    expect(snapshot.value).toBe('cancelled');
    expect(snapshot.status).toBe('done');
    expect(effects[2]).toEqual(['cancelTimer', 'closeErasureRequest', 'sendEmail']);
    expect(snapshot.can({ type: 'timer.execute' })).toBe(false);
    for (const p of allPaths()) {
      const i = p.events.indexOf('erasure.cancel');
      if (i >= 0) expect(p.events.slice(i + 1)).not.toContain('timer.execute');
    }
  });

  it('names its effects with the parameters the runtime needs', () => {
    const [, entry] = initialTransition(erasureMachine, input);
    expect(entry.map((a) => [a.type, a.params])).toEqual([
      ['sendEmail', { to: 'ada@example.com', template: 'erasure-confirm', locale: 'de', params: { scope: 'categories', categories: ['profile'] }, link: { purpose: 'erasure-confirm', event: 'erasure.confirm', ttl: '48h' } }],
      ['startTimer', { name: 'confirm-expiry', delay: '48h', event: 'timer.confirmExpired' }],
    ]);
    const [scheduled, onConfirm] = transition(erasureMachine, initialTransition(erasureMachine, input)[0], { type: 'erasure.confirm' });
    expect(onConfirm.find((a) => a.type === 'startTimer')?.params).toEqual({ name: 'execute', delay: '7d', event: 'timer.execute', onError: 'erasure.failed' });
    const [erased, onExecute] = transition(erasureMachine, scheduled, { type: 'timer.execute' });
    expect(onExecute.find((a) => a.type === 'executeErasure')?.params).toEqual({ requestId: 'req-1', subjectId: 'sub-1', email: 'ada@example.com', locale: 'de', scope: 'categories', categories: ['profile'] });
    // The address leaves the persisted context in the same step.
    expect(erased.context.email).toBe('');
  });

  it('expires an unconfirmed request, and a failed execution waits in failed until staff retry', () => {
    expect(run(['timer.confirmExpired']).snapshot.value).toBe('expired');
    const failed = run(['erasure.confirm', 'erasure.failed']);
    expect(failed.snapshot.value).toBe('failed');
    expect(failed.snapshot.context.failures).toBe(1);
    expect(failed.snapshot.can({ type: 'timer.execute' })).toBe(false);
    const retried = run(['erasure.confirm', 'erasure.failed', 'erasure.retry', 'timer.execute']);
    expect(retried.snapshot.value).toBe('erased');
    expect(retried.effects[3]).toEqual(['markErasureRetried', 'startTimer']);
  });
});
