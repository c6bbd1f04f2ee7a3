import type { Period } from './policy.schema';

/**
 * Legal facts behind the policy, with their sources (shared/REGULATIONS.md). Law moves: change a
 * number here, with its citation, never in a workflow or a resolver.
 */

export type Regime = 'gdpr' | 'uk_gdpr' | 'coppa' | 'none';

export interface JurisdictionRule {
  /** ISO 3166-1 alpha-2 country, or country-subdivision (US-CA). */
  code: string;
  name: string;
  regime: Regime;
  /** Below this age a child cannot consent alone to an information society service / online collection. */
  ageOfDigitalConsent: number;
  citation: string;
  /** France: under this age consent is given jointly by the child and a parent. */
  jointConsentUnder?: number;
  /** Under this age sale/sharing of personal information needs opt-in instead of opt-out (CCPA). */
  saleOptInUnder?: number;
  note?: string;
}

const GDPR_ART_8 = 'GDPR Art 8(1)';
/** The national law's own section is not confirmed in our sources: cite the collected table. */
const NATIONAL = 'national implementing law (age as collected in REGULATIONS.md §2)';

const gdpr = (code: string, name: string, age: number, law: string, note?: string): JurisdictionRule => ({
  code,
  name,
  regime: 'gdpr',
  ageOfDigitalConsent: age,
  citation: `${GDPR_ART_8}; ${law}`,
  ...(note ? { note } : {}),
});

/** GDPR Art 8 ages per member state (and EEA), as listed in REGULATIONS.md §2. */
export const JURISDICTIONS: readonly JurisdictionRule[] = [
  gdpr('AT', 'Austria', 14, 'Austrian DSG §4(4)'),
  gdpr('BE', 'Belgium', 13, 'Belgian Data Protection Act 2018, Art 7'),
  gdpr('BG', 'Bulgaria', 14, NATIONAL),
  gdpr('HR', 'Croatia', 16, NATIONAL),
  gdpr('CY', 'Cyprus', 14, NATIONAL),
  gdpr('CZ', 'Czechia', 15, NATIONAL),
  gdpr('DK', 'Denmark', 15, 'Danish Data Protection Act s.6(2), as amended from 1 Jan 2024 (was 13)'),
  gdpr('EE', 'Estonia', 13, NATIONAL),
  gdpr('FI', 'Finland', 13, NATIONAL),
  {
    ...gdpr('FR', 'France', 15, 'French Loi Informatique et Libertés Art 45'),
    jointConsentUnder: 15,
    note: 'Under 15, consent is given jointly by the child and a holder of parental authority.',
  },
  gdpr('DE', 'Germany', 16, 'no national derogation: the GDPR default applies'),
  gdpr('GR', 'Greece', 15, NATIONAL),
  gdpr('HU', 'Hungary', 16, 'no national derogation: the GDPR default applies'),
  gdpr('IS', 'Iceland', 13, NATIONAL),
  gdpr('IE', 'Ireland', 16, 'Irish Data Protection Act 2018, s.31'),
  gdpr('IT', 'Italy', 14, 'Italian Privacy Code Art 2-quinquies'),
  gdpr('LV', 'Latvia', 13, NATIONAL),
  gdpr('LI', 'Liechtenstein', 16, 'no national derogation: the GDPR default applies'),
  gdpr('LT', 'Lithuania', 14, NATIONAL),
  gdpr('LU', 'Luxembourg', 16, 'no national derogation: the GDPR default applies'),
  gdpr('MT', 'Malta', 13, NATIONAL),
  gdpr('NL', 'Netherlands', 16, 'Dutch GDPR Implementation Act, Art 5'),
  gdpr('NO', 'Norway', 13, 'Norwegian Personal Data Act s.5', 'A raise to 15 has been proposed.'),
  gdpr('PL', 'Poland', 16, 'no national derogation: the GDPR default applies'),
  gdpr('PT', 'Portugal', 13, 'Portuguese Law 58/2019, Art 16', 'A change is pending.'),
  gdpr('RO', 'Romania', 16, 'no national derogation: the GDPR default applies'),
  gdpr('SK', 'Slovakia', 16, 'Slovak Act 18/2018, s.15'),
  gdpr('SI', 'Slovenia', 15, NATIONAL, 'Not confirmed: sources give 15 or 16; the lower bound of protection is not assumed, review with counsel.'),
  gdpr('ES', 'Spain', 14, 'Spanish LOPDGDD Art 7'),
  gdpr('SE', 'Sweden', 13, 'Swedish Data Protection Act, ch.2 s.4'),
  {
    code: 'GB',
    name: 'United Kingdom',
    regime: 'uk_gdpr',
    ageOfDigitalConsent: 13,
    citation: 'UK GDPR Art 8; Data Protection Act 2018 s.9',
    note: 'Children’s Wellbeing and Schools Act 2026 s.72 lets regulations set the age between 13 and 16, per kind of service.',
  },
  {
    code: 'US',
    name: 'United States',
    regime: 'coppa',
    ageOfDigitalConsent: 13,
    citation: 'COPPA, 15 U.S.C. 6501(1); 16 CFR 312.2 (definition of child), 312.5 (verifiable parental consent)',
  },
  {
    code: 'US-CA',
    name: 'California',
    regime: 'coppa',
    ageOfDigitalConsent: 13,
    citation: 'COPPA, 16 CFR 312.2; CCPA, Cal. Civ. Code 1798.120(c)',
    saleOptInUnder: 16,
    note: 'Sale or sharing of data of a consumer known to be under 16 needs opt-in: by the consumer at 13–15, by a parent under 13.',
  },
];

