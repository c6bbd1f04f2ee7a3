import { getSimplePaths } from 'xstate/graph';
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { registrationMachine, type RegistrationEvent, type RegistrationInput } from '../../src/workflows/registration/registration.machine';

const input: RegistrationInput = {
  subjectId: 'sub-1',
  email: 'ada@example.com',
  passwordHash: 'scrypt$ln=4,r=8,p=1$c2FsdA==$a2V5',
  displayName: 'Ada',
  locale: 'en',
  country: 'GB',
  ttl: '24h',
};
const EVENTS: RegistrationEvent[] = [{ type: 'registration.confirm' }, { type: 'timer.expired' }];
type Step = { event: RegistrationEvent; state: AnyMachineSnapshot };

function run(events: RegistrationEvent['type'][]) {
  const [first, entry] = initialTransition(registrationMachine, input);
  let snapshot: AnyMachineSnapshot = first;
  const effects: { type: string; params?: unknown }[][] = [entry];
  for (const type of events) {
    const [next, actions] = transition(registrationMachine, snapshot, { type } as RegistrationEvent);
    snapshot = next;
    effects.push(actions);
  }
  return { snapshot, effects };
}

describe('registration machine', () => {
  it('mails a one-use link and starts its expiry; there is no account yet', () => {
    const { snapshot, effects } = run([]);
    expect(snapshot.value).toBe('awaitingConfirmation');
    expect(effects[0].map((a) => a.type)).toEqual(['sendEmail', 'startTimer']);
    expect(effects[0][0].params).toMatchObject({ to: 'ada@example.com', template: 'registration-confirm', link: { purpose: 'registration', event: 'registration.confirm', ttl: '24h' } });
    expect(effects[0][0].params).not.toHaveProperty('params.passwordHash');
  });

  it('every path ends confirmed (account created once) or expired (none), and forgets the password hash and the address', () => {
    const paths = getSimplePaths(registrationMachine, { events: EVENTS, input, serializeState: (s) => JSON.stringify(s.value) });
    const ends = paths.map((p) => ({ events: p.steps.map((s: Step) => s.event.type as string).filter((t) => t !== 'xstate.init'), end: String(p.state.value) }));
    expect(ends.map((e) => e.end).sort()).toEqual(['awaitingConfirmation', 'confirmed', 'expired']);
    for (const { events, end } of ends) {
      const { snapshot, effects } = run(events as RegistrationEvent['type'][]);
      const created = effects.flat().filter((a) => a.type === 'createAccount');
      expect(created).toHaveLength(end === 'confirmed' ? 1 : 0);
      if (end !== 'awaitingConfirmation') {
        expect(snapshot.status).toBe('done');
        expect(snapshot.context).toMatchObject({ subjectId: 'sub-1', email: '', passwordHash: '', displayName: '' });
      }
    }
    const { effects } = run(['registration.confirm']);
    expect(effects[1].find((a) => a.type === 'createAccount')!.params).toEqual({ subjectId: 'sub-1', email: 'ada@example.com', passwordHash: input.passwordHash, displayName: 'Ada', locale: 'en', country: 'GB' });
    expect(effects[1].map((a) => a.type)).toEqual(['cancelTimer', 'createAccount']);
  });

  it('refuses a confirmation after expiry', () => {
    const { snapshot } = run(['timer.expired']);
    expect(snapshot.can({ type: 'registration.confirm' })).toBe(false);
  });
});
