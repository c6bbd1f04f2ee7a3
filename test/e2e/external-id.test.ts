import { AuditEvent, Subject } from '../../src/entities';
import { counts, register, type SignedIn } from '../helpers/identity';
import { createAdmin, createServiceKey } from '../helpers/staff';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

const SET = `mutation($input: SetSubjectExternalIdInput!) { setSubjectExternalId(input: $input) {
  __typename ... on SubjectExternalId { subjectId externalId } ... on ErrorResult { errorCode message } } }`;
const GET = 'query($s: ID!) { subjectExternalId(subjectId: $s) { __typename ... on SubjectExternalId { subjectId externalId } ... on ErrorResult { errorCode message } } }';

describe('externalId: the site’s own user id on a subject', () => {
  let env: TestEnv;
  let admin: SignedIn;
  let key: string;

  beforeAll(async () => {
    env = await createTestEnv();
    admin = await createAdmin(env);
    key = await createServiceKey(env, admin, 'accounts-service');
  });
  afterAll(() => env?.stop());

  const set = async (subjectId: string, externalId: string | null, token = key) => env.gql(SET, { input: { subjectId, externalId } }, { token });
  const stored = async (subjectId: string) => (await env.app.dataSource.getRepository(Subject).findOneByOrFail({ id: subjectId })).externalId;
  const auditOf = (subjectId: string, action: string) => env.app.dataSource.getRepository(AuditEvent).find({ where: { subjectId, action }, order: { seq: 'ASC' } });

  it('is set and read with a service key, read by the subject in `me`, and each change and read by the key is audited', async () => {
    const user = await register(env);
    expect((await env.gql('{ me { externalId } }', {}, { token: user.token })).data.me.externalId).toBeNull();

    const res = await set(user.subjectId, 'auth0|5f7c8ec7c33c6c004bbafe82');
    expect(res.errors).toBeUndefined();
    expect(res.data.setSubjectExternalId).toEqual({ __typename: 'SubjectExternalId', subjectId: user.subjectId, externalId: 'auth0|5f7c8ec7c33c6c004bbafe82' });
    expect(await stored(user.subjectId)).toBe('auth0|5f7c8ec7c33c6c004bbafe82');

    expect((await env.gql(GET, { s: user.subjectId }, { token: key })).data.subjectExternalId).toEqual({ __typename: 'SubjectExternalId', subjectId: user.subjectId, externalId: 'auth0|5f7c8ec7c33c6c004bbafe82' });
    expect((await env.gql('{ me { externalId } }', {}, { token: user.token })).data.me.externalId).toBe('auth0|5f7c8ec7c33c6c004bbafe82');

    const [link] = await auditOf(user.subjectId, 'external_id.link');
    expect(link).toMatchObject({ actorRole: 'service', operation: 'setSubjectExternalId', fields: expect.stringContaining('externalId') });
    // The value itself never goes into the audit trail.
    expect(JSON.stringify(link)).not.toContain('5f7c8ec7c33c6c004bbafe82');
    expect(await auditOf(user.subjectId, 'external_id.read')).toHaveLength(1);

    // The same value again changes nothing and writes nothing.
    await set(user.subjectId, 'auth0|5f7c8ec7c33c6c004bbafe82');
    expect(await auditOf(user.subjectId, 'external_id.link')).toHaveLength(1);
  });

  it('replaces and unlinks (null); an unlinked id is free for another subject', async () => {
    const [a, b] = [await register(env), await register(env)];
    await set(a.subjectId, 'user-1001');
    expect((await set(a.subjectId, 'user-1002')).data.setSubjectExternalId.externalId).toBe('user-1002');
    expect((await set(b.subjectId, 'user-1001')).data.setSubjectExternalId.externalId).toBe('user-1001');
    expect((await set(a.subjectId, null)).data.setSubjectExternalId).toEqual({ __typename: 'SubjectExternalId', subjectId: a.subjectId, externalId: null });
    expect(await stored(a.subjectId)).toBeNull();
    expect(await auditOf(a.subjectId, 'external_id.unlink')).toHaveLength(1);
  });

  it('answers typed errors and changes nothing: unknown subject, id taken, bad format', async () => {
    const [a, b] = [await register(env), await register(env)];
    await set(a.subjectId, 'taken-id');
    const before = await counts(env, ['audit_event']);

    const unknown = await set('00000000-0000-4000-8000-000000000000', 'free-id');
    expect(unknown.data.setSubjectExternalId).toMatchObject({ __typename: 'NotFoundError', errorCode: 'NOT_FOUND' });

    const taken = await set(b.subjectId, 'taken-id');
    expect(taken.data.setSubjectExternalId).toMatchObject({ __typename: 'ExternalIdTakenError', errorCode: 'EXTERNAL_ID_TAKEN' });
    expect(await stored(b.subjectId)).toBeNull();

    for (const bad of ['', ' padded', 'has space', 'x'.repeat(129), 'naïve', '-leading-dash', 'semi;colon']) {
      const res = await set(b.subjectId, bad);
      expect(res.errors).toBeUndefined();
      expect(res.data.setSubjectExternalId).toMatchObject({ __typename: 'InvalidExternalIdError', errorCode: 'INVALID_EXTERNAL_ID', message: expect.stringMatching(/1–128/) });
    }
    expect(await stored(b.subjectId)).toBeNull();
    expect(await stored(a.subjectId)).toBe('taken-id');
    expect(await counts(env, ['audit_event'])).toEqual(before);
    expect((await env.gql(GET, { s: '00000000-0000-4000-8000-000000000000' }, { token: key })).data.subjectExternalId.__typename).toBe('NotFoundError');
  });

  it('compares ids exactly: ids that differ only in case belong to two subjects (on every database)', async () => {
    const [a, b] = [await register(env), await register(env)];
    expect((await set(a.subjectId, 'CaseUser')).data.setSubjectExternalId.__typename).toBe('SubjectExternalId');
    expect((await set(b.subjectId, 'caseuser')).data.setSubjectExternalId.__typename).toBe('SubjectExternalId');
    expect(await env.app.services.externalIds.subjectIdFor('CaseUser')).toBe(a.subjectId);
    expect(await env.app.services.externalIds.subjectIdFor('caseuser')).toBe(b.subjectId);
    expect(await env.app.services.externalIds.subjectIdFor('CASEUSER')).toBeUndefined();
  });

  it('lets two links of one id race: exactly one subject gets it', async () => {
    const subjects = [await register(env), await register(env), await register(env)];
    const results = await Promise.all(subjects.map((s) => set(s.subjectId, 'raced-id')));
    const kinds = results.map((r) => r.data.setSubjectExternalId.__typename).sort();
    expect(kinds).toEqual(['ExternalIdTakenError', 'ExternalIdTakenError', 'SubjectExternalId']);
    expect(await env.app.dataSource.getRepository(Subject).countBy({ externalId: 'raced-id' })).toBe(1);
  });

  it('is the one mutation a service key may call; a person or anonymous caller may not call it', async () => {
    const user = await register(env);
    const asPerson = await set(user.subjectId, 'self-made', user.token);
    expect(asPerson.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect((await env.gql(SET, { input: { subjectId: user.subjectId, externalId: 'anon' } })).errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect((await env.gql(GET, { s: user.subjectId }, { token: user.token })).errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);

    // Put beside any other mutation, the whole operation is refused before anything runs.
    const mixed = await env.gql(
      `mutation($s: ID!) { setSubjectExternalId(input: { subjectId: $s, externalId: "mixed-1" }) { __typename } optOutOfSaleByEmail(input: { email: "${user.email}" }) { received } }`,
      { s: user.subjectId },
      { token: key },
    );
    expect(mixed.status).toBe(403);
    expect(mixed.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    const aliased = await env.gql('mutation { a: signIn(input: { email: "x@example.com", password: "wrong password" }) { __typename } }', {}, { token: key });
    expect(aliased.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    const spread = await env.gql(`mutation($s: ID!) { ...M } fragment M on Mutation { setSubjectExternalId(input: { subjectId: $s, externalId: "spread-1" }) { __typename } }`, { s: user.subjectId }, { token: key });
    expect(spread.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(await stored(user.subjectId)).toBeNull();
  });

  it('is erased with the subject: the id is free again and the subject is not found', async () => {
    const user = await register(env);
    await set(user.subjectId, 'to-be-erased');
    await env.app.db.transaction((em) => env.app.services.personalData.erase(em, user.subjectId));
    expect(await stored(user.subjectId)).toBeNull();
    expect(await env.app.services.externalIds.subjectIdFor('to-be-erased')).toBeUndefined();
    expect((await set(user.subjectId, 'to-be-erased')).data.setSubjectExternalId.__typename).toBe('NotFoundError');
    expect((await env.gql(GET, { s: user.subjectId }, { token: key })).data.subjectExternalId.__typename).toBe('NotFoundError');
  });
});
