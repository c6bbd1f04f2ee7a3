import { Writable } from 'node:stream';
import { expectInvalidInput, INVALID_INPUT } from '../helpers/invalid-input';
import { AuditEvent, ServiceKey } from '../../src/entities';
import { createLogger } from '../../src/logger';
import { SERVICE_KEY_FORMAT } from '../../src/services/identity/service-key.service';
import { counts, register, type SignedIn } from '../helpers/identity';
import { createAdmin, createStaff } from '../helpers/staff';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

const CREATE = `mutation($input: CreateServiceKeyInput!) { createServiceKey(input: $input) {
  __typename ... on CreatedServiceKey { key serviceKey { id name description prefix status createdBy createdAt lastUsedAt expiresAt revokedAt } } ... on ErrorResult { errorCode message } ${INVALID_INPUT} } }`;
const LIST = '{ serviceKeys { id name description prefix status createdBy createdAt lastUsedAt expiresAt revokedAt revokedBy } }';
const REVOKE = 'mutation($id: ID!) { revokeServiceKey(input: { keyId: $id }) { __typename ... on ServiceKey { id status revokedAt revokedBy } ... on ErrorResult { errorCode message } } }';
const ALLOWED = `query($s: ID!, $p: String!) { processingAllowed(subjectId: $s, purpose: $p) {
  __typename ... on ProcessingDecision { subjectId purpose legalBasis allowed reason explanation decidedAt } ... on ErrorResult { errorCode message } } }`;

