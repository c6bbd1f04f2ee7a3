import { loadPolicy } from '../../src/policy';
import { directNotice } from '../../src/services/children/direct-notice';
import { mExePolicyForTests } from '../helpers/policy-fixtures';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const deleteBy = new Date('2026-03-16T10:00:00Z');

describe('COPPA direct notice', () => {
  const policy = loadPolicy();

  it('has every element of 16 CFR 312.4(c)(1), from the policy data', () => {
    const notice = directNotice(policy, { childUsername: 'skater_kid', deleteBy, locale: 'en' });
    expect(notice.sections.map((s) => s.element)).toEqual([
      '312.4(c)(1)(i)', '312.4(c)(1)(ii)', '312.4(c)(1)(iii)', '312.4(c)(1)(iv)', '312.4(c)(1)(v)', '312.4(c)(1)(vi)', '312.4(c)(1)(vii)',
    ]);
    const text = JSON.stringify(notice);
    expect(text).toContain('“skater_kid”');
    expect(text).toContain('Account data: username, date of birth, country, parent’s email address');
    expect(text).toContain('Public profile: Other users can see');
    expect(text).toContain('https://m-exe.com/privacy');
    expect(text).toContain('Retained for 12 months'); // usage data retention, from the policy
    expect(text).toContain('March 16, 2026');
    expect(text).not.toContain('Transaction'); // not collected from children: not in the notice
  });

  it('tells the parent of a joint consent (France under 15) only when the consent is joint, in English and German', () => {
    const joint = { under: 15, source: 'French Loi Informatique et Libertés Art 45' };
    const en = directNotice(policy, { childUsername: 'petit', deleteBy, locale: 'en', jointConsent: joint });
    expect(en.sections.map((s) => s.element)).toContain('GDPR Art 8(1), joint consent');
    expect(JSON.stringify(en)).toContain('Your child “petit” has already agreed; your consent completes the joint consent.');
    const de = directNotice(policy, { childUsername: 'petit', deleteBy, locale: 'de', jointConsent: joint });
    expect(JSON.stringify(de)).toContain('Ihr Kind „petit“ hat bereits zugestimmt');
    expect(JSON.stringify(directNotice(policy, { childUsername: 'petit', deleteBy, locale: 'en' }))).not.toContain('joint');
  });

  it('says nothing is disclosed when the policy has no disclosing feature or third party', () => {
    const quiet = loadPolicy(write({ ...mExePolicyForTests, children: { ...mExePolicyForTests.children, features: [] } }));
    const notice = directNotice(quiet, { childUsername: 'a', deleteBy, locale: 'en' });
    expect(notice.sections.map((s) => s.element)).not.toContain('312.4(c)(1)(iv)');
    expect(JSON.stringify(notice)).toContain('We do not give your child’s information to third parties.');
  });

  it('is written in German for German-speaking parents', () => {
    const notice = directNotice(policy, { childUsername: 'a', deleteBy, locale: 'de' });
    expect(notice.subject).toBe('Ihre Einwilligung für das Konto Ihres Kindes bei m-exe.com');
    expect(JSON.stringify(notice)).toContain('16. März 2026');
  });
});

function write(doc: unknown) {
  const file = join(mkdtempSync(join(tmpdir(), 'policy-')), 'p.json');
  writeFileSync(file, JSON.stringify(doc));
  return file;
}
