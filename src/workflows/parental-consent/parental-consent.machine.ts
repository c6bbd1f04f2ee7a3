import { assign, setup } from 'xstate';
import type { DirectNotice } from '../../services/children/direct-notice';
import { effect, type CancelTimerParams, type Delay, type RevokeLinksParams, type SendEmailParams, type StartTimerParams } from '../runtime/actions';

/**
 * Verifiable parental consent for a child account (COPPA 16 CFR 312.5, 2025 Rule).
 *
 *   awaiting_consent ──consent.respond(consent)──▶ awaiting_confirmation_delay ──timer.confirm──▶ active ──consent.revoke──▶ revoked
 *        │                  └─(with disclosure features)─▶ awaiting_stronger_verification ──staff.approve|staff.reject──▶ awaiting_confirmation_delay
 *        ├─consent.respond(decline)─▶ deleted
 *        └─timer.expired─▶ deleted        (timer.remind: a reminder with a fresh link, PARENTAL_CONSENT_REMINDER before)
 *   active ──timer.age_up (the birthday at the local threshold)──▶ aged_up: control moves to the teen, the parent is told
 *   active: parent.dashboard mails the parent a one-use dashboard link; its page (parent.decide) changes
 *           permissions, revokes (→ revoked) or deletes everything (→ deleted)
 *
 * Email plus (§312.5(b)(2)(viii)) verifies (a) the account and features that disclose nothing; the
 * confirmation mail after EMAIL_PLUS_DELAY is its "plus" and carries a revoke link. Features that
 * disclose (public profile, posting) are never granted by email plus: they wait for a stronger
 * method verified by privacy staff (a signed form, a call or video check; later a card or ID-check
 * provider delivering `staff.approve` with its own method). Every grant is a `recordParentalConsent` action.
 */

export const PARENTAL_CONSENT_LINK = 'parental-consent';
export const PARENTAL_REVOKE_LINK = 'parental-consent-revoke';
export const PARENT_DASHBOARD_LINK = 'parent-dashboard';

export interface ParentalConsentFeature {
  key: string;
  disclosure: boolean;
}

export interface ParentalConsentInput {
  childId: string;
  parentEmail: string;
  childUsername: string;
  locale: string;
  /** The direct notice (§312.4(c)(1)) in the parent's language, built from the policy at registration. */
  notice: DirectNotice;
  features: ParentalConsentFeature[];
  expiry: Delay;
  /** When the reminder goes out, counted from the start (expiry minus PARENTAL_CONSENT_REMINDER). */
  reminderAt: Delay;
  confirmationDelay: Delay;
  revokeLinkTtl: Delay;
  /** ISO time of the birthday on which the child reaches the jurisdiction's age of digital consent. */
  ageUpAt: string;
  /** That age (for the mails). */
  threshold: number;
  /** How long a dashboard link works. */
  dashboardLinkTtl: Delay;
  /**
   * The child consents jointly with the parent (France under 15) and already agreed at registration
   * (a consent record given by the child); the parent's consent completes it. Absent: not joint.
   */
  jointConsent?: boolean;
}

export interface ParentalConsentContext extends ParentalConsentInput {
  /** Non-disclosing features granted by email plus. */
  granted: string[];
  /** Disclosing features the parent asked for, waiting for staff verification. */
  requested: string[];
  /** Disclosing features granted after staff verification. */
  verified: string[];
}

/** The parent's answer on the consent page: (a) the account with features, or decline. */
export type ConsentRespondEvent = { type: 'consent.respond'; decision: 'consent' | 'decline'; features?: string[] };
export type StaffDecisionEvent = { type: 'staff.approve' | 'staff.reject'; staffId: string; note: string; method?: string };

export type ParentalConsentEvent =
  | ConsentRespondEvent
  | StaffDecisionEvent
  | { type: 'timer.remind' }
  | { type: 'timer.expired' }
  | { type: 'timer.confirm' }
  | { type: 'consent.revoke' }
  | { type: 'timer.age_up' }
  | { type: 'parent.dashboard' }
  | ParentDecideEvent;

