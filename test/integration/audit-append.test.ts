import { AuditEvent } from '../../src/entities';
import { chainHash, GENESIS_HASH, hashedContent } from '../../src/services/audit/audit.service';
import { testDialect } from '../helpers/database';
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

describe('audit trail append: the head is held only at commit', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(() => env?.stop());

  const m = () => env.app.dataSource.manager;
  const head = async () => (await m().query('SELECT seq FROM audit_head WHERE id = 1'))[0]?.seq;

  it('keeps a transaction’s entries until its work is done, then chains them in order as its last statements', async () => {
    const { audit } = env.app.services;
    await audit.record({ actorRole: 'system', action: 'test.before' });
    const seqBefore = Number(await head());
    let seenInside: { rows: number; head: number } | undefined;
    await env.app.db.transaction(async (em) => {
      await audit.append(em, { actorRole: 'system', action: 'test.first', subjectId: 'a' });
      await audit.append(em, { actorRole: 'system', action: 'test.second', subjectId: 'b' });
      // Nothing of the chain is touched while the work runs.
      seenInside = { rows: await em.count(AuditEvent, { where: { action: 'test.first' } }), head: Number((await em.query('SELECT seq FROM audit_head WHERE id = 1'))[0].seq) };
    });
    expect(seenInside).toEqual({ rows: 0, head: seqBefore });
    const rows = await m().find(AuditEvent, { where: [{ action: 'test.first' }, { action: 'test.second' }], order: { seq: 'ASC' } });
    expect(rows.map((r) => [r.seq, r.action])).toEqual([
      [seqBefore + 1, 'test.first'],
      [seqBefore + 2, 'test.second'],
    ]);
    expect(Number(await head())).toBe(seqBefore + 2);
    expect(await audit.verifyChain()).toMatchObject({ ok: true });
  });

  it('drops the direct identifiers of a subject erased in the same transaction from its pending entries', async () => {
    const { audit } = env.app.services;
    await env.app.db.transaction(async (em) => {
      await audit.append(em, { actorRole: 'guardian', actorId: 'erased-1', ip: '10.0.0.1', action: 'test.before_erase', subjectId: 'erased-1' });
      await audit.pseudonymizeSubject(em, 'erased-1');
      await audit.append(em, { actorRole: 'system', action: 'test.after_erase', subjectId: 'erased-1' });
    });
    const rows = await m().find(AuditEvent, { where: [{ action: 'test.before_erase' }, { action: 'test.after_erase' }] });
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatchObject({ subjectId: null, actorId: null, ip: null, subjectRef: audit.ref('erased-1') });
    expect(await audit.verifyChain()).toMatchObject({ ok: true });
  });

  (testDialect === 'mysql' ? it : it.skip)('lets other transactions append and commit while one that appended is still open (MySQL)', async () => {
    const { audit } = env.app.services;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let appended!: () => void;
    const inside = new Promise<void>((resolve) => (appended = resolve));
    const slow = env.app.db.transaction(async (em) => {
      await audit.append(em, { actorRole: 'system', action: 'test.slow' });
      appended();
      await held;
    });
    await inside;
    // Before: the slow transaction held the head lock from its append until its commit, and these waited.
    const started = Date.now();
    await Promise.all(Array.from({ length: 5 }, (_, i) => audit.record({ actorRole: 'system', action: 'test.meanwhile', details: { i } })));
    expect(Date.now() - started).toBeLessThan(2000);
    release();
    await slow;
    const slowRow = await m().findOneByOrFail(AuditEvent, { action: 'test.slow' });
    const meanwhile = await m().findBy(AuditEvent, { action: 'test.meanwhile' });
    expect(meanwhile.every((r) => r.seq < slowRow.seq)).toBe(true);
    expect(await audit.verifyChain()).toMatchObject({ ok: true });
  });
});
