import { Role } from '../../src/auth/roles';
import { AuditEvent } from '../../src/entities';
import { enableMfa, register, type SignedIn } from '../helpers/identity';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

const OWN = 'query($after: String) { me { auditTrail(first: 2, after: $after) { edges { node { id seq action actorId actorRole subjectId categories fields ip } } pageInfo { endCursor hasNextPage } } } }';
const STAFF = `query($s: ID!, $f: AuditTrailFilter, $first: Int, $after: String) { auditTrail(subjectId: $s, filter: $f, first: $first, after: $after) {
  edges { node { seq action actorId actorRole subjectId categories fields operation requestId ip occurredAt } } pageInfo { endCursor hasNextPage } } }`;
const VERIFY = '{ verifyAuditChain { ok checked firstBrokenSeq reason } }';

async function staffMember(env: TestEnv): Promise<SignedIn> {
  const staff = await register(env);
  await env.app.services.subjects.setRole({}, staff.subjectId, Role.STAFF, true);
  await enableMfa(env, staff);
  return staff;
}

describe('audit trail: own view, staff search, chain verification', () => {
  let env: TestEnv;
  let user: SignedIn;
  let staff: SignedIn;
  beforeAll(async () => {
    env = await createTestEnv();
    user = await register(env);
    staff = await staffMember(env);
  });
  afterAll(() => env?.stop());

  it('shows a subject their own trail, newest first, page by page, hiding staff identities', async () => {
    await env.gql('mutation { updateProfile(input: { bio: "hi" }) { __typename } }', {}, { token: user.token });
    env.clock.advance('1m');
    await env.gql(STAFF, { s: user.subjectId }, { token: staff.token }); // a staff read, visible to the subject

    const first = await env.gql(OWN, {}, { token: user.token });
    expect(first.errors).toBeUndefined();
    const page1 = first.data.me.auditTrail;
    // me itself was read first (account.read), then the trail is queried: the trail read is recorded after.
    expect(page1.edges.map((e: any) => e.node).map((n: any) => n.action)).toEqual(['account.read', 'audit.read']);
    expect(page1.edges.map((e: any) => e.node)[1]).toMatchObject({ actorRole: 'STAFF', actorId: null, ip: null, subjectId: user.subjectId });
    // The event's id is its chain position.
    expect(page1.edges.map((e: any) => e.node).every((n: any) => n.id === String(n.seq))).toBe(true);
    expect(page1.edges.map((e: any) => e.node)[0]).toMatchObject({ actorRole: 'SUBJECT', actorId: user.subjectId, ip: expect.stringMatching(/127\.0\.0\.1/) });
    expect(page1.pageInfo.hasNextPage).toBe(true);

    const all: string[] = page1.edges.map((e: any) => e.node).map((n: any) => n.action);
    let after = page1.pageInfo.endCursor;
    for (let guard = 0; after && guard < 20; guard++) {
      const page = (await env.gql(OWN, { after }, { token: user.token })).data.me.auditTrail;
      all.push(...page.edges.map((e: any) => e.node).map((n: any) => n.action));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    }
    // Reads made while paging (each page also reads `me`) come after the cursor and never shift it;
    // the staff member's own events (role grant, MFA) never appear.
    expect(all).toEqual(['account.read', 'audit.read', 'account.update', 'session.create', 'workflow.transition', 'account.create', 'workflow.start']);
  });

  it('lets staff filter a subject’s trail by action and time, paginated, and audits the search', async () => {
    const res = await env.gql(STAFF, { s: user.subjectId, f: { actions: ['account.update', 'account.create'] }, first: 1 }, { token: staff.token });
    expect(res.errors).toBeUndefined();
    const page = res.data.auditTrail;
    expect(page.edges.map((e: any) => e.node)).toEqual([expect.objectContaining({ action: 'account.update', actorId: user.subjectId, fields: ['bio'], categories: ['profile'], operation: 'updateProfile' })]);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const next = (await env.gql(STAFF, { s: user.subjectId, f: { actions: ['account.update', 'account.create'] }, first: 1, after: page.pageInfo.endCursor }, { token: staff.token })).data.auditTrail;
    expect(next.edges.map((e: any) => e.node).map((n: any) => n.action)).toEqual(['account.create']);
    expect(next.pageInfo).toEqual({ endCursor: expect.any(String), hasNextPage: false });

    const createdAt = next.edges.map((e: any) => e.node)[0].occurredAt;
    const before = (await env.gql(STAFF, { s: user.subjectId, f: { to: createdAt } }, { token: staff.token })).data.auditTrail;
    expect(before.edges.map((e: any) => e.node)).toEqual([]);
    const since = (await env.gql(STAFF, { s: user.subjectId, f: { from: env.clock.now().toISOString() } }, { token: staff.token })).data.auditTrail;
    expect(since.edges.map((e: any) => e.node).every((n: any) => n.occurredAt >= env.clock.now().toISOString())).toBe(true);

    const reads = await env.app.dataSource.getRepository(AuditEvent).findBy({ subjectId: user.subjectId, action: 'audit.read', actorId: staff.subjectId });
    expect(reads.length).toBeGreaterThanOrEqual(4);
    expect(reads[0]).toMatchObject({ actorRole: 'staff', operation: 'auditTrail' });
  });

  it.each([
    ['a cursor that is not one', { after: '!!!' }],
    ['a forged cursor', { after: Buffer.from('nope').toString('base64url') }],
    ['a page of 0', { first: 0 }],
    ['a page of 101', { first: 101 }],
    ['an action that is not a name', { f: { actions: ['DROP TABLE'] } }],
  ])('refuses %s with BAD_USER_INPUT', async (_what, vars) => {
    const res = await env.gql(STAFF, { s: user.subjectId, ...vars }, { token: staff.token });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('audit chain: verification and pseudonymization', () => {
  let env: TestEnv;
  let staff: SignedIn;
  beforeEach(async () => {
    env = await createTestEnv();
    staff = await staffMember(env);
    for (let i = 0; i < 3; i++) await register(env);
  });
  afterEach(() => env?.stop());

  const verify = async () => (await env.gql(VERIFY, {}, { token: staff.token })).data.verifyAuditChain;

  it('is OK untouched, and names the row whose content was edited with raw SQL', async () => {
    const ok = await verify();
    expect(ok).toMatchObject({ ok: true, firstBrokenSeq: null, reason: null });
    expect(ok.checked).toBeGreaterThan(10);
    await env.app.dataSource.query(`UPDATE audit_event SET action = 'account.nothing' WHERE seq = 7`);
    expect(await verify()).toEqual({ ok: false, checked: 6, firstBrokenSeq: 7, reason: 'CONTENT_HASH_MISMATCH' });
  });

  it('names a deleted row', async () => {
    await env.app.dataSource.query(`DELETE FROM audit_event WHERE seq = 5`);
    expect(await verify()).toMatchObject({ ok: false, firstBrokenSeq: 5, reason: 'ROW_MISSING' });
  });

  it('catches an identifier changed without its pseudonym', async () => {
    const row = await env.app.dataSource.getRepository(AuditEvent).findOneByOrFail({ seq: 4 });
    expect(row.subjectId).not.toBeNull();
    await env.app.dataSource.query(`UPDATE audit_event SET subjectId = 'someone-else' WHERE seq = 4`);
    expect(await verify()).toMatchObject({ ok: false, firstBrokenSeq: 4, reason: 'PSEUDONYM_MISMATCH' });
  });

  it('catches rows cut from the end', async () => {
    const { n } = (await env.app.dataSource.query('SELECT MAX(seq) AS n FROM audit_event'))[0];
    await env.app.dataSource.query(`DELETE FROM audit_event WHERE seq = ${Number(n)}`);
    // verifying appends nothing, so the head still names the deleted row
    const report = await env.app.services.audit.verifyChain();
    expect(report).toMatchObject({ ok: false, firstBrokenSeq: Number(n), reason: 'tail_missing' });
  });

  it('pseudonymizes an erased subject’s rows (identifiers gone, pseudonyms kept) and the chain stays valid', async () => {
    const user = await register(env);
    await env.gql('{ me { id } }', {}, { token: user.token });
    const repo = env.app.dataSource.getRepository(AuditEvent);
    const rowsBefore = await repo.findBy({ subjectId: user.subjectId });
    expect(rowsBefore.length).toBeGreaterThanOrEqual(3);
    await env.app.db.transaction((em) => env.app.services.audit.pseudonymizeSubject(em, user.subjectId));

    expect(await repo.countBy({ subjectId: user.subjectId })).toBe(0);
    expect(await repo.countBy({ actorId: user.subjectId })).toBe(0);
    const after = await repo.findBy({ seq: rowsBefore[0].seq });
    expect(after[0]).toMatchObject({ subjectId: null, actorId: null, ip: null, subjectRef: rowsBefore[0].subjectRef, hash: rowsBefore[0].hash });
    expect(JSON.stringify(await repo.find())).not.toContain(user.subjectId);
    expect(await verify()).toMatchObject({ ok: true, firstBrokenSeq: null });
    // The pseudonym is keyed: without the key it cannot be recomputed from the id.
    expect(after[0].subjectRef).not.toBe(require('node:crypto').createHash('sha256').update(user.subjectId).digest('hex'));
  });
});