/** The parent dashboard page's answer: keep these features (permissions), revoke consent, or delete the child's data. */
export type ParentDecideEvent = { type: 'parent.decide'; action: 'permissions' | 'revoke' | 'delete'; features?: string[] };

export interface RecordParentalConsentParams {
  childId: string;
  purposes: string[];
  decision: 'granted' | 'denied' | 'withdrawn';
  method: 'email_plus' | 'staff_verified' | 'signed_form' | 'email_link' | 'system';
  staffId?: string;
  note?: string;
}

export interface GuardianStatusParams {
  childId: string;
  status: 'awaiting_verification' | 'active';
  permissions: string[];
  verificationMethod: string;
}

const asFeatures = (keys: readonly string[]) => keys.map((k) => `child.feature.${k}`);

/** Of the requested features, those the policy defines, split into disclosing and not. */
function chosen(context: ParentalConsentContext, event: ParentalConsentEvent): { plain: string[]; disclosing: string[] } {
  const asked = event.type === 'consent.respond' ? (event.features ?? []) : [];
  const known = context.features.filter((f) => asked.includes(f.key));
  return { plain: known.filter((f) => !f.disclosure).map((f) => f.key), disclosing: known.filter((f) => f.disclosure).map((f) => f.key) };
}

/** The permissions a dashboard answer keeps: any non-disclosing feature, disclosing ones only if already verified. */
function kept(context: ParentalConsentContext, event: ParentalConsentEvent): { plain: string[]; disclosing: string[]; all: string[] } {
  const asked = event.type === 'parent.decide' ? (event.features ?? []) : [];
  const plain = context.features.filter((f) => !f.disclosure && asked.includes(f.key)).map((f) => f.key);
  const disclosing = context.verified.filter((k) => asked.includes(k));
  return { plain, disclosing, all: [...plain, ...disclosing] };
}

const consentLink = (ttl: Delay) => ({ purpose: PARENTAL_CONSENT_LINK, event: 'consent.respond', ttl });

