import type { ConsentRecord } from '../../entities';
import type { ProcessingPurpose } from '../../policy';
import type { KnownAge } from '../opt-out/subject-age.service';

/** Why processing is allowed or not: stable codes for programs (the `explanation` is for people). */
export enum ProcessingReason {
  CONTRACT = 'CONTRACT',
  LEGITIMATE_INTERESTS = 'LEGITIMATE_INTERESTS',
  LEGAL_OBLIGATION = 'LEGAL_OBLIGATION',
  CONSENT_GIVEN = 'CONSENT_GIVEN',
  PARENT_CONSENT_GIVEN = 'PARENT_CONSENT_GIVEN',
  NOT_OPTED_OUT = 'NOT_OPTED_OUT',
  MINOR_OPTED_IN = 'MINOR_OPTED_IN',
  PARENT_OPTED_IN = 'PARENT_OPTED_IN',
  UNKNOWN_SUBJECT = 'UNKNOWN_SUBJECT',
  ERASED = 'ERASED',
  PENDING_PARENTAL_CONSENT = 'PENDING_PARENTAL_CONSENT',
  RESTRICTED = 'RESTRICTED',
  NO_CONSENT = 'NO_CONSENT',
  NO_PARENTAL_CONSENT = 'NO_PARENTAL_CONSENT',
  CONSENT_WITHDRAWN = 'CONSENT_WITHDRAWN',
  /** A parent revoked consent to a child's account: the data is only kept until its erasure (or a legal hold), nothing else. */
  CONSENT_REVOKED = 'CONSENT_REVOKED',
  CONSENT_EXPIRED = 'CONSENT_EXPIRED',
  OPTED_OUT = 'OPTED_OUT',
  MINOR_NOT_OPTED_IN = 'MINOR_NOT_OPTED_IN',
  CHILD_NO_PARENTAL_OPT_IN = 'CHILD_NO_PARENTAL_OPT_IN',
}

export interface ProcessingDecision {
  allowed: boolean;
  reason: ProcessingReason;
  explanation: string;
}

/** What the decision is made from: the subject's status, known age, and latest consent record per purpose. */
export interface DecisionFacts {
  status: string | null;
  age?: KnownAge;
  /**
   * Latest record per consent purpose (newest wins): the purpose's own, `child.disclosure` for
   * sale/sharing, and `child.collection` for a restricted subject (a parent's revocation).
   */
  latest: Map<string, ConsentRecord>;
  now: Date;
}

const allow = (reason: ProcessingReason, explanation: string): ProcessingDecision => ({ allowed: true, reason, explanation });
const deny = (reason: ProcessingReason, explanation: string): ProcessingDecision => ({ allowed: false, reason, explanation });

const isChild = (age?: KnownAge) => !!age && age.age < age.parentalConsentUnder;

/** The consent purpose whose withdrawal by a parent is the revocation of a child's account (COPPA §312.6(a)(2)). */
export const CHILD_COLLECTION = 'child.collection';

/** A parent's revocation: the child's account consent withdrawn by the parent (the account is then restricted). */
function revokedByParent(facts: DecisionFacts): ConsentRecord | undefined {
  const record = facts.latest.get(CHILD_COLLECTION);
  return record?.decision === 'withdrawn' && record.givenBy === 'parent' ? record : undefined;
}

/**
 * The rule behind `processingAllowed`: pure, so it is tested without a database. Order: the
 * subject's status (unknown, erased, waiting for a parent, a parent's revocation, restricted), then the purpose's legal
 * basis (consent, CCPA sale/sharing with its under-16 opt-in, or a basis that needs no consent).
 */
export function decideProcessing(purpose: ProcessingPurpose, facts: DecisionFacts): ProcessingDecision {
  if (facts.status === null) return deny(ProcessingReason.UNKNOWN_SUBJECT, 'No subject with this id: process nothing for it.');
  if (facts.status === 'erased') return deny(ProcessingReason.ERASED, 'The person’s data was erased: process nothing and delete what you still hold (GDPR Art 17, 19).');
  if (purpose.legalBasis === 'legal_obligation') return allow(ProcessingReason.LEGAL_OBLIGATION, `Allowed: ${purpose.name} is required by law (${purpose.citation}).`);
  if (facts.status === 'pending_parental_consent') {
    return deny(ProcessingReason.PENDING_PARENTAL_CONSENT, 'A child’s account is waiting for a parent’s consent: nothing but what is needed to get that consent may be processed (16 CFR 312.5(c)(1)).');
  }
  // After a parent's revocation the child's account "collects nothing more": its data is only kept
  // until the erasure date (or while a legal hold needs it), which is storage, never a purpose here.
  const revoked = facts.status === 'restricted' ? revokedByParent(facts) : undefined;
  if (revoked) {
    return deny(
      ProcessingReason.CONSENT_REVOKED,
      `Not allowed: a parent revoked consent to the child’s account on ${revoked.recordedAt.toISOString().slice(0, 10)}; the child’s data is only kept until it is erased (or while a legal hold requires it) and may be used for nothing else (16 CFR 312.6(a)(2), 312.10).`,
    );
  }
  if (facts.status === 'restricted' && purpose.stoppedByRestriction) {
    return deny(ProcessingReason.RESTRICTED, `The person restricted processing (GDPR Art 18): ${purpose.name} must stop; storage continues.`);
  }
  if (purpose.saleShare) return decideSaleShare(facts);
  if (purpose.legalBasis === 'consent') return decideConsent(purpose, facts);
  if (purpose.legalBasis === 'contract') return allow(ProcessingReason.CONTRACT, `Allowed: ${purpose.name} is needed for the contract with the person (${purpose.citation}).`);
  return allow(ProcessingReason.LEGITIMATE_INTERESTS, `Allowed: ${purpose.name} rests on legitimate interests (${purpose.citation}); the person may object.`);
}