/**
 * Where no rule for the jurisdiction is known, the most protective common line applies: the GDPR
 * default of 16. A product choice, not a legal fact: a site overrides it per jurisdiction.
 */
export const FALLBACK_JURISDICTION: JurisdictionRule = {
  code: 'ZZ',
  name: 'Other or unknown jurisdiction',
  regime: 'none',
  ageOfDigitalConsent: 16,
  citation: `${GDPR_ART_8} default, applied where no rule for the jurisdiction is known (product choice)`,
};

export interface RegulatoryDeadline {
  key: string;
  name: string;
  period: Period;
  extension?: Period;
  citation: string;
}

/** Deadlines the law sets for privacy requests (REGULATIONS.md §2, §3). */
export const REGULATORY_DEADLINES: readonly RegulatoryDeadline[] = [
  { key: 'gdpr_response', name: 'Answer a data subject request', period: { amount: 1, unit: 'month' }, extension: { amount: 2, unit: 'month' }, citation: 'GDPR Art 12(3)' },
  { key: 'gdpr_no_action', name: 'Give reasons and remedies when not acting on a request', period: { amount: 1, unit: 'month' }, citation: 'GDPR Art 12(4)' },
  { key: 'ccpa_confirm_receipt', name: 'Confirm receipt of a request to know or delete', period: { amount: 10, unit: 'business_day' }, citation: '11 CCR 7021(a)' },
  { key: 'ccpa_response', name: 'Respond to a request to know, delete or correct', period: { amount: 45, unit: 'day' }, extension: { amount: 45, unit: 'day' }, citation: '11 CCR 7021(b)' },
  { key: 'ccpa_opt_out', name: 'Make an opt-out of sale/sharing effective', period: { amount: 15, unit: 'business_day' }, citation: '11 CCR 7026(f)' },
  { key: 'ccpa_opt_in_wait', name: 'Wait before asking an opted-out consumer to opt back in', period: { amount: 12, unit: 'month' }, citation: 'Cal. Civ. Code 1798.135(c)(4)' },
  { key: 'ccpa_request_records', name: 'Keep records of consumer requests', period: { amount: 24, unit: 'month' }, citation: '11 CCR 7101(a)' },
];
