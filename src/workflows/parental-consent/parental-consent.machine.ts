import { assign, setup } from 'xstate';
import type { DirectNotice } from '../../services/children/direct-notice';
import { effect, type CancelTimerParams, type Delay, type RevokeLinksParams, type SendEmailParams, type StartTimerParams } from '../runtime/actions';

/**
 * Verifiable parental consent for a child account (COPPA 16 CFR 312.5, 2025 Rule).
 *
 *   awaiting_consent ──consent.respond(consent)──▶ awaiting_confirmation_delay ──timer.confirm──▶ active ──consent.revoke──▶ revoked
 *        │                  └─(with disclosure features)─▶ awaiting_stronger_verification ──staff.approve|staff.reject──▶ awaiting_confirmation_delay
 *        │                        parent.verify (the verification page: a signed form uploaded, or a call / video check asked for);
 *        │                        timer.verification_remind; timer.verification_expired (nothing returned in time: the
 *        │                        disclosing features are denied by the system) ──▶ awaiting_confirmation_delay
 *        ├─consent.respond(decline)─▶ deleted
 *        └─timer.expired─▶ deleted        (timer.remind: a reminder with a fresh link, PARENTAL_CONSENT_REMINDER before)
 *   active ──timer.age_up (the birthday at the local threshold)──▶ aged_up: control moves to the teen, the parent is told
 *   active: parent.dashboard mails the parent a one-use dashboard link; its page (parent.decide) changes
 *           permissions, revokes (→ revoked) or deletes everything (→ deleted)
 *   revoked: the parent is told the date the retention ends (PARENTAL_REVOKED_RETENTION, COPPA §312.10);
 *           until then the dashboard shows the data and offers only deletion (parent.decide delete → deleted);
 *           timer.retention_ended erases (→ deleted). Consenting again needs a new registration.
 *   aged_up is reached through awaiting_teen_confirmation: the age-up mail gives the parent a one-use
 *           handover link for the teen; the teen keeps or changes each setting (teen.confirm, their own
 *           consent records), or the settings stay as they are when the link expires (timer.teen_expired).
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
/** The page where a parent returns a signed consent form or asks for a call / video check. */
export const PARENTAL_VERIFICATION_LINK = 'parental-verification';

/** The stronger methods a parent can offer on the verification page (COPPA §312.5(b)(2)(i), (iii), (iv)). */
export type ParentVerificationMethod = 'signed_form' | 'phone_call' | 'video_call';
export const TEEN_HANDOVER_LINK = 'teen-handover';

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
  /** After a revocation, how long the child's data is kept before it is erased (COPPA §312.10); absent in early v2 rows: 30d. */
  revokedRetention?: Delay;
  /** How long the teen's handover link (in the age-up mail to the parent) works; absent in early v2 rows: 30d. */
  teenLinkTtl?: Delay;
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
  /** What the parent returned on the verification page (the ParentalEvidence row), if anything yet. */
  evidence?: { id: string; method: ParentVerificationMethod };
  /** The stronger method by which staff approved the disclosing features (absent in rows approved before it was kept). */
  verifiedBy?: RecordParentalConsentParams['method'];
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
  | ParentDecideEvent
  | ParentVerifyEvent
  | { type: 'timer.verification_remind' }
  | { type: 'timer.verification_expired' }
  | { type: 'timer.retention_ended' }
  | TeenConfirmEvent
  | { type: 'timer.teen_expired' };

/**
 * The verification page's answer: a signed form (its bytes as base64, type sniffed and size checked
 * by the service) or a call / video request with the contact to use. `evidenceId` names the row the
 * `storeParentalEvidence` effect writes; only it (never the bytes or the contact) enters the context.
 */
export type ParentVerifyEvent = {
  type: 'parent.verify';
  method: ParentVerificationMethod;
  evidenceId: string;
  contentType?: string;
  content?: string;
  byteSize?: number;
  sha256?: string;
  contact?: string;
  preferredTime?: string;
};

export type StoreParentalEvidenceParams = Omit<ParentVerifyEvent, 'type'> & { childId: string };

/** The teen's answer on the handover page: the features they keep on (any of the policy's, disclosing ones too: they are at the age of digital consent). */
export type TeenConfirmEvent = { type: 'teen.confirm'; features?: string[] };

export interface RecordTeenConsentParams {
  childId: string;
  /** The features the teen chose (granted) and those they switched off (withdrawn). */
  granted: string[];
  withdrawn: string[];
}

