import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { getSimplePaths } from 'xstate/graph';
import { loadPolicy } from '../../../src/policy';
import { directNotice } from '../../../src/services/children/direct-notice';
import {
  parentalConsentMachine,
  type ParentalConsentEvent,
  type ParentalConsentInput,
  type RecordParentalConsentParams,
  type RecordTeenConsentParams,
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
  revokedRetention: '30d',
  teenLinkTtl: '30d',
  jointConsent: false,
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
  { type: 'timer.retention_ended' },
  { type: 'teen.confirm', features: [] },
  { type: 'teen.confirm', features: ['personalized_content', 'public_profile'] },
  { type: 'timer.teen_expired' },
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
      if (permitted.some((k) => DISCLOSING.includes(`child.feature.${k}`))) expect(STRONGER).toContain(active?.params?.verificationMethod);
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

  it('decline, expiry, the parent’s deletion and the end of the retention after a revocation erase the child; nothing else does', () => {
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
    const up = actionsAlong([{ type: 'consent.respond', decision: 'consent', features: ['personalized_content'] }, { type: 'timer.confirm' }, { type: 'timer.age_up' }]);
    expect(up.state.value).toBe('awaiting_teen_confirmation');
    expect(up.actions.slice(-3).map((a) => a.type)).toEqual(['ageUpChild', 'sendEmail', 'startTimer']);
    // The parent's mail carries the teen's one-use handover link; the settings stay if it expires unused.
    expect(up.actions.at(-2)?.params).toMatchObject({
      to: 'parent@example.test',
      template: 'parental-consent-age-up',
      params: { childUsername: 'kid', threshold: 13, jointConsent: false, permissions: ['personalized_content'] },
      link: { purpose: 'teen-handover', event: 'teen.confirm', ttl: '30d' },
    });
    expect(up.actions.at(-1)?.params).toEqual({ name: 'teen-confirmation', delay: '30d', event: 'timer.teen_expired' });
  });

  const ACTIVE: ParentalConsentEvent[] = [{ type: 'consent.respond', decision: 'consent', features: ['personalized_content'] }, { type: 'timer.confirm' }];

  it('the teen’s answer is the teen’s own consent: kept, dropped and newly chosen features (disclosing ones too); nothing before the age-up', () => {
    const teen = actionsAlong([...ACTIVE, { type: 'timer.age_up' }, { type: 'teen.confirm', features: ['public_profile', 'unknown_feature'] }]);
    expect(teen.state.value).toBe('aged_up');
    expect(teen.actions.at(-1)).toMatchObject({ type: 'recordTeenConsent', params: { childId: 'child-1', granted: ['public_profile'], withdrawn: ['personalized_content'] } });
    expect(teen.state.context).toMatchObject({ granted: ['public_profile'], verified: [] });
    const lapsed = actionsAlong([...ACTIVE, { type: 'timer.age_up' }, { type: 'timer.teen_expired' }]);
    expect(lapsed.state.value).toBe('aged_up');
    expect(lapsed.actions.at(-1)).toMatchObject({ type: 'teenConfirmationLapsed', params: { childId: 'child-1', features: ['personalized_content'] } });
    for (const path of paths) {
      const { actions } = actionsAlong(eventsOf(path));
      const ageUp = actions.findIndex((a) => a.type === 'ageUpChild');
      const teenAt = actions.findIndex((a) => a.type === 'recordTeenConsent' || a.type === 'teenConfirmationLapsed');
      if (teenAt >= 0) expect(ageUp).toBeGreaterThanOrEqual(0);
      if (teenAt >= 0) expect(teenAt).toBeGreaterThan(ageUp);
      if (path.state.matches('aged_up')) expect(teenAt).toBeGreaterThanOrEqual(0);
    }
    const [start] = initialTransition(parentalConsentMachine, input);
    expect(start.can({ type: 'teen.confirm', features: [] })).toBe(false);
  });

  it('after a revocation the parent is told the deletion date; the dashboard offers only deletion; the retention end erases', () => {
    const revoked = actionsAlong([...ACTIVE, { type: 'parent.decide', action: 'revoke' }]);
    expect(revoked.state.value).toBe('revoked');
    expect(revoked.actions.slice(-5).map((a) => a.type)).toEqual(['restrictChild', 'cancelTimer', 'revokeLinks', 'startTimer', 'sendEmail']);
    expect(revoked.actions.at(-4)?.params).toEqual({ name: 'age-up' });
    expect(revoked.actions.at(-2)?.params).toEqual({ name: 'retention', delay: '30d', event: 'timer.retention_ended' });
    expect(revoked.actions.at(-1)?.params).toMatchObject({ template: 'parental-consent-revoked', dates: { deleteAt: '30d' } });
    const state = revoked.state;
    expect(state.can({ type: 'parent.dashboard' })).toBe(true);
    expect(state.can({ type: 'parent.decide', action: 'delete' })).toBe(true);
    expect(state.can({ type: 'parent.decide', action: 'permissions', features: ['personalized_content'] })).toBe(false);
    expect(state.can({ type: 'parent.decide', action: 'revoke' })).toBe(false);
    expect(state.can({ type: 'timer.age_up' })).toBe(false);
    const dashboard = actionsAlong([...ACTIVE, { type: 'consent.revoke' }, { type: 'parent.dashboard' }]);
    expect(dashboard.actions.at(-1)?.params).toMatchObject({ template: 'parent-dashboard', params: { revoked: true }, link: { purpose: 'parent-dashboard', event: 'parent.decide', ttl: '1h' } });
    expect(actionsAlong([...ACTIVE, { type: 'consent.revoke' }, { type: 'parent.decide', action: 'delete' }]).actions.at(-1)).toMatchObject({ type: 'eraseChild', params: { reason: 'parent_request' } });
    const ended = actionsAlong([...ACTIVE, { type: 'consent.revoke' }, { type: 'timer.retention_ended' }]);
    expect(ended.state.value).toBe('deleted');
    expect(ended.actions.at(-1)).toMatchObject({ type: 'eraseChild', params: { childId: 'child-1', reason: 'retention_ended' } });
    // Every revocation starts the retention, whichever way it came.
    for (const path of paths.filter((p) => p.state.matches('revoked'))) {
      expect(actionsAlong(eventsOf(path)).actions.filter((a) => a.type === 'startTimer' && a.params?.name === 'retention')).toHaveLength(1);
    }
  });

  it('early version 2 rows without the new inputs get the defaults', () => {
    const { revokedRetention: _r, teenLinkTtl: _t, jointConsent: _j, ...old } = input;
    const along = (events: ParentalConsentEvent[]) => {
      let [state, actions] = initialTransition(parentalConsentMachine, old) as [AnyMachineSnapshot, Action[]];
      for (const event of events) [state, actions] = transition(parentalConsentMachine, state as never, event) as [AnyMachineSnapshot, Action[]];
      return actions;
    };
    expect(along([...ACTIVE, { type: 'consent.revoke' }]).find((a) => a.type === 'startTimer')?.params).toEqual({ name: 'retention', delay: '30d', event: 'timer.retention_ended' });
    const up = along([...ACTIVE, { type: 'timer.age_up' }]);
    expect(up.find((a) => a.type === 'sendEmail')?.params).toMatchObject({ params: { jointConsent: false }, link: { ttl: '30d' } });
    expect(up.at(-1)?.params).toMatchObject({ delay: '30d' });
  });

  it('refuses a page answer without a decision and staff decisions before the parent asked', () => {
    const [start] = initialTransition(parentalConsentMachine, input);
    expect(start.can({ type: 'consent.respond' } as never)).toBe(false);
    expect(start.can({ type: 'staff.approve', staffId: 's', note: 'n' })).toBe(false);
    expect(start.can({ type: 'timer.confirm' })).toBe(false);
  });
});
