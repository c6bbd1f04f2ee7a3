import type { Policy } from './policy.schema';

/**
 * What a consent record can be about. Cookie categories come from the policy (the strictly
 * necessary one needs no consent, ePrivacy Art 5(3)); the rest are the consent-based processing
 * the policy and the law name.
 */
export const CONSENT_METHODS = [
  'banner', // cookie banner choice
  'settings', // privacy settings / account settings
  'checkbox', // an unticked box at sign-up (Planet49: never pre-ticked)
  'gpc', // Global Privacy Control signal (CCPA §7025)
  'email_plus', // COPPA §312.5(b)(2)(viii)
  'signed_form', // COPPA §312.5(b)(2)(i)
  'staff_verified', // a stronger method verified by privacy staff (call, video, ID)
  'phone_call', // COPPA §312.5(b)(2)(iii): a call with trained personnel (the parent asks, staff call back)
  'video_call', // COPPA §312.5(b)(2)(iv): a video conference with trained personnel
  'email_link', // a link in a mail without sign-in (opt-out by email)
  'system', // a rule applied by Consentry itself (expiry, age-up, revocation)
] as const;
export type ConsentMethod = (typeof CONSENT_METHODS)[number];

export const CONSENT_DECISIONS = ['granted', 'denied', 'withdrawn'] as const;
export type ConsentDecision = (typeof CONSENT_DECISIONS)[number];

export const CONSENT_GIVERS = ['self', 'parent', 'staff', 'system'] as const;
export type ConsentGiver = (typeof CONSENT_GIVERS)[number];

export interface ConsentPurpose {
  key: string;
  name: string;
  /** Where it comes from: a cookie category, or a processing purpose of the policy/law. */
  kind: 'cookie' | 'marketing' | 'sale_share' | 'child';
  citation: string;
}

/** Every purpose a consent can be recorded for under this policy. */
export function consentPurposes(policy: Policy): ConsentPurpose[] {
  return [
    ...policy.cookieCategories
      .filter((c) => !c.strictlyNecessary)
      .map((c) => ({ key: `cookie.${c.key}`, name: c.name, kind: 'cookie' as const, citation: 'ePrivacy Directive Art 5(3); GDPR Art 7' })),
    { key: 'marketing.email', name: 'Marketing emails', kind: 'marketing', citation: 'GDPR Art 6(1)(a), Art 21(2); ePrivacy Art 13' },
    { key: 'sale_share', name: 'Sale or sharing of personal information', kind: 'sale_share', citation: 'Cal. Civ. Code 1798.120, 1798.135' },
    { key: 'child.collection', name: 'Collection and use of a child’s data', kind: 'child', citation: '16 CFR 312.5(a)(1)' },
    { key: 'child.disclosure', name: 'Disclosure of a child’s data to third parties', kind: 'child', citation: '16 CFR 312.5(a)(2)' },
    // One purpose per feature a parent allows separately (a feature that makes data visible is a disclosure).
    ...policy.children.features.map((f) => ({
      key: `child.feature.${f.key}`,
      name: `${f.name} (child account feature)`,
      kind: 'child' as const,
      citation: f.disclosure ? '16 CFR 312.5(a)(2)' : '16 CFR 312.5(a)(1)',
    })),
  ];
}
