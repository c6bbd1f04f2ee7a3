import type { ConsentRecord } from '../../src/entities';
import { loadPolicy, processingPurposes } from '../../src/policy';
import { decideProcessing, ProcessingReason } from '../../src/services/processing/processing-decision';
import type { KnownAge } from '../../src/services/opt-out/subject-age.service';

const NOW = new Date('2026-03-02T10:00:00.000Z');
const purposes = new Map(processingPurposes(loadPolicy()).map((p) => [p.key, p]));
const purpose = (key: string) => purposes.get(key)!;

let nextId = 1;
function record(purposeKey: string, decision: string, givenBy = 'self', extra: Partial<ConsentRecord> = {}): ConsentRecord {
  return { id: nextId++, purpose: purposeKey, decision, givenBy, method: 'settings', recordedAt: NOW, expiresAt: null, ...extra } as ConsentRecord;
}
const latest = (...records: ConsentRecord[]) => new Map(records.map((r) => [r.purpose, r]));
const age = (years: number, saleOptInUnder = 16, parentalConsentUnder = 13): KnownAge => ({ age: years, jurisdiction: 'US-CA', saleOptInUnder, parentalConsentUnder });
const decide = (key: string, facts: { status?: string | null; age?: KnownAge; latest?: Map<string, ConsentRecord> }) =>
  decideProcessing(purpose(key), { status: facts.status === undefined ? 'active' : facts.status, age: facts.age, latest: facts.latest ?? new Map(), now: NOW });

describe('processing decisions', () => {
  it('names every purpose with a legal basis, and a consent purpose exactly when consent or opt-out decides', () => {
    for (const p of purposes.values()) expect(!!p.consentPurpose).toBe(p.legalBasis === 'consent' || p.legalBasis === 'opt_out');
    expect([...purposes.keys()]).toEqual(expect.arrayContaining(['account', 'security', 'marketing.email', 'cookie.analytics', 'sale_share']));
  });

  it('treats a consent that lapsed as no consent', () => {
    const lapsed = record('cookie.analytics', 'granted', 'self', { expiresAt: new Date(NOW.getTime() - 1) });
    expect(decide('cookie.analytics', { latest: latest(lapsed) }).reason).toBe(ProcessingReason.CONSENT_EXPIRED);
    const live = record('cookie.analytics', 'granted', 'self', { expiresAt: new Date(NOW.getTime() + 1) });
    expect(decide('cookie.analytics', { latest: latest(live) })).toMatchObject({ allowed: true, reason: ProcessingReason.CONSENT_GIVEN });
  });

  it('asks a parent, not the child, for consent-based purposes under the age of digital consent', () => {
    expect(decide('marketing.email', { age: age(10), latest: latest(record('marketing.email', 'granted', 'self')) }).reason).toBe(ProcessingReason.NO_PARENTAL_CONSENT);
    expect(decide('marketing.email', { age: age(10), latest: latest(record('marketing.email', 'granted', 'parent')) }).reason).toBe(ProcessingReason.PARENT_CONSENT_GIVEN);
  });

  it('lets an opt-out win over an earlier parental disclosure consent, and a later parental consent win over an earlier opt-out', () => {
    const parentFirst = record('child.disclosure', 'granted', 'parent');
    const optOut = record('sale_share', 'denied');
    expect(decide('sale_share', { age: age(10), latest: latest(parentFirst, optOut) }).reason).toBe(ProcessingReason.OPTED_OUT);
    const optOutFirst = record('sale_share', 'denied');
    const parentLater = record('child.disclosure', 'granted', 'parent');
    expect(decide('sale_share', { age: age(10), latest: latest(optOutFirst, parentLater) }).reason).toBe(ProcessingReason.PARENT_OPTED_IN);
    // A disclosure "consent" recorded as the child's own is not a parent's.
    expect(decide('sale_share', { age: age(10), latest: latest(record('child.disclosure', 'granted', 'self')) }).reason).toBe(ProcessingReason.CHILD_NO_PARENTAL_OPT_IN);
  });

  it('applies the under-16 opt-in only where the jurisdiction has it; 16 and over is the adult rule', () => {
    expect(decide('sale_share', { age: age(15) }).reason).toBe(ProcessingReason.MINOR_NOT_OPTED_IN);
    expect(decide('sale_share', { age: age(16) }).reason).toBe(ProcessingReason.NOT_OPTED_OUT);
    expect(decide('sale_share', { age: age(15, 0) }).reason).toBe(ProcessingReason.NOT_OPTED_OUT);
    expect(decide('sale_share', { age: age(15), latest: latest(record('sale_share', 'granted')) }).reason).toBe(ProcessingReason.MINOR_OPTED_IN);
  });

  it('stops restricted processing but not the account, and lets nothing through for an erased or unknown subject', () => {
    expect(decide('service_improvement', { status: 'restricted' }).reason).toBe(ProcessingReason.RESTRICTED);
    expect(decide('security', { status: 'restricted' }).reason).toBe(ProcessingReason.LEGITIMATE_INTERESTS);
    expect(decide('transaction_records', { status: 'erased' }).reason).toBe(ProcessingReason.ERASED);
    expect(decide('account', { status: null }).reason).toBe(ProcessingReason.UNKNOWN_SUBJECT);
  });

  it('after a parent revoked a child’s consent allows nothing but keeping what the law requires: not even the account (CONSENT_REVOKED)', () => {
    const revoked = latest(record('child.collection', 'withdrawn', 'parent'));
    for (const key of purposes.keys()) {
      const decision = decide(key, { status: 'restricted', age: age(9), latest: revoked });
      if (key === 'transaction_records') expect(decision).toMatchObject({ allowed: true, reason: ProcessingReason.LEGAL_OBLIGATION });
      else expect(decision).toMatchObject({ allowed: false, reason: ProcessingReason.CONSENT_REVOKED, explanation: expect.stringContaining('16 CFR 312.6(a)(2), 312.10') });
    }
    // A restriction without a parent's revocation (GDPR Art 18) still lets the account and security run.
    expect(decide('account', { status: 'restricted', latest: latest(record('child.collection', 'withdrawn', 'self')) }).reason).toBe(ProcessingReason.CONTRACT);
    expect(decide('account', { status: 'restricted' }).reason).toBe(ProcessingReason.CONTRACT);
    // An active account is not affected by an old withdrawal record (the status decides first).
    expect(decide('account', { status: 'active', latest: revoked }).reason).toBe(ProcessingReason.CONTRACT);
  });
});
