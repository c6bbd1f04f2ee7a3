import type { Policy } from './policy.schema';

/**
 * The purposes the site's other services ask `processingAllowed` about, as data: each with its
 * legal basis, whether it needs the person's consent (and which consent purpose holds it), and
 * whether a restriction of processing (GDPR Art 18) stops it. Cookie purposes come from the
 * policy's optional cookie categories.
 */
export type ProcessingBasis = 'contract' | 'legitimate_interests' | 'consent' | 'legal_obligation' | 'opt_out';

export interface ProcessingPurpose {
  key: string;
  name: string;
  legalBasis: ProcessingBasis;
  /** The consent purpose (src/policy/consent-purposes.ts) whose grant it needs; absent when no consent is needed. */
  consentPurpose?: string;
  /** CCPA sale/sharing: allowed for adults unless they opted out; opt-in for consumers known to be under 16. */
  saleShare?: boolean;
  /** Art 18 restriction stops it (everything but storage, legal claims and the person's own account). */
  stoppedByRestriction: boolean;
  citation: string;
}

export function processingPurposes(policy: Policy): ProcessingPurpose[] {
  return [
    { key: 'account', name: 'Providing the account and the service the person asked for', legalBasis: 'contract', stoppedByRestriction: false, citation: 'GDPR Art 6(1)(b)' },
    { key: 'security', name: 'Security monitoring and fraud prevention', legalBasis: 'legitimate_interests', stoppedByRestriction: false, citation: 'GDPR Art 6(1)(f), Recital 49' },
    { key: 'transaction_records', name: 'Keeping transaction records the law requires', legalBasis: 'legal_obligation', stoppedByRestriction: false, citation: 'GDPR Art 6(1)(c)' },
    { key: 'service_improvement', name: 'Improving the website and services from usage data', legalBasis: 'legitimate_interests', stoppedByRestriction: true, citation: 'GDPR Art 6(1)(f); Art 18(2)' },
    { key: 'marketing.email', name: 'Marketing emails', legalBasis: 'consent', consentPurpose: 'marketing.email', stoppedByRestriction: true, citation: 'GDPR Art 6(1)(a), Art 21(2); ePrivacy Art 13' },
    ...policy.cookieCategories
      .filter((c) => !c.strictlyNecessary)
      .map((c) => ({
        key: `cookie.${c.key}`,
        name: `${c.name} cookies and the processing they feed`,
        legalBasis: 'consent' as const,
        consentPurpose: `cookie.${c.key}`,
        stoppedByRestriction: true,
        citation: 'ePrivacy Directive Art 5(3); GDPR Art 6(1)(a)',
      })),
    {
      key: 'sale_share',
      name: 'Selling or sharing personal information (cross-context behavioural advertising)',
      legalBasis: 'opt_out',
      consentPurpose: 'sale_share',
      saleShare: true,
      stoppedByRestriction: true,
      citation: 'Cal. Civ. Code 1798.120, 1798.135; 11 CCR 7025, 7026, 7070',
    },
  ];
}