function decideConsent(purpose: ProcessingPurpose, facts: DecisionFacts): ProcessingDecision {
  const record = facts.latest.get(purpose.consentPurpose!);
  if (!record) return deny(ProcessingReason.NO_CONSENT, `Not allowed: the person has not consented to ${purpose.name}.`);
  if (record.decision === 'withdrawn') return deny(ProcessingReason.CONSENT_WITHDRAWN, `Not allowed: the person withdrew consent to ${purpose.name} on ${record.recordedAt.toISOString().slice(0, 10)}.`);
  if (record.decision !== 'granted') return deny(ProcessingReason.NO_CONSENT, `Not allowed: the person refused ${purpose.name}.`);
  if (record.expiresAt && record.expiresAt.getTime() <= facts.now.getTime()) return deny(ProcessingReason.CONSENT_EXPIRED, `Not allowed: the consent to ${purpose.name} lapsed and must be asked again.`);
  if (isChild(facts.age)) {
    if (record.givenBy !== 'parent') return deny(ProcessingReason.NO_PARENTAL_CONSENT, `Not allowed: the person is a child; only a parent can consent to ${purpose.name} (16 CFR 312.5; GDPR Art 8).`);
    return allow(ProcessingReason.PARENT_CONSENT_GIVEN, `Allowed: a parent consented to ${purpose.name}.`);
  }
  return allow(ProcessingReason.CONSENT_GIVEN, `Allowed: the person consented to ${purpose.name} on ${record.recordedAt.toISOString().slice(0, 10)}.`);
}

/**
 * CCPA sale/sharing: an opt-out always wins; an adult (or a person of unknown age) is in unless
 * they opted out; a consumer known to be under 16 is out unless they opted in at 13–15, or a
 * parent opted in under 13 (a parent's `sale_share` grant or the parent's COPPA consent to
 * disclosure, `child.disclosure`) (Cal. Civ. Code 1798.120(c); 11 CCR 7070).
 */
export function decideSaleShare(facts: Pick<DecisionFacts, 'age' | 'latest'>): ProcessingDecision {
  const sale = facts.latest.get('sale_share');
  const disclosure = facts.latest.get('child.disclosure');
  const parentDisclosure = disclosure?.decision === 'granted' && disclosure.givenBy === 'parent' ? disclosure : undefined;
  const optedOut = sale && sale.decision !== 'granted' && (!parentDisclosure || sale.id > parentDisclosure.id);
  if (optedOut) return deny(ProcessingReason.OPTED_OUT, `Not allowed: the person opted out of sale and sharing on ${sale.recordedAt.toISOString().slice(0, 10)} (Cal. Civ. Code 1798.120).`);
  const age = facts.age;
  if (isChild(age)) {
    if ((sale?.decision === 'granted' && sale.givenBy === 'parent') || parentDisclosure) {
      return allow(ProcessingReason.PARENT_OPTED_IN, 'Allowed: the person is under 13 and a parent opted in to sale or sharing (11 CCR 7070(b); 16 CFR 312.5(a)(2)).');
    }
    return deny(ProcessingReason.CHILD_NO_PARENTAL_OPT_IN, 'Not allowed: the person is under 13; sale or sharing needs a parent’s opt-in (11 CCR 7070(b); 16 CFR 312.5(a)(2)).');
  }
  if (age && age.age < age.saleOptInUnder) {
    if (sale?.decision === 'granted') return allow(ProcessingReason.MINOR_OPTED_IN, `Allowed: the person is ${age.age} and opted in to sale or sharing (11 CCR 7070(a)).`);
    return deny(ProcessingReason.MINOR_NOT_OPTED_IN, `Not allowed: the person is known to be under ${age.saleOptInUnder}; sale or sharing needs their own opt-in (Cal. Civ. Code 1798.120(c); 11 CCR 7070(a)).`);
  }
  return allow(ProcessingReason.NOT_OPTED_OUT, 'Allowed: the person has not opted out of sale or sharing (Cal. Civ. Code 1798.120); honour an opt-out at once when one arrives.');
}
