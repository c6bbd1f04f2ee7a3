import { adminCreate } from '../../src/cli/admin-create';
import { Subject } from '../../src/entities';
import { enableMfa, PASSWORD, signIn, type SignedIn } from '../helpers/identity';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

const SETUP = `mutation($input: SetupAccountInput!) { setupAccount(input: $input) { __typename ... on AuthPayload { token subjectId sessionId } ... on ErrorResult { errorCode } } }`;

describe('npm run admin:create', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(() => env?.stop());

  async function run(argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await adminCreate(argv, { DATABASE_URL: env.app.config.DATABASE_URL, PASSWORD_HASH_COST: '4', ADMIN_SETUP_TTL: '1h' }, { out: (l) => out.push(l), err: (l) => err.push(l) }, env.clock);
    return { code, out, err, token: out.map((l) => /^\s+([A-Za-z0-9_-]{43})$/.exec(l)?.[1]).find(Boolean) };
  }

  it('creates an admin with no password and a one-time setup token; MFA is needed before the role counts', async () => {
    const { code, token, out } = await run(['--email', 'Root@Example.com', '--name', 'Rooty']);
    expect(code).toBe(0);
    expect(token).toBeDefined();
    expect(out.join('\n')).toMatch(/setupAccount/);
    const row = await env.app.dataSource.getRepository(Subject).findOneByOrFail({ email: 'root@example.com' });
    expect(row).toMatchObject({ passwordHash: null, roles: 'subject,admin' });
    expect(row.setupTokenHash).not.toBe(token);

    // No password works before setup.
    expect((await signIn(env, { email: 'root@example.com', password: PASSWORD })).data.signIn.errorCode).toBe('INVALID_CREDENTIALS');
    // A weak password is refused and the token stays usable.
    expect((await env.gql(SETUP, { input: { token, password: 'password1' } })).data.setupAccount.errorCode).toBe('WEAK_PASSWORD');
    const setup = await env.gql(SETUP, { input: { token, password: PASSWORD } });
    expect(setup.data.setupAccount.__typename).toBe('AuthPayload');
    // Used once: never again.
    expect((await env.gql(SETUP, { input: { token, password: PASSWORD } })).data.setupAccount.errorCode).toBe('INVALID_SETUP_TOKEN');

    const admin: SignedIn = { email: 'root@example.com', password: PASSWORD, token: setup.data.setupAccount.token, subjectId: setup.data.setupAccount.subjectId, sessionId: setup.data.setupAccount.sessionId };
    const grant = 'mutation($s: ID!) { grantRole(input: { subjectId: $s, role: STAFF }) { __typename ... on RoleAssignment { id roles } } }';
    expect((await env.gql(grant, { s: admin.subjectId }, { token: admin.token })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    await enableMfa(env, admin);
    expect((await env.gql(grant, { s: admin.subjectId }, { token: admin.token })).data.grantRole).toEqual({ __typename: 'RoleAssignment', id: admin.subjectId, roles: ['SUBJECT', 'STAFF', 'ADMIN'] });
  });

  it('refuses an existing email and a missing one; the setup token expires', async () => {
    expect((await run(['--email', 'root@example.com'])).code).toBe(1);
    expect((await run([])).code).toBe(2);
    const { token } = await run(['--email=late@example.com']);
    env.clock.advance('61m');
    expect((await env.gql(SETUP, { input: { token, password: PASSWORD } })).data.setupAccount.errorCode).toBe('INVALID_SETUP_TOKEN');
  });
});