describe('service keys over HTTP', () => {
  let env: TestEnv;
  let admin: SignedIn;
  let staff: SignedIn;
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });

  beforeAll(async () => {
    // Every log line of every level, so "the key is never logged" is checked against all of them.
    env = await createTestEnv({ logger: createLogger('trace', sink) });
    admin = await createAdmin(env);
    staff = await createStaff(env, admin);
  });
  afterAll(() => env?.stop());

  /** Fresh sessions: tests move the clock past a session's idle timeout. */
  const tokenOf = async (who: SignedIn) => (await env.app.db.transaction((em) => env.app.services.sessions.issue(em, { ip: '127.0.0.1' }, who.subjectId, { password: true, secondFactor: true }))).token;
  const create = async (input: Record<string, unknown>) => (await env.gql(CREATE, { input }, { token: await tokenOf(admin) })).data.createServiceKey;
  const issue = async (name = 'newsletter-sender', expiresInDays?: number) => {
    const created = await create({ name, description: 'Sends the newsletter; asks before each mail.', ...(expiresInDays ? { expiresInDays } : {}) });
    expect(created.__typename).toBe('CreatedServiceKey');
    return created as { key: string; serviceKey: { id: string; prefix: string } };
  };
  const row = (id: string) => env.app.dataSource.getRepository(ServiceKey).findOneByOrFail({ id });

  it('issues a key once to an admin; the service gets the same processingAllowed answer as staff', async () => {
    const subject = await register(env);
    const { key, serviceKey } = await issue();
    const [, prefix, secret] = SERVICE_KEY_FORMAT.exec(key)!;
    expect(serviceKey).toMatchObject({ name: 'newsletter-sender', prefix, status: 'ACTIVE', createdBy: admin.subjectId, lastUsedAt: null, expiresAt: null, revokedAt: null });
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    // Only an HMAC is stored: neither the key nor its secret part.
    const stored = await row(serviceKey.id);
    expect(stored.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(secret);

    for (const purpose of ['sale_share', 'marketing.email', 'account', 'no_such_purpose']) {
      const asService = await env.gql(ALLOWED, { s: subject.subjectId, p: purpose }, { token: key });
      const asStaff = await env.gql(ALLOWED, { s: subject.subjectId, p: purpose }, { token: await tokenOf(staff) });
      expect(asService.errors).toBeUndefined();
      expect(asService.data.processingAllowed).toEqual(asStaff.data.processingAllowed);
    }
    expect((await env.gql(ALLOWED, { s: subject.subjectId, p: 'sale_share' }, { token: key })).data.processingAllowed).toMatchObject({ allowed: true, reason: 'NOT_OPTED_OUT' });
  });

  it('records the last use at most once a minute', async () => {
    const subject = await register(env);
    const { key, serviceKey } = await issue('last-use');
    const ask = () => env.gql(ALLOWED, { s: subject.subjectId, p: 'account' }, { token: key });
    await ask();
    const first = (await row(serviceKey.id)).lastUsedAt;
    expect(new Date(first!).toISOString()).toBe(env.clock.now().toISOString());
    env.clock.advance(30_000);
    await ask();
    expect(new Date((await row(serviceKey.id)).lastUsedAt!).getTime()).toBe(new Date(first!).getTime());
    env.clock.advance(31_000);
    await ask();
    expect(new Date((await row(serviceKey.id)).lastUsedAt!).toISOString()).toBe(env.clock.now().toISOString());
  });

  it('lists keys by prefix and never shows a secret', async () => {
    const { key, serviceKey } = await issue('listed');
    const res = await env.gql(LIST, {}, { token: await tokenOf(admin) });
    expect(res.errors).toBeUndefined();
    expect(res.data.serviceKeys.find((k: { id: string }) => k.id === serviceKey.id)).toMatchObject({ name: 'listed', prefix: serviceKey.prefix, status: 'ACTIVE' });
    expect(JSON.stringify(res.body)).not.toContain(key.slice(`csk_${serviceKey.prefix}_`.length));
  });

  it('refuses a revoked key at once (rotation: the new key works, the old does not)', async () => {
    const subject = await register(env);
    const old = await issue('rotated');
    const fresh = await issue('rotated');
    const revoked = await env.gql(REVOKE, { id: old.serviceKey.id }, { token: await tokenOf(admin) });
    expect(revoked.data.revokeServiceKey).toMatchObject({ __typename: 'ServiceKey', id: old.serviceKey.id, status: 'REVOKED', revokedBy: admin.subjectId });
    const refused = await env.gql(ALLOWED, { s: subject.subjectId, p: 'account' }, { token: old.key });
    expect(refused.errors?.[0]).toMatchObject({ message: expect.stringMatching(/revoked/), extensions: { code: 'UNAUTHENTICATED' } });
    expect(refused.data?.processingAllowed ?? null).toBeNull();
    expect((await env.gql(ALLOWED, { s: subject.subjectId, p: 'account' }, { token: fresh.key })).data.processingAllowed.allowed).toBe(true);

    const again = await env.gql(REVOKE, { id: old.serviceKey.id }, { token: await tokenOf(admin) });
    expect(again.data.revokeServiceKey.errorCode).toBe('SERVICE_KEY_ALREADY_REVOKED');
    const unknown = await env.gql(REVOKE, { id: '00000000-0000-4000-8000-000000000000' }, { token: await tokenOf(admin) });
    expect(unknown.data.revokeServiceKey.errorCode).toBe('NOT_FOUND');
  });

  it('refuses an expired key', async () => {
    const subject = await register(env);
    const { key, serviceKey } = (await issue('short-lived', 1)) as Awaited<ReturnType<typeof issue>> & { serviceKey: { expiresAt: string } };
    expect(new Date(serviceKey.expiresAt).getTime() - env.clock.now().getTime()).toBe(24 * 3600 * 1000);
    expect((await env.gql(ALLOWED, { s: subject.subjectId, p: 'account' }, { token: key })).errors).toBeUndefined();
    env.clock.advance('1d');
    const refused = await env.gql(ALLOWED, { s: subject.subjectId, p: 'account' }, { token: key });
    expect(refused.errors?.[0]).toMatchObject({ message: expect.stringMatching(/expired/), extensions: { code: 'UNAUTHENTICATED' } });
    const listed = (await env.gql(LIST, {}, { token: await tokenOf(admin) })).data.serviceKeys;
    expect(listed.find((k: { id: string }) => k.id === serviceKey.id).status).toBe('EXPIRED');
  });

  it('refuses a wrong secret with a right prefix, an unknown prefix and a malformed key, comparing in constant time', async () => {
    const subject = await register(env);
    const { key, serviceKey } = await issue('guessed');
    const secret = key.slice(-43);
    const wrongSecret = `csk_${serviceKey.prefix}_${secret[0] === 'A' ? 'B' : 'A'}${secret.slice(1)}`;
    const unknownPrefix = `csk_${serviceKey.prefix === '000000000000' ? '111111111111' : '000000000000'}_${secret}`;
    // The module object itself (an ES namespace import would be a copy): the service calls through it.
    const compare = jest.spyOn(require('node:crypto') as typeof import('node:crypto'), 'timingSafeEqual');
    try {
      for (const token of [wrongSecret, unknownPrefix]) {
        compare.mockClear();
        const res = await env.gql(ALLOWED, { s: subject.subjectId, p: 'account' }, { token });
        expect(res.errors?.[0]).toMatchObject({ message: 'The service key is not valid.', extensions: { code: 'UNAUTHENTICATED' } });
        // The HMACs are compared in constant time, whole (32 bytes against 32), known prefix or not.
        expect(compare).toHaveBeenCalledTimes(1);
        const [a, b] = compare.mock.calls[0] as [Buffer, Buffer];
        expect([a.length, b.length]).toEqual([32, 32]);
      }
    } finally {
      compare.mockRestore();
    }
    for (const token of [`csk_${serviceKey.prefix}_short`, `csk_${serviceKey.prefix}`, 'csk_']) {
      const res = await env.gql(ALLOWED, { s: subject.subjectId, p: 'account' }, { token });
      expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    }
    expect((await row(serviceKey.id)).lastUsedAt).toBeNull();
  });

  it('reaches nothing else: me, staff queues and any mutation are FORBIDDEN, and nothing is written', async () => {
    const { key } = await issue('nosy');
    const tables = ['subject', 'consent_record', 'outbox_message', 'privacy_request', 'audit_event', 'service_key'];
    const before = await counts(env, tables);
    for (const query of [
      '{ me { id } }',
      '{ privacyRequests { edges { node { id } } } }',
      '{ serviceKeys { id } }',
      'mutation { optOutOfSale { __typename } }',
      'mutation { optOutOfSaleByEmail(input: { email: "someone@example.com" }) { received } }',
      'mutation { createServiceKey(input: { name: "escalated", description: "d" }) { __typename } }',
    ]) {
      const res = await env.gql(query, {}, { token: key });
      expect({ query, codes: res.errors?.map((e) => e.extensions?.code) }).toEqual({ query, codes: ['FORBIDDEN'] });
    }
    // Global Privacy Control is a browser's signal: a service's request carrying it opts nobody out.
    await env.gql('{ privacyPolicy { id } }', {}, { token: key, headers: { 'sec-gpc': '1', 'x-consentry-device': 'service-device-0000000001' } });
    expect(await counts(env, tables)).toEqual(before);
  });

  it('never gives a person the service role', async () => {
    const user = await register(env);
    const res = await env.gql('mutation($s: ID!) { grantRole(input: { subjectId: $s, role: SERVICE }) { __typename } }', { s: user.subjectId }, { token: await tokenOf(admin) });
    expect(res.status).toBe(400);
    expect(res.errors?.[0]).toMatchObject({ message: expect.stringMatching(/SERVICE/), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
  });

  it('answers bad input with typed errors and writes nothing', async () => {
    const keyEvents = () => env.app.dataSource.getRepository(AuditEvent).countBy({ action: 'service_key.create' });
    const before = { ...(await counts(env, ['service_key'])), events: await keyEvents() };
    expect((await create({ name: 'x', description: 'y', expiresInDays: 0 })).errorCode).toBe('INVALID_SERVICE_KEY_EXPIRY');
    expect((await create({ name: 'x', description: 'y', expiresInDays: 3651 })).errorCode).toBe('INVALID_SERVICE_KEY_EXPIRY');
    expect((await create({ name: 'x', description: '   ' })).errorCode).toBe('INVALID_SERVICE_KEY_NAME');
    const badName = await env.gql(CREATE, { input: { name: ' <script>', description: 'y' } }, { token: await tokenOf(admin) });
    expectInvalidInput(badName, 'input.name');
    expect({ ...(await counts(env, ['service_key'])), events: await keyEvents() }).toEqual(before);
  });

  it('audits issuing, listing and revoking by the admin, and never writes a key to the audit trail or the logs', async () => {
    lines.length = 0;
    const subject = await register(env);
    const { key, serviceKey } = await issue('audited');
    await env.gql(ALLOWED, { s: subject.subjectId, p: 'account' }, { token: key });
    await env.gql('{ me { id } }', {}, { token: key });
    await env.gql(ALLOWED, { s: subject.subjectId, p: 'account' }, { token: `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}` });
    await env.gql(LIST, {}, { token: await tokenOf(admin) });
    await env.gql(REVOKE, { id: serviceKey.id }, { token: await tokenOf(admin) });
    await env.gql(ALLOWED, { s: subject.subjectId, p: 'account' }, { token: key });
    await new Promise((r) => setImmediate(r));

    const events = await env.app.dataSource.getRepository(AuditEvent).find({ order: { seq: 'ASC' } });
    const mine = events.filter((e) => e.action.startsWith('service_key.'));
    expect(mine.map((e) => [e.action, e.actorId, e.actorRole, e.operation])).toEqual(
      expect.arrayContaining([
        ['service_key.create', admin.subjectId, 'admin', 'createServiceKey'],
        ['service_key.list', admin.subjectId, 'admin', 'serviceKeys'],
        ['service_key.revoke', admin.subjectId, 'admin', 'revokeServiceKey'],
      ]),
    );
    expect(JSON.parse(mine.find((e) => e.action === 'service_key.create' && e.details.includes(serviceKey.id))!.details)).toMatchObject({ keyId: serviceKey.id, prefix: serviceKey.prefix, name: 'audited' });
    const secret = key.slice(-43);
    expect(JSON.stringify(events)).not.toContain(secret);

    // The service's requests are logged under its key's prefix (the access line at debug), never with the key.
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((l) => l.includes(secret))).toEqual([]);
    expect(lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request' && l.serviceKey === serviceKey.prefix).length).toBeGreaterThanOrEqual(2);
    // And were a header ever logged, the redaction censors it.
    lines.length = 0;
    env.app.logger.info({ headers: { authorization: `Bearer ${key}` }, req: { headers: { authorization: `Bearer ${key}` } }, token: key }, 'headers');
    expect(lines.join('\n')).not.toContain(secret);
  });
});
