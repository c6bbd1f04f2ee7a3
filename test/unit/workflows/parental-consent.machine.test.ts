import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { getSimplePaths } from 'xstate/graph';
import { loadPolicy } from '../../../src/policy';
import { directNotice } from '../../../src/services/children/direct-notice';
import {
  parentalConsentMachine,
  type ParentalConsentEvent,
  type ParentalConsentInput,
  type RecordParentalConsentParams,
} from '../../../src/workflows/parental-consent/parental-consent.machine';

const policy = loadPolicy();
const input: ParentalConsentInput = {
  childId: 'child-1',
  parentEmail: 'parent@example.test',
  childUsername: 'kid',
  locale: 'en',
  notice: directNotice(policy, { childUsername: 'kid', deleteBy: new Date('2026-03-16T00:00:00Z'), locale: 'en' }),
  features: policy.children.features.map((f) => ({ key: f.key, disclosure: f.disclosure })),
  expiry: '14d',
  reminderAt: '11d',
  confirmationDelay: '24h',
  revokeLinkTtl: '90d',
  ageUpAt: '2029-06-05T00:00:00.000Z',
  threshold: 13,
  dashboardLinkTtl: '1h',
};
const DISCLOSING = policy.children.features.filter((f) => f.disclosure).map((f) => `child.feature.${f.key}`);

/** Every kind of event the outside world can send, with the page's possible answers. */
const EVENTS: ParentalConsentEvent[] = [
  { type: 'consent.respond', decision: 'decline' },
  { type: 'consent.respond', decision: 'consent', features: [] },
  { type: 'consent.respond', decision: 'consent', features: ['personalized_content'] },
  { type: 'consent.respond', decision: 'consent', features: ['public_profile', 'personalized_content'] },
  { type: 'consent.respond', decision: 'consent', features: ['community_posting'] },
  { type: 'staff.approve', staffId: 'staff-1', note: 'signed form checked' },
  { type: 'staff.reject', staffId: 'staff-1', note: 'could not verify' },
  { type: 'timer.remind' },
  { type: 'timer.expired' },
  { type: 'timer.confirm' },
  { type: 'consent.revoke' },
  { type: 'timer.age_up' },
  { type: 'parent.dashboard' },
  { type: 'parent.decide', action: 'permissions', features: ['public_profile'] },
  { type: 'parent.decide', action: 'revoke' },
  { type: 'parent.decide', action: 'delete' },
  { type: 'parent.verify', method: 'signed_form', evidenceId: 'ev-form', contentType: 'application/pdf', content: 'JVBERi0=', byteSize: 5, sha256: 'ab' },
  { type: 'parent.verify', method: 'phone_call', evidenceId: 'ev-call', contact: '+1 555 0100', preferredTime: 'evenings' },
  // (A staff decision naming its method, and the reminder, are tested on their own below: as path
  // events they multiply the paths without reaching anything new.)
  { type: 'timer.verification_expired' },
];
const STRONGER = ['staff_verified', 'signed_form', 'phone_call', 'video_call'];

type Action = { type: string; params?: Record<string, unknown> };

/** Replays a path with XState's pure transition and returns every action it produced. */
function actionsAlong(events: ParentalConsentEvent[]): { state: AnyMachineSnapshot; actions: Action[] } {
  let [state, actions] = initialTransition(parentalConsentMachine, input) as [AnyMachineSnapshot, Action[]];
  const all = [...actions];
  for (const event of events) {
    [state, actions] = transition(parentalConsentMachine, state as never, event) as [AnyMachineSnapshot, Action[]];
    all.push(...actions);
  }
  return { state, actions: all };
}
const grants = (actions: Action[]) =>
  actions
    .filter((a) => a.type === 'recordParentalConsent' && (a.params as unknown as RecordParentalConsentParams).decision === 'granted')
    .flatMap((a) => {
      const p = a.params as unknown as RecordParentalConsentParams;
      return p.purposes.map((purpose) => ({ purpose, method: p.method }));
    });

