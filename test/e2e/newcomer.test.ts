import { counts, PASSWORD, register, signIn, totpCode } from '../helpers/identity';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

/** The "done when", end to end over HTTP: register, sign in, enrol TOTP, edit the profile, see the own audit trail. */
describe('a newcomer’s first visit', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(() => env?.stop());

  it('registers, signs in, turns on TOTP, edits the profile and reads their own audit trail', async () => {
    const reg = await register(env, { displayName: 'Nia Newcomer', locale: 'de-DE', country: 'DE' });
    const first = await signIn(env, { email: reg.email, password: PASSWORD, deviceName: 'Laptop' });
    const token = first.data.signIn.token;

    const enrol = await env.gql('mutation { enrollTotp { ... on TotpEnrollment { secret otpauthUri } } }', {}, { token });
    const secret = enrol.data.enrollTotp.secret;
    expect(enrol.data.enrollTotp.otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    const confirmed = await env.gql('mutation($c: String!) { confirmTotp(input: { code: $c }) { ... on RecoveryCodes { recoveryCodes } } }', { c: totpCode(env, secret) }, { token });
    expect(confirmed.data.confirmTotp.recoveryCodes).toHaveLength(10);

    env.clock.advance('30s');
    const withMfa = await signIn(env, { email: reg.email, password: PASSWORD, totpCode: totpCode(env, secret) });
    expect(withMfa.data.signIn.__typename).toBe('AuthPayload');
    const mfaToken = withMfa.data.signIn.token;

    const edited = await env.gql('mutation { updateProfile(input: { username: "nia", interests: ["privacy"] }) { ... on Me { profile { username interests } } } }', {}, { token: mfaToken });
    expect(edited.data.updateProfile.profile).toEqual({ username: 'nia', interests: ['privacy'] });

    const trail = await env.gql('{ me { mfaEnabled auditTrail(first: 50) { edges { node { action actorRole categories fields } } } } }', {}, { token: mfaToken });
    expect(trail.data.me.mfaEnabled).toBe(true);
    const actions = trail.data.me.auditTrail.edges.map((e: any) => e.node).map((n: { action: string }) => n.action).reverse();
    expect(actions).toEqual([
      // The registration (issue 11 §10): its workflow, the account created when its link was used, the first session.
      'workflow.start',
      'account.create',
      'workflow.transition',
      'session.create',
      'session.create',
      'mfa.enroll',
      'mfa.enable',
      'mfa.verified',
      'session.create',
      'account.update',
      'account.read',
    ]);
    expect(trail.data.me.auditTrail.edges.map((e: any) => e.node).find((n: { action: string }) => n.action === 'account.update')).toEqual({ action: 'account.update', actorRole: 'SUBJECT', categories: ['profile'], fields: ['username', 'interests'] });
  });

  it('changes nothing for a wrong password, a bad token, an expired session or a replayed code', async () => {
    const user = await register(env);
    const tables = ['subject', 'profile', 'session', 'recovery_code'];
    const before = await counts(env, tables);
    expect((await signIn(env, { email: user.email, password: 'not the password' })).data.signIn.__typename).toBe('InvalidCredentialsError');
    expect((await env.gql('mutation { updateProfile(input: { bio: "x" }) { __typename } }', {}, { token: 'x'.repeat(43) })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    env.clock.advance('8d');
    expect((await env.gql('mutation { updateProfile(input: { bio: "x" }) { __typename } }', {}, { token: user.token })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(await counts(env, tables)).toEqual(before);
  });
});