export const parentalConsentMachine = setup({
  types: {
    context: {} as ParentalConsentContext,
    input: {} as ParentalConsentInput,
    events: {} as ParentalConsentEvent,
  },
  actions: {
    sendEmail: effect<SendEmailParams>(),
    startTimer: effect<StartTimerParams>(),
    cancelTimer: effect<CancelTimerParams>(),
    revokeLinks: effect<RevokeLinksParams>(),
    recordParentalConsent: effect<RecordParentalConsentParams>(),
    setGuardianStatus: effect<GuardianStatusParams>(),
    eraseChild: effect<{ childId: string; reason: 'declined' | 'expired' | 'parent_request' }>(),
    restrictChild: effect<{ childId: string }>(),
    ageUpChild: effect<{ childId: string; threshold: number }>(),
  },
  guards: {
    declines: ({ event }) => event.type === 'consent.respond' && event.decision === 'decline',
    consentsWithDisclosure: ({ context, event }) => event.type === 'consent.respond' && event.decision === 'consent' && chosen(context, event).disclosing.length > 0,
    consents: ({ event }) => event.type === 'consent.respond' && event.decision === 'consent',
    parentRevokes: ({ event }) => event.type === 'parent.decide' && event.action === 'revoke',
    parentDeletes: ({ event }) => event.type === 'parent.decide' && event.action === 'delete',
    parentChangesPermissions: ({ event }) => event.type === 'parent.decide' && event.action === 'permissions',
  },
}).createMachine({
  id: 'parental-consent',
  context: ({ input }) => ({ ...input, granted: [], requested: [], verified: [] }),
  initial: 'awaiting_consent',
  states: {
    awaiting_consent: {
      entry: [
        {
          type: 'sendEmail',
          params: ({ context }) => ({
            to: context.parentEmail,
            template: 'parental-consent-request',
            locale: context.locale,
            params: { notice: context.notice },
            link: consentLink(context.expiry),
          }),
        },
        { type: 'startTimer', params: ({ context }) => ({ name: 'reminder', delay: context.reminderAt, event: 'timer.remind' }) },
        { type: 'startTimer', params: ({ context }) => ({ name: 'expiry', delay: context.expiry, event: 'timer.expired' }) },
      ],
      on: {
        'consent.respond': [
          { guard: 'declines', target: 'deleted', actions: [{ type: 'eraseChild', params: ({ context }) => ({ childId: context.childId, reason: 'declined' as const }) }] },
          {
            guard: 'consentsWithDisclosure',
            target: 'awaiting_stronger_verification',
            actions: [
              assign(({ context, event }) => ({ granted: chosen(context, event).plain, requested: chosen(context, event).disclosing })),
              { type: 'cancelTimer', params: { name: 'reminder' } },
              { type: 'cancelTimer', params: { name: 'expiry' } },
              { type: 'revokeLinks', params: { purpose: PARENTAL_CONSENT_LINK } },
              { type: 'recordParentalConsent', params: ({ context }) => ({ childId: context.childId, purposes: ['child.collection', ...asFeatures(context.granted)], decision: 'granted' as const, method: 'email_plus' as const }) },
              {
                type: 'setGuardianStatus',
                params: ({ context }) => ({ childId: context.childId, status: 'awaiting_verification' as const, permissions: context.granted, verificationMethod: 'email_plus' }),
              },
            ],
          },
          {
            guard: 'consents',
            target: 'awaiting_confirmation_delay',
            actions: [
              assign(({ context, event }) => ({ granted: chosen(context, event).plain })),
              { type: 'cancelTimer', params: { name: 'reminder' } },
              { type: 'cancelTimer', params: { name: 'expiry' } },
              { type: 'revokeLinks', params: { purpose: PARENTAL_CONSENT_LINK } },
              { type: 'recordParentalConsent', params: ({ context }) => ({ childId: context.childId, purposes: ['child.collection', ...asFeatures(context.granted)], decision: 'granted' as const, method: 'email_plus' as const }) },
            ],
          },
        ],
        'timer.remind': {
          actions: [
            { type: 'revokeLinks', params: { purpose: PARENTAL_CONSENT_LINK } },
            {
              type: 'sendEmail',
              params: ({ context }) => ({
                to: context.parentEmail,
                template: 'parental-consent-reminder',
                locale: context.locale,
                params: { notice: context.notice },
                // The fresh link works until the expiry timer fires (which deletes everything anyway).
                link: consentLink(context.expiry),
              }),
            },
          ],
        },
        'timer.expired': { target: 'deleted', actions: [{ type: 'eraseChild', params: ({ context }) => ({ childId: context.childId, reason: 'expired' as const }) }] },
      },
    },
    awaiting_stronger_verification: {
      description: 'Disclosing features need a method stronger than email plus: privacy staff verify (signed form, call or video) and approve or reject with a note.',
      on: {
        'staff.approve': {
          target: 'awaiting_confirmation_delay',
          actions: [
            assign(({ context }) => ({ verified: context.requested, requested: [] })),
            {
              type: 'recordParentalConsent',
              params: ({ context, event }) => ({ childId: context.childId, purposes: asFeatures(context.verified), decision: 'granted' as const, method: 'staff_verified' as const, staffId: event.staffId, note: event.note }),
            },
          ],
        },
        'staff.reject': {
          target: 'awaiting_confirmation_delay',
          actions: [
            {
              type: 'recordParentalConsent',
              params: ({ context, event }) => ({ childId: context.childId, purposes: asFeatures(context.requested), decision: 'denied' as const, method: 'staff_verified' as const, staffId: event.staffId, note: event.note }),
            },
            assign({ requested: [] }),
          ],
        },
      },
    },
    awaiting_confirmation_delay: {
      description: 'Email plus: the confirmation mail with a revoke link goes out after EMAIL_PLUS_DELAY; then the account is active.',
      entry: [{ type: 'startTimer', params: ({ context }) => ({ name: 'confirmation', delay: context.confirmationDelay, event: 'timer.confirm' }) }],
      on: {
        'timer.confirm': {
          target: 'active',
          actions: [
            {
              type: 'setGuardianStatus',
              params: ({ context }) => ({
                childId: context.childId,
                status: 'active' as const,
                permissions: [...context.granted, ...context.verified],
                verificationMethod: context.verified.length ? 'staff_verified' : 'email_plus',
              }),
            },
            {
              type: 'sendEmail',
              params: ({ context }) => ({
                to: context.parentEmail,
                template: 'parental-consent-confirmation',
                locale: context.locale,
                params: { childUsername: context.childUsername, permissions: [...context.granted, ...context.verified] },
                link: { purpose: PARENTAL_REVOKE_LINK, event: 'consent.revoke', ttl: context.revokeLinkTtl },
              }),
            },
          ],
        },
        'consent.revoke': { target: 'revoked', actions: [{ type: 'restrictChild', params: ({ context }) => ({ childId: context.childId }) }] },
      },
    },
    active: {
      // A birthday already past (a slow consent) fires at once.
      entry: [{ type: 'startTimer', params: ({ context }) => ({ name: 'age-up', at: context.ageUpAt, event: 'timer.age_up' }) }],
      on: {
        'consent.revoke': { target: 'revoked', actions: [{ type: 'restrictChild', params: ({ context }) => ({ childId: context.childId }) }] },
        'parent.dashboard': {
          actions: [
            { type: 'revokeLinks', params: { purpose: PARENT_DASHBOARD_LINK } },
            {
              type: 'sendEmail',
              params: ({ context }) => ({
                to: context.parentEmail,
                template: 'parent-dashboard',
                locale: context.locale,
                params: { childUsername: context.childUsername },
                link: { purpose: PARENT_DASHBOARD_LINK, event: 'parent.decide', ttl: context.dashboardLinkTtl },
              }),
            },
          ],
        },
        'parent.decide': [
          { guard: 'parentRevokes', target: 'revoked', actions: [{ type: 'restrictChild', params: ({ context }) => ({ childId: context.childId }) }] },
          { guard: 'parentDeletes', target: 'deleted', actions: [{ type: 'eraseChild', params: ({ context }) => ({ childId: context.childId, reason: 'parent_request' as const }) }] },
          {
            // The page offers to switch non-disclosing features on or off and to switch disclosing ones off;
            // switching a disclosing one on again needs a stronger verification, so it is ignored here.
            guard: 'parentChangesPermissions',
            actions: [
              {
                type: 'recordParentalConsent',
                params: ({ context, event }) => ({
                  childId: context.childId,
                  purposes: asFeatures(kept(context, event).plain.filter((k) => !context.granted.includes(k))),
                  decision: 'granted' as const,
                  method: 'email_link' as const,
                }),
              },
              {
                type: 'recordParentalConsent',
                params: ({ context, event }) => ({
                  childId: context.childId,
                  purposes: asFeatures([...context.granted, ...context.verified].filter((k) => !kept(context, event).all.includes(k))),
                  decision: 'withdrawn' as const,
                  method: 'email_link' as const,
                }),
              },
              assign(({ context, event }) => ({ granted: kept(context, event).plain, verified: kept(context, event).disclosing })),
              {
                type: 'setGuardianStatus',
                params: ({ context }) => ({
                  childId: context.childId,
                  status: 'active' as const,
                  permissions: [...context.granted, ...context.verified],
                  verificationMethod: context.verified.length ? 'staff_verified' : 'email_plus',
                }),
              },
            ],
          },
        ],
        'timer.age_up': {
          target: 'aged_up',
          actions: [
            { type: 'ageUpChild', params: ({ context }) => ({ childId: context.childId, threshold: context.threshold }) },
            {
              type: 'sendEmail',
              params: ({ context }) => ({ to: context.parentEmail, template: 'parental-consent-age-up', locale: context.locale, params: { childUsername: context.childUsername, threshold: context.threshold } }),
            },
          ],
        },
      },
    },
    aged_up: { type: 'final', description: 'The child reached the local age of digital consent: the consents are now the teen’s own; the parent was told.' },
    revoked: { type: 'final', description: 'Consent withdrawn: the child account is restricted and collects nothing more.' },
    deleted: { type: 'final', description: 'Declined or no answer in time: the parent’s email and the child’s data are erased; the audit keeps a pseudonymous record.' },
  },
});