/** The parent dashboard page's answer: keep these features (permissions), revoke consent, or delete the child's data. */
export type ParentDecideEvent = { type: 'parent.decide'; action: 'permissions' | 'revoke' | 'delete'; features?: string[] };

export interface RecordParentalConsentParams {
  childId: string;
  purposes: string[];
  decision: 'granted' | 'denied' | 'withdrawn';
  method: 'email_plus' | 'staff_verified' | 'signed_form' | 'phone_call' | 'video_call' | 'email_link' | 'system';
  staffId?: string;
  note?: string;
  /** The ParentalEvidence row that proves it (a signed form, a call request). */
  evidenceId?: string;
}

export interface GuardianStatusParams {
  childId: string;
  status: 'awaiting_verification' | 'active';
  permissions: string[];
  verificationMethod: string;
}

const asFeatures = (keys: readonly string[]) => keys.map((k) => `child.feature.${k}`);
const withoutType = (event: ParentalConsentEvent): Omit<ParentVerifyEvent, 'type'> => {
  const { type: _type, ...rest } = event as ParentVerifyEvent;
  return rest;
};

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

/** The teen's choice on the handover page: the policy's features they ticked. */
function teenChoice(context: ParentalConsentContext, event: ParentalConsentEvent): string[] {
  const asked = event.type === 'teen.confirm' ? (event.features ?? []) : [];
  return context.features.filter((f) => asked.includes(f.key)).map((f) => f.key);
}

/** parent.dashboard: a fresh one-use dashboard link to the parent (the page of a revoked consent offers only deletion). */
const dashboardMail = (revoked: boolean) => [
  { type: 'revokeLinks' as const, params: { purpose: PARENT_DASHBOARD_LINK } },
  {
    type: 'sendEmail' as const,
    params: ({ context }: { context: ParentalConsentContext }): SendEmailParams => ({
      to: context.parentEmail,
      template: 'parent-dashboard',
      locale: context.locale,
      params: { childUsername: context.childUsername, ...(revoked ? { revoked: true } : {}) },
      link: { purpose: PARENT_DASHBOARD_LINK, event: 'parent.decide', ttl: context.dashboardLinkTtl },
    }),
  },
];

const DEFAULT_REVOKED_RETENTION = '30d';
const DEFAULT_TEEN_LINK_TTL = '30d';

const consentLink = (ttl: Delay) => ({ purpose: PARENTAL_CONSENT_LINK, event: 'consent.respond', ttl });
const verificationLink = (ttl: Delay) => ({ purpose: PARENTAL_VERIFICATION_LINK, event: 'parent.verify', ttl });

/** The method a staff decision records: the one staff name, else what the parent returned, else staff_verified. */
function decidedMethod(context: ParentalConsentContext, event: ParentalConsentEvent): RecordParentalConsentParams['method'] {
  const named = event.type === 'staff.approve' || event.type === 'staff.reject' ? event.method : undefined;
  if (named === 'signed_form' || named === 'phone_call' || named === 'video_call' || named === 'staff_verified') return named;
  return context.evidence?.method ?? 'staff_verified';
}

