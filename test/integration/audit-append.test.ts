import { AuditEvent } from '../../src/entities';
import { chainHash, GENESIS_HASH, hashedContent } from '../../src/services/audit/audit.service';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

describe('audit trail append', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(() => env?.stop());

  it('chains concurrent appends without gaps or forks', async () => {
    const { audit } = env.app.services;
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => audit.record({ actorRole: 'system', action: 'test.append', subjectId: `s${i % 3}`, fields: ['email'], details: { i } })),
    );
    const rows = await env.app.dataSource.getRepository(AuditEvent).find({ order: { seq: 'ASC' } });
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    let prev = GENESIS_HASH;
    for (const row of rows) {
      expect(row.prevHash).toBe(prev);
      expect(row.hash).toBe(chainHash(prev, hashedContent(row)));
      prev = row.hash;
    }
  });

  it('rolls the entry back with the change it records', async () => {
    const before = await env.app.dataSource.getRepository(AuditEvent).count();
    await expect(
      env.app.db.transaction(async (em) => {
        await env.app.services.audit.append(em, { actorRole: 'system', action: 'test.rollback' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await env.app.dataSource.getRepository(AuditEvent).count()).toBe(before);
  });
});