describe('parental-consent machine', () => {
  const paths = getSimplePaths(parentalConsentMachine, { events: EVENTS, input });
  const eventsOf = (path: (typeof paths)[number]) => path.steps.slice(1).map((s) => s.event as ParentalConsentEvent);

  it('reaches every state', () => {
    const reached = new Set(paths.map((p) => String(p.state.value)));
    expect([...reached].sort()).toEqual(Object.keys(parentalConsentMachine.root.states).sort());
  });

  it('no path reaches an active child without a recorded parental consent for the account', () => {
    const toActive = paths.filter((p) => p.state.matches('active'));
    expect(toActive.length).toBeGreaterThan(1);
    for (const path of toActive) {
      const { state, actions } = actionsAlong(eventsOf(path));
      expect(state.value).toBe('active');
      expect(grants(actions)).toContainEqual({ purpose: 'child.collection', method: 'email_plus' });
      // The account is activated only after the consent was recorded.
      const consentAt = actions.findIndex((a) => a.type === 'recordParentalConsent');
      const activateAt = actions.findIndex((a) => a.type === 'setGuardianStatus' && a.params?.status === 'active');
      expect(consentAt).toBeGreaterThanOrEqual(0);
      expect(activateAt).toBeGreaterThan(consentAt);
    }
  });

  it('no path grants a disclosing feature by email plus (or by the system); only a stronger method verified by staff grants it', () => {
    let disclosed = 0;
    const methods = new Set<string>();
    for (const path of paths) {
      const { actions } = actionsAlong(eventsOf(path));
      for (const g of grants(actions).filter((g) => DISCLOSING.includes(g.purpose))) {
        disclosed++;
        methods.add(g.method);
        expect(STRONGER).toContain(g.method);
      }
      // Every disclosing grant comes from a staff decision.
      for (const a of actions.filter((a) => a.type === 'recordParentalConsent' && (a.params as unknown as RecordParentalConsentParams).purposes.some((p) => DISCLOSING.includes(p)))) {
        const p = a.params as unknown as RecordParentalConsentParams;
        if (p.decision === 'granted') expect(p.staffId).toBe('staff-1');
      }
      const active = actions.filter((a) => a.type === 'setGuardianStatus' && a.params?.status === 'active').at(-1);
      const permitted = (active?.params?.permissions as string[] | undefined) ?? [];
      if (permitted.some((k) => DISCLOSING.includes(`child.feature.${k}`))) expect(active?.params?.verificationMethod).toBe('staff_verified');
    }
    expect(disclosed).toBeGreaterThan(0);
    // The paths cover the stronger methods: nothing returned (staff_verified), a signed form, a call request.
    expect([...methods].sort()).toEqual(['phone_call', 'signed_form', 'staff_verified']);
  });

  it('disclosing features lead to the verification page mail; a reminder and a lapse are timed from there', () => {
    const { state, actions } = actionsAlong([{ type: 'consent.respond', decision: 'consent', features: ['public_profile', 'personalized_content'] }]);
    expect(state.value).toBe('awaiting_stronger_verification');
    const entry = actions.slice(-3);
    expect(entry[0]).toMatchObject({
      type: 'sendEmail',
      params: { template: 'parental-verification-request', params: { childUsername: 'kid', features: ['public_profile'] }, link: { purpose: 'parental-verification', event: 'parent.verify', ttl: '14d' } },
    });
    expect(entry.slice(1).map((a) => a.params)).toEqual([
      { name: 'verification-reminder', delay: '11d', event: 'timer.verification_remind' },
      { name: 'verification-expiry', delay: '14d', event: 'timer.verification_expired' },
    ]);
    const reminded = actionsAlong([{ type: 'consent.respond', decision: 'consent', features: ['public_profile'] }, { type: 'timer.verification_remind' }]);
    expect(reminded.actions.slice(-2)).toMatchObject([
      { type: 'revokeLinks', params: { purpose: 'parental-verification' } },
      { type: 'sendEmail', params: { template: 'parental-verification-reminder', link: { purpose: 'parental-verification' } } },
    ]);
  });

  it('a signed form is stored by an effect; only its id enters the context; staff approval records signed_form with the evidence', () => {
    const form: ParentalConsentEvent = { type: 'parent.verify', method: 'signed_form', evidenceId: 'ev-1', contentType: 'application/pdf', content: 'JVBERi0xLjQ=', byteSize: 8, sha256: 'ff' };
    const sent = actionsAlong([{ type: 'consent.respond', decision: 'consent', features: ['public_profile'] }, form]);
    expect(sent.state.value).toBe('awaiting_stronger_verification');
    expect(sent.actions.slice(-3)).toMatchObject([
      { type: 'storeParentalEvidence', params: { childId: 'child-1', evidenceId: 'ev-1', method: 'signed_form', content: 'JVBERi0xLjQ=' } },
      { type: 'cancelTimer', params: { name: 'verification-reminder' } },
      { type: 'cancelTimer', params: { name: 'verification-expiry' } },
    ]);
    expect(sent.state.context.evidence).toEqual({ id: 'ev-1', method: 'signed_form' });
    expect(JSON.stringify(sent.state.context)).not.toContain('JVBERi0xLjQ=');
    // One submission per verification: a second is refused.
    expect(sent.state.can({ ...form, evidenceId: 'ev-2' } as never)).toBe(false);
    const approved = actionsAlong([{ type: 'consent.respond', decision: 'consent', features: ['public_profile'] }, form, { type: 'staff.approve', staffId: 's', note: 'form checked' }]);
    expect(approved.state.value).toBe('awaiting_confirmation_delay');
    expect(approved.actions.filter((a) => a.type === 'recordParentalConsent').at(-1)?.params).toEqual({
      childId: 'child-1',
      purposes: ['child.feature.public_profile'],
      decision: 'granted',
      method: 'signed_form',
      staffId: 's',
      note: 'form checked',
      evidenceId: 'ev-1',
    });
    // Leaving the state ends its timers and its link.
    expect(approved.actions.map((a) => a.type)).toContain('revokeLinks');
  });

  it('a call request is recorded as the method staff then verify by; staff can name the method they used', () => {
    const call: ParentalConsentEvent = { type: 'parent.verify', method: 'phone_call', evidenceId: 'ev-c', contact: '+1 555 0100', preferredTime: 'after 6 pm' };
    const rejected = actionsAlong([{ type: 'consent.respond', decision: 'consent', features: ['community_posting'] }, call, { type: 'staff.reject', staffId: 's', note: 'nobody answered' }]);
    expect(rejected.actions.filter((a) => a.type === 'recordParentalConsent').at(-1)?.params).toMatchObject({ purposes: ['child.feature.community_posting'], decision: 'denied', method: 'phone_call', evidenceId: 'ev-c' });
    const video = actionsAlong([{ type: 'consent.respond', decision: 'consent', features: ['community_posting'] }, call, { type: 'staff.approve', staffId: 's', note: 'switched to video', method: 'video_call' }]);
    expect(video.actions.filter((a) => a.type === 'recordParentalConsent').at(-1)?.params).toMatchObject({ decision: 'granted', method: 'video_call', evidenceId: 'ev-c' });
    const refused = actionsAlong([{ type: 'consent.respond', decision: 'consent', features: ['community_posting'] }]);
    expect(refused.state.can({ type: 'parent.verify', method: 'phone_call', evidenceId: 'x', contact: '' } as never)).toBe(false);
  });

  it('nothing returned in time: the disclosing request lapses (denied by the system), the parent is told, the account goes on with email plus', () => {
    const lapsed = actionsAlong([{ type: 'consent.respond', decision: 'consent', features: ['public_profile', 'personalized_content'] }, { type: 'timer.verification_expired' }]);
    expect(lapsed.state.value).toBe('awaiting_confirmation_delay');
    const records = lapsed.actions.filter((a) => a.type === 'recordParentalConsent').map((a) => a.params);
    expect(records.at(-1)).toEqual({ childId: 'child-1', purposes: ['child.feature.public_profile'], decision: 'denied', method: 'system' });
    expect(lapsed.actions.find((a) => a.type === 'sendEmail' && a.params?.template === 'parental-verification-expired')?.params).toMatchObject({
      params: { features: ['public_profile'], permissions: ['personalized_content'] },
    });
    const active = actionsAlong([{ type: 'consent.respond', decision: 'consent', features: ['public_profile', 'personalized_content'] }, { type: 'timer.verification_expired' }, { type: 'timer.confirm' }]);
    expect(active.state.value).toBe('active');
    expect(active.actions.find((a) => a.type === 'setGuardianStatus' && a.params?.status === 'active')?.params).toMatchObject({ permissions: ['personalized_content'], verificationMethod: 'email_plus' });
  });

  it('the dashboard cannot switch a disclosing feature on, only off', () => {
    const viaEmail = actionsAlong([
      { type: 'consent.respond', decision: 'consent', features: ['personalized_content'] },
      { type: 'timer.confirm' },
      { type: 'parent.decide', action: 'permissions', features: ['public_profile', 'community_posting'] },
    ]);
    expect(grants(viaEmail.actions).map((g) => g.purpose)).not.toContain('child.feature.public_profile');
    expect(viaEmail.actions.at(-1)).toMatchObject({ type: 'setGuardianStatus', params: { permissions: [] } });
    const verified = actionsAlong([
      { type: 'consent.respond', decision: 'consent', features: ['public_profile'] },
      { type: 'staff.approve', staffId: 's', note: 'form' },
      { type: 'timer.confirm' },
      { type: 'parent.decide', action: 'permissions', features: [] },
    ]);
    expect(verified.actions.filter((a) => a.type === 'recordParentalConsent').at(-1)).toMatchObject({ params: { purposes: ['child.feature.public_profile'], decision: 'withdrawn' } });
  });

  it('decline, expiry and the parent’s deletion erase the child; nothing else does', () => {
    for (const path of paths) {
      const { state, actions } = actionsAlong(eventsOf(path));
      const erased = actions.some((a) => a.type === 'eraseChild');
      expect(erased).toBe(state.matches('deleted'));
    }
    expect(actionsAlong([{ type: 'timer.expired' }]).actions.at(-1)).toMatchObject({ type: 'eraseChild', params: { childId: 'child-1', reason: 'expired' } });
  });

  it('the first mail is the direct notice with a consent link, and the reminder comes before the expiry', () => {
    const { actions } = actionsAlong([]);
    expect(actions.map((a) => a.type)).toEqual(['sendEmail', 'startTimer', 'startTimer']);
    expect(actions[0].params).toMatchObject({ to: 'parent@example.test', template: 'parental-consent-request', params: { notice: input.notice }, link: { purpose: 'parental-consent', event: 'consent.respond', ttl: '14d' } });
    expect(actions.slice(1).map((a) => a.params)).toEqual([
      { name: 'reminder', delay: '11d', event: 'timer.remind' },
      { name: 'expiry', delay: '14d', event: 'timer.expired' },
    ]);
  });

  it('starts the age-up timer at the birthday when the child becomes active, and hands over there', () => {
    const { actions } = actionsAlong([{ type: 'consent.respond', decision: 'consent', features: [] }, { type: 'timer.confirm' }]);
    expect(actions.at(-1)).toMatchObject({ type: 'startTimer', params: { name: 'age-up', at: '2029-06-05T00:00:00.000Z', event: 'timer.age_up' } });
    const up = actionsAlong([{ type: 'consent.respond', decision: 'consent', features: [] }, { type: 'timer.confirm' }, { type: 'timer.age_up' }]);
    expect(up.state.value).toBe('aged_up');
    expect(up.actions.slice(-2).map((a) => a.type)).toEqual(['ageUpChild', 'sendEmail']);
  });

  it('refuses a page answer without a decision and staff decisions before the parent asked', () => {
    const [start] = initialTransition(parentalConsentMachine, input);
    expect(start.can({ type: 'consent.respond' } as never)).toBe(false);
    expect(start.can({ type: 'staff.approve', staffId: 's', note: 'n' })).toBe(false);
    expect(start.can({ type: 'timer.confirm' })).toBe(false);
  });
});
