import { Session } from '../../src/entities';
import { enableMfa, PASSWORD, register, signIn, totpCode } from '../helpers/identity';
import { createAdmin } from '../helpers/staff';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

/**
 * Issue 11 §6: staff power comes from what the session proved, not from whether the account has
 * two-factor on. A session records its assurance; turning two-factor on ends the account's other
 * sessions and upgrades the one that proved the code.
 */
const STAFF_OP = '{ verifyAuditChain { ok } }';
const SESSIONS = '{ me { sessions { id current assurance } } }';
const GRANT = 'mutation($id: ID!) { grantRole(input: { subjectId: $id, role: STAFF }) { __typename } }';
const REAUTH = 'mutation($input: ReauthenticateInput!) { reauthenticate(input: $input) { __typename ... on Session { assurance } ... on ErrorResult { errorCode } } }';
const CHANGE_PASSWORD = 'mutation($input: ChangePasswordInput!) { changePassword(input: $input) { __typename ... on AuthPayload { token } ... on ErrorResult { errorCode } } }';

describe('session assurance (password only / second factor)', () => {
  let env: TestEnv;
  let adminToken: string;
  beforeAll(async () => {
    env = await createTestEnv({ env: { RATE_LIMIT_SECOND_FACTOR_ACCOUNT: '100/15m' } });
    adminToken = (await createAdmin(env)).token;
  });
  afterAll(() => env?.stop());

  const errorCode = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => res.errors?.[0]?.extensions?.code;

  it('ends the sessions opened before two-factor was turned on, so none of them acts as staff', async () => {
    const user = await register(env, { displayName: 'Future Staff' });
    const before = (await signIn(env, { email: user.email, password: PASSWORD, deviceName: 'Old laptop' })).data.signIn.token;
    expect((await env.gql(GRANT, { id: user.subjectId }, { token: adminToken })).data.grantRole.__typename).toBe('RoleAssignment');

    await enableMfa(env, user);

    // The old laptop's session proved only the password: it is over (before the fix it acted as staff).
    const old = await env.gql(STAFF_OP, {}, { token: before });
    expect(errorCode(old)).toBe('UNAUTHENTICATED');
    expect(old.errors?.[0].message).toMatch(/ended/);
    expect(await env.app.dataSource.getRepository(Session).findOneByOrFail({ tokenHash: require('../../src/services/identity/tokens').tokenHash(before) })).toMatchObject({ revokedReason: 'second_factor_changed' });

    // The session that proved the code is upgraded and acts as staff; it is the only one left.
    expect((await env.gql(STAFF_OP, {}, { token: user.token })).data.verifyAuditChain.ok).toBe(true);
    expect((await env.gql(SESSIONS, {}, { token: user.token })).data.me.sessions).toEqual([{ id: user.sessionId, current: true, assurance: 'SECOND_FACTOR' }]);
  });

  it('refuses staff power to a password-only session of an account with two-factor on, until the session proves a code', async () => {
    const user = await register(env, { displayName: 'Staff Member' });
    await env.gql(GRANT, { id: user.subjectId }, { token: adminToken });
    await enableMfa(env, user);
    // A session that proved only the password while two-factor is on (as sessions from before this
    // release are classified by the migration).
    const { token } = await env.app.db.transaction((em) => env.app.services.sessions.issue(em, { ip: '127.0.0.1' }, user.subjectId, { password: true, secondFactor: false }));

    const refused = await env.gql(STAFF_OP, {}, { token });
    expect(errorCode(refused)).toBe('FORBIDDEN');
    expect(refused.errors?.[0].message).toMatch(/without the second factor/);
    // Everything a subject may do still works through it.
    expect((await env.gql(SESSIONS, {}, { token })).errors).toBeUndefined();

    env.clock.advance('30s');
    const raised = await env.gql(REAUTH, { input: { password: PASSWORD, totpCode: totpCode(env, user.totpSecret!) } }, { token });
    expect(raised.data.reauthenticate).toEqual({ __typename: 'Session', assurance: 'SECOND_FACTOR' });
    expect((await env.gql(STAFF_OP, {}, { token })).data.verifyAuditChain.ok).toBe(true);
  });

  it('keeps the second factor across a password change on the same device, and signs in with it', async () => {
    const user = await register(env, { displayName: 'Careful Staff' });
    await env.gql(GRANT, { id: user.subjectId }, { token: adminToken });
    await enableMfa(env, user);
    const changed = await env.gql(CHANGE_PASSWORD, { input: { currentPassword: PASSWORD, newPassword: 'an even better passphrase 42' } }, { token: user.token });
    const token = changed.data.changePassword.token;
    expect(token).toBeDefined();
    expect((await env.gql(STAFF_OP, {}, { token })).data.verifyAuditChain.ok).toBe(true);

    env.clock.advance('30s');
    const fresh = await signIn(env, { email: user.email, password: 'an even better passphrase 42', totpCode: totpCode(env, user.totpSecret!) });
    expect((await env.gql(SESSIONS, {}, { token: fresh.data.signIn.token })).data.me.sessions.find((s: { current: boolean }) => s.current).assurance).toBe('SECOND_FACTOR');
  });

  it('records a password-only sign-in as such', async () => {
    const user = await register(env);
    const res = await signIn(env, { email: user.email, password: PASSWORD });
    const sessions = (await env.gql(SESSIONS, {}, { token: res.data.signIn.token })).data.me.sessions;
    expect(sessions.find((s: { current: boolean }) => s.current).assurance).toBe('PASSWORD');
  });
});
