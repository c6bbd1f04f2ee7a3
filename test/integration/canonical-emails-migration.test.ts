import { randomUUID } from 'node:crypto';
import { GuardianLink, Subject } from '../../src/entities';
import { canonicalizeStoredEmails } from '../../src/migrations/canonical-emails';
import { newSubjectRow } from '../../src/services/identity/subject.service';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

/** The CanonicalEmails migration's data step (issue 11 §8), on the dialect under test. */
describe('canonical stored email addresses', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(() => env?.stop());

  const subject = async (email: string) => {
    const id = randomUUID();
    await env.app.dataSource.manager.insert(Subject, newSubjectRow(env.clock.now(), { id, email, passwordHash: null, passwordChangedAt: null, status: 'active', roles: 'subject', displayName: 'S', locale: 'en', country: 'US' }));
    return id;
  };
  const emailOf = async (id: string) => (await env.app.dataSource.manager.findOneByOrFail(Subject, { id })).email;

  it('rewrites quoted local parts and Unicode domains, leaves plain ones and never makes two accounts share an address', async () => {
    const quoted = await subject('"q1"@example.com');
    const idn = await subject('p1@bücher.de');
    const escaped = await subject('"\\e1"@example.com');
    const plain = await subject('plain1@example.com');
    const holder = await subject('dup1@example.com');
    const duplicate = await subject('"dup1"@example.com');
    const linkId = randomUUID();
    await env.app.dataSource.manager.insert(GuardianLink, {
      id: linkId, childId: plain, parentEmail: '"parent1"@example.com', parentSubjectId: null, status: 'pending', verificationMethod: null,
      permissions: '[]', childBirthDate: '2016-06-05', jurisdiction: 'US', workflowId: randomUUID(), consentedAt: null, createdAt: env.clock.now(), updatedAt: env.clock.now(),
    });

    const runner = env.app.dataSource.createQueryRunner();
    try {
      await canonicalizeStoredEmails(runner, env.app.dataSource.options.type === 'better-sqlite3' ? 'sqlite' : 'mysql');
    } finally {
      await runner.release();
    }

    expect(await emailOf(quoted)).toBe('q1@example.com');
    expect(await emailOf(idn)).toBe('p1@xn--bcher-kva.de');
    expect(await emailOf(escaped)).toBe('e1@example.com');
    expect(await emailOf(plain)).toBe('plain1@example.com');
    expect(await emailOf(holder)).toBe('dup1@example.com');
    expect(await emailOf(duplicate)).toBe('"dup1"@example.com');
    expect((await env.app.dataSource.manager.findOneByOrFail(GuardianLink, { id: linkId })).parentEmail).toBe('parent1@example.com');
  });
});
