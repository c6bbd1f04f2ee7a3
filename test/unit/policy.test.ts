import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/config';
import { loadPolicy, mExePolicyForTests } from '../helpers/policy-fixtures';
import { PolicyService } from '../../src/services/policy.service';

describe('the m-exe.com policy as data', () => {
  const policy = loadPolicy();

  it('has the eight data categories of the policy, each with purposes, a legal basis and a retention period', () => {
    expect(policy.dataCategories.map((c) => c.key)).toEqual(['usage', 'account', 'profile', 'service', 'technical', 'communication', 'transaction', 'preference']);
    for (const c of policy.dataCategories) {
      expect(c.contains.length).toBeGreaterThan(0);
      expect(c.purposes.length).toBeGreaterThan(0);
      expect(c.legalBases.length).toBeGreaterThan(0);
    }
  });

  it('keeps each category as long as the policy says', () => {
    const retention = Object.fromEntries(policy.dataCategories.map((c) => [c.key, c.retention]));
    expect(retention.account).toMatchObject({ trigger: 'account_closed', period: { amount: 2, unit: 'year' }, inferred: false });
    expect(retention.usage).toMatchObject({ trigger: 'collected', period: { amount: 12, unit: 'month' } });
    expect(retention.transaction).toMatchObject({ period: { amount: 7, unit: 'year' }, legalObligation: expect.stringContaining('7 years') });
    expect(retention.communication).toMatchObject({ period: { amount: 3, unit: 'year' } });
    expect(retention.technical).toMatchObject({ period: { amount: 6, unit: 'month' } });
    // The policy names no period of their own: the account period applies and says so.
    for (const key of ['profile', 'service', 'preference']) expect(retention[key]).toMatchObject({ trigger: 'account_closed', inferred: true });
  });

  it('has the five GDPR rights of the policy’s table and the right to object, with their deadlines and verification steps', () => {
    const gdpr = Object.fromEntries(policy.rights.filter((r) => r.regime === 'gdpr').map((r) => [r.key, r]));
    // Objection (Art 21) is not in the policy's table: the law grants it, and the data says so.
    expect(Object.keys(gdpr)).toEqual(['access', 'rectification', 'erasure', 'restriction', 'portability', 'objection']);
    expect(gdpr.objection).toMatchObject({ inferred: true, kind: 'objection' });
    expect(gdpr.objection.responseDeadline).toBeUndefined();
    expect(gdpr.access).toMatchObject({ responseDeadline: { amount: 30, unit: 'day' }, verification: ['government_id', 'proof_of_address', 'account_verification'] });
    expect(gdpr.rectification.responseDeadline).toEqual({ amount: 15, unit: 'day' });
    expect(gdpr.erasure.verification).toEqual(['password_confirmation', 'identity_verification', 'explicit_confirmation']);
    expect(gdpr.restriction.responseDeadline).toEqual({ amount: 7, unit: 'day' });
    expect(gdpr.portability.verification).toContain('two_factor_authentication');
  });

  it('has CCPA and COPPA rights, the retention exceptions, four cookie categories and the 48-hour promise', () => {
    expect(policy.rights.find((r) => r.key === 'ccpa_opt_out')).toMatchObject({ responseDeadline: { amount: 15, unit: 'business_day' }, verification: [] });
    expect(policy.rights.some((r) => r.regime === 'coppa')).toBe(true);
    expect(policy.retentionExceptions.map((e) => e.key)).toEqual(['legal_obligation', 'dispute_resolution', 'security_investigation']);
    expect(policy.cookieCategories.map((c) => [c.key, c.strictlyNecessary])).toEqual([
      ['essential', true],
      ['functional', false],
      ['analytics', false],
      ['performance', false],
    ]);
    expect(policy.contact.inquiryResponse).toEqual({ amount: 48, unit: 'hour' });
    expect(policy.internationalTransfers.safeguards).toContain('Standard Contractual Clauses');
  });

  it('limits what a child’s account collects and marks features that disclose', () => {
    expect(policy.children.collected.map((c) => c.category)).toEqual(['account', 'profile', 'preference', 'usage', 'technical']);
    expect(policy.children.features.filter((f) => f.disclosure).map((f) => f.key)).toEqual(['public_profile', 'community_posting']);
  });

  it('is frozen: nothing at run time can change the policy in force', () => {
    expect(Object.isFrozen(policy.dataCategories[0].retention)).toBe(true);
  });
});

describe('jurisdictions', () => {
  const service = new PolicyService(loadPolicy());

  it.each([
    ['DE', undefined, 16, 'gdpr'],
    ['FR', undefined, 15, 'gdpr'],
    ['AT', undefined, 14, 'gdpr'],
    ['GB', undefined, 13, 'uk_gdpr'],
    ['US', undefined, 13, 'coppa'],
    ['US', 'CA', 13, 'coppa'],
    ['US', 'TX', 13, 'coppa'],
    ['BR', undefined, 16, 'none'],
  ])('%s %s: parental consent below %d (%s)', (country, region, age, regime) => {
    const rule = service.jurisdiction(country, region);
    expect(rule.ageOfDigitalConsent).toBe(age);
    expect(rule.regime).toBe(regime);
    expect(rule.citation.length).toBeGreaterThan(5);
  });

  it('knows France’s joint consent and California’s sale opt-in under 16', () => {
    expect(service.jurisdiction('FR').jointConsentUnder).toBe(15);
    expect(service.jurisdiction('US', 'CA').saleOptInUnder).toBe(16);
  });

  it('lets a site set its own age per jurisdiction', () => {
    const own = new PolicyService(loadPolicy(writePolicy({ ...mExePolicyForTests, ageOfConsentOverrides: { GB: 16 } })));
    expect(own.jurisdiction('GB')).toMatchObject({ ageOfDigitalConsent: 16, overridden: true });
    expect(own.jurisdiction('DE')).toMatchObject({ ageOfDigitalConsent: 16, overridden: false });
  });
});

describe('POLICY_FILE', () => {
  it('loads a site’s own policy', () => {
    const policy = loadPolicy(writePolicy({ ...mExePolicyForTests, id: 'other_site', version: '3' }));
    expect(policy.id).toBe('other_site');
  });

  it.each([
    [{ ...mExePolicyForTests, dataCategories: [] }, /dataCategories: /],
    [{ ...mExePolicyForTests, cookieCategories: mExePolicyForTests.cookieCategories.map((c: any) => ({ ...c, strictlyNecessary: false })) }, /strictly necessary/],
    [{ ...mExePolicyForTests, rights: [...mExePolicyForTests.rights, mExePolicyForTests.rights[0]] }, /duplicate key "access"/],
    [{ ...mExePolicyForTests, disclosures: [{ key: 'ads', recipient: 'Ad network', purpose: 'ads', categories: ['shoe_size'] }] }, /unknown data category "shoe_size"/],
  ])('rejects an invalid document with the field that is wrong (%#)', (doc, message) => {
    expect(() => loadPolicy(writePolicy(doc))).toThrow(ConfigError);
    expect(() => loadPolicy(writePolicy(doc))).toThrow(message);
  });

  it('rejects a file that is not JSON', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'policy-')), 'p.json');
    writeFileSync(file, '{ nope');
    expect(() => loadPolicy(file)).toThrow(/is not valid JSON/);
  });
});

function writePolicy(doc: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'policy-')), 'policy.json');
  writeFileSync(file, JSON.stringify(doc));
  return file;
}