const verificationMail = (context: ParentalConsentContext, template: string) => ({
  to: context.parentEmail,
  template,
  locale: context.locale,
  params: { childUsername: context.childUsername, features: context.requested },
  // Works until the verification expiry (leaving the state revokes it anyway).
  link: verificationLink(context.expiry),
});

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
    eraseChild: effect<{ childId: string; reason: 'declined' | 'expired' | 'parent_request' | 'retention_ended' }>(),
    restrictChild: effect<{ childId: string }>(),
    ageUpChild: effect<{ childId: string; threshold: number }>(),
    storeParentalEvidence: effect<StoreParentalEvidenceParams>(),
    recordTeenConsent: effect<RecordTeenConsentParams>(),
    teenConfirmationLapsed: effect<{ childId: string; features: string[] }>(),
  },
  guards: {
    declines: ({ event }) => event.type === 'consent.respond' && event.decision === 'decline',
    consentsWithDisclosure: ({ context, event }) => event.type === 'consent.respond' && event.decision === 'consent' && chosen(context, event).disclosing.length > 0,
    consents: ({ event }) => event.type === 'consent.respond' && event.decision === 'consent',
    parentRevokes: ({ event }) => event.type === 'parent.decide' && event.action === 'revoke',
    parentDeletes: ({ event }) => event.type === 'parent.decide' && event.action === 'delete',
    parentChangesPermissions: ({ event }) => event.type === 'parent.decide' && event.action === 'permissions',
    submitsSignedForm: ({ context, event }) => event.type === 'parent.verify' && !context.evidence && event.method === 'signed_form' && !!event.content && !!event.evidenceId,
    requestsCall: ({ context, event }) =>
      event.type === 'parent.verify' && !context.evidence && (event.method === 'phone_call' || event.method === 'video_call') && !!event.contact && !!event.evidenceId,
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
      description:
        'Disclosing features need a method stronger than email plus: the parent returns a signed form or asks for a call or video check on the verification page; privacy staff verify and approve or reject with a note. Nothing returned in time: the request lapses.',
      entry: [
        { type: 'sendEmail', params: ({ context }) => verificationMail(context, 'parental-verification-request') },
        { type: 'startTimer', params: ({ context }) => ({ name: 'verification-reminder', delay: context.reminderAt, event: 'timer.verification_remind' }) },
        { type: 'startTimer', params: ({ context }) => ({ name: 'verification-expiry', delay: context.expiry, event: 'timer.verification_expired' }) },
      ],
      exit: [
        { type: 'cancelTimer', params: { name: 'verification-reminder' } },
        { type: 'cancelTimer', params: { name: 'verification-expiry' } },
        { type: 'revokeLinks', params: { purpose: PARENTAL_VERIFICATION_LINK } },
      ],
      on: {
        'staff.approve': {
          target: 'awaiting_confirmation_delay',
          actions: [
            assign(({ context, event }) => ({ verified: context.requested, requested: [], verifiedBy: decidedMethod(context, event) })),
            {
              type: 'recordParentalConsent',
              params: ({ context, event }) => ({
                childId: context.childId,
                purposes: asFeatures(context.verified),
                decision: 'granted' as const,
                method: decidedMethod(context, event),
                staffId: event.staffId,
                note: event.note,
                ...(context.evidence ? { evidenceId: context.evidence.id } : {}),
              }),
            },
          ],
        },
        'staff.reject': {
          target: 'awaiting_confirmation_delay',
          actions: [
            {
              type: 'recordParentalConsent',
              params: ({ context, event }) => ({
                childId: context.childId,
                purposes: asFeatures(context.requested),
                decision: 'denied' as const,
                method: decidedMethod(context, event),
                staffId: event.staffId,
                note: event.note,
                ...(context.evidence ? { evidenceId: context.evidence.id } : {}),
              }),
            },
            assign({ requested: [] }),
          ],
        },
        'parent.verify': [
          {
            // The evidence row is written in the same transaction as this step; the wait is now on staff.
            guard: 'submitsSignedForm',
            actions: [
              { type: 'storeParentalEvidence', params: ({ context, event }) => ({ ...withoutType(event), childId: context.childId }) },
              assign(({ event }) => ({ evidence: { id: (event as ParentVerifyEvent).evidenceId, method: 'signed_form' as const } })),
              { type: 'cancelTimer', params: { name: 'verification-reminder' } },
              { type: 'cancelTimer', params: { name: 'verification-expiry' } },
            ],
          },
          {
            guard: 'requestsCall',
            actions: [
              { type: 'storeParentalEvidence', params: ({ context, event }) => ({ ...withoutType(event), childId: context.childId }) },
              assign(({ event }) => ({ evidence: { id: (event as ParentVerifyEvent).evidenceId, method: (event as ParentVerifyEvent).method } })),
              { type: 'cancelTimer', params: { name: 'verification-reminder' } },
              { type: 'cancelTimer', params: { name: 'verification-expiry' } },
            ],
          },
        ],
        'timer.verification_remind': {
          actions: [
            { type: 'revokeLinks', params: { purpose: PARENTAL_VERIFICATION_LINK } },
            { type: 'sendEmail', params: ({ context }) => verificationMail(context, 'parental-verification-reminder') },
          ],
        },
        'timer.verification_expired': {
          // A reasonable time passed without a form or a call request: the disclosing features lapse
          // (denied by the system); the account goes on with what email plus allowed for (a).
          target: 'awaiting_confirmation_delay',
          actions: [
            { type: 'recordParentalConsent', params: ({ context }) => ({ childId: context.childId, purposes: asFeatures(context.requested), decision: 'denied' as const, method: 'system' as const }) },
            {
              type: 'sendEmail',
              params: ({ context }) => ({
                to: context.parentEmail,
                template: 'parental-verification-expired',
                locale: context.locale,
                params: { childUsername: context.childUsername, features: context.requested, permissions: context.granted },
              }),
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
                verificationMethod: context.verified.length ? (context.verifiedBy ?? 'staff_verified') : 'email_plus',
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
        'parent.dashboard': { actions: dashboardMail(false) },
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
                  verificationMethod: context.verified.length ? (context.verifiedBy ?? 'staff_verified') : 'email_plus',
                }),
              },
            ],
          },
        ],
        'timer.age_up': {
          target: 'awaiting_teen_confirmation',
          actions: [
            { type: 'revokeLinks', params: { purpose: PARENT_DASHBOARD_LINK } },
            { type: 'revokeLinks', params: { purpose: PARENTAL_REVOKE_LINK } },
            { type: 'ageUpChild', params: ({ context }) => ({ childId: context.childId, threshold: context.threshold }) },
            {
              type: 'sendEmail',
              params: ({ context }) => ({
                to: context.parentEmail,
                template: 'parental-consent-age-up',
                locale: context.locale,
                params: { childUsername: context.childUsername, threshold: context.threshold, jointConsent: context.jointConsent === true, permissions: [...context.granted, ...context.verified] },
                link: { purpose: TEEN_HANDOVER_LINK, event: 'teen.confirm', ttl: context.teenLinkTtl ?? DEFAULT_TEEN_LINK_TTL },
              }),
            },
            { type: 'startTimer', params: ({ context }) => ({ name: 'teen-confirmation', delay: context.teenLinkTtl ?? DEFAULT_TEEN_LINK_TTL, event: 'timer.teen_expired' }) },
          ],
        },
      },
    },
    awaiting_teen_confirmation: {
      description: 'The teen reached the local age of digital consent: the parent passes on a one-use link; the teen keeps or changes each setting, or they stay as they are when the link expires.',
      on: {
        'teen.confirm': {
          target: 'aged_up',
          actions: [
            {
              type: 'recordTeenConsent',
              params: ({ context, event }) => ({
                childId: context.childId,
                granted: teenChoice(context, event),
                withdrawn: [...context.granted, ...context.verified].filter((k) => !teenChoice(context, event).includes(k)),
              }),
            },
            assign(({ context, event }) => ({ granted: teenChoice(context, event), verified: [] })),
          ],
        },
        'timer.teen_expired': {
          target: 'aged_up',
          actions: [{ type: 'teenConfirmationLapsed', params: ({ context }) => ({ childId: context.childId, features: [...context.granted, ...context.verified] }) }],
        },
      },
    },
    aged_up: { type: 'final', description: 'The consents are the teen’s own: confirmed or changed by the teen, or kept as they were when the handover link expired.' },
    revoked: {
      description: 'Consent withdrawn: the account is restricted and collects nothing more. The parent may still review and delete; the data is erased when the retention ends (COPPA §312.10).',
      entry: [
        { type: 'cancelTimer', params: { name: 'age-up' } },
        { type: 'revokeLinks', params: { purpose: PARENTAL_REVOKE_LINK } },
        { type: 'startTimer', params: ({ context }) => ({ name: 'retention', delay: context.revokedRetention ?? DEFAULT_REVOKED_RETENTION, event: 'timer.retention_ended' }) },
        {
          type: 'sendEmail',
          params: ({ context }) => ({
            to: context.parentEmail,
            template: 'parental-consent-revoked',
            locale: context.locale,
            params: { childUsername: context.childUsername },
            dates: { deleteAt: context.revokedRetention ?? DEFAULT_REVOKED_RETENTION },
          }),
        },
      ],
      on: {
        'parent.dashboard': { actions: dashboardMail(true) },
        // Only deletion: permissions cannot change, and consenting again needs a new registration.
        'parent.decide': { guard: 'parentDeletes', target: 'deleted', actions: [{ type: 'eraseChild', params: ({ context }) => ({ childId: context.childId, reason: 'parent_request' as const }) }] },
        'timer.retention_ended': { target: 'deleted', actions: [{ type: 'eraseChild', params: ({ context }) => ({ childId: context.childId, reason: 'retention_ended' as const }) }] },
      },
    },
    deleted: { type: 'final', description: 'Declined, no answer in time, the parent’s deletion or the end of the retention after a revocation: the parent’s email and the child’s data are erased; the audit keeps a pseudonymous record.' },
  },
});
