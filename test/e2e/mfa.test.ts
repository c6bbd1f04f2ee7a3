import { RecoveryCode, Session, Subject } from '../../src/entities';
import { counts, enableMfa, PASSWORD, register, signIn, totpCode, type SignedIn } from '../helpers/identity';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

const ENROLL = 'mutation { enrollTotp { __typename ... on TotpEnrollment { secret otpauthUri } ... on ErrorResult { errorCode } ... on ReauthenticationRequiredError { factor maxAgeMinutes } } }';
const CONFIRM = 'mutation($code: String!) { confirmTotp(input: { code: $code }) { __typename ... on RecoveryCodes { recoveryCodes } ... on ErrorResult { errorCode } } }';
const REAUTH = `mutation($input: ReauthenticateInput!) { reauthenticate(input: $input) { __typename ... on Session { passwordVerifiedAt secondFactorVerifiedAt } ... on ErrorResult { errorCode } } }`;
const DISABLE = 'mutation { disableTotp { __typename ... on ErrorResult { errorCode } ... on ReauthenticationRequiredError { factor maxAgeMinutes } } }';
const REGENERATE = 'mutation { regenerateRecoveryCodes { __typename ... on RecoveryCodes { recoveryCodes } ... on ErrorResult { errorCode } } }';

describe('two-factor authentication and step-up', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv({ env: { RATE_LIMIT_SECOND_FACTOR_ACCOUNT: '100/15m', RATE_LIMIT_SIGN_IN_ACCOUNT: '100/15m' } });
  });
  afterAll(() => env?.stop());

  const subjectRow = (id: string) => env.app.dataSource.getRepository(Subject).findOneByOrFail({ id });

  it('enrols with an otpauth URI, refuses a wrong first code, then confirms and shows recovery codes once, stored hashed', async () => {
    const user = await register(env);
    const enrol = await env.gql(ENROLL, {}, { token: user.token });
    const { secret, otpauthUri } = enrol.data.enrollTotp;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUri).toBe(`otpauth://totp/Consentry:${encodeURIComponent(user.email)}?secret=${secret}&period=30&digits=6&algorithm=SHA1&issuer=Consentry`);

    const before = await counts(env, ['recovery_code']);
    const wrong = String((Number(totpCode(env, secret)) + 1) % 1_000_000).padStart(6, '0');
    expect((await env.gql(CONFIRM, { code: wrong }, { token: user.token })).data.confirmTotp.errorCode).toBe('INVALID_SECOND_FACTOR');
    expect((await subjectRow(user.subjectId)).mfaEnabledAt).toBeNull();
    expect(await counts(env, ['recovery_code'])).toEqual(before);

    const ok = await env.gql(CONFIRM, { code: totpCode(env, secret) }, { token: user.token });
    const codes: string[] = ok.data.confirmTotp.recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
    // The TOTP secret is stored sealed (AES-256-GCM), never in clear.
    const sealed = (await subjectRow(user.subjectId)).totpSecret!;
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain(secret);
    const stored = await env.app.dataSource.getRepository(RecoveryCode).findBy({ subjectId: user.subjectId });
    expect(stored).toHaveLength(10);
    expect(JSON.stringify(stored)).not.toContain(codes[0].replace('-', ''));
    const plainSha = require('node:crypto').createHash('sha256').update(codes[0].replace('-', '')).digest('hex');
    expect(stored.map((r) => r.codeHash)).not.toContain(plainSha);
    expect((await env.gql('{ me { mfaEnabled } }', {}, { token: user.token })).data.me.mfaEnabled).toBe(true);
    expect((await env.gql(ENROLL, {}, { token: user.token })).data.enrollTotp.errorCode).toBe('MFA_ALREADY_ENABLED');
  });

  it('asks for the second factor at sign-in; wrong, missing and replayed codes create no session', async () => {
    const user = await register(env);
    const { secret } = await enableMfa(env, user);
    env.clock.advance('30s'); // past the step used to confirm
    const sessions = await counts(env, ['session']);

    expect((await signIn(env, { email: user.email, password: PASSWORD })).data.signIn.errorCode).toBe('SECOND_FACTOR_REQUIRED');
    // A wrong password never reveals that a second factor is on.
    expect((await signIn(env, { email: user.email, password: 'wrong password!' })).data.signIn.errorCode).toBe('INVALID_CREDENTIALS');
    expect((await signIn(env, { email: user.email, password: PASSWORD, totpCode: '000000' === totpCode(env, secret) ? '111111' : '000000' })).data.signIn.errorCode).toBe('INVALID_SECOND_FACTOR');
    expect(await counts(env, ['session'])).toEqual(sessions);

    const code = totpCode(env, secret);
    const ok = await signIn(env, { email: user.email, password: PASSWORD, totpCode: code });
    expect(ok.data.signIn.__typename).toBe('AuthPayload');
    const row = await env.app.dataSource.getRepository(Session).findOneByOrFail({ id: ok.data.signIn.sessionId });
    expect(new Date(row.secondFactorVerifiedAt!).getTime()).toBe(env.clock.now().getTime());

    const afterOk = await counts(env, ['session']);
    const replay = await signIn(env, { email: user.email, password: PASSWORD, totpCode: code });
    expect(replay.data.signIn.errorCode).toBe('INVALID_SECOND_FACTOR');
    // The previous step's code is within the drift window but older than the last used one: also refused.
    expect((await signIn(env, { email: user.email, password: PASSWORD, totpCode: totpCode(env, secret, -30_000) })).data.signIn.errorCode).toBe('INVALID_SECOND_FACTOR');
    expect(await counts(env, ['session'])).toEqual(afterOk);

    env.clock.advance('30s');
    expect((await signIn(env, { email: user.email, password: PASSWORD, totpCode: totpCode(env, secret) })).data.signIn.__typename).toBe('AuthPayload');
  });

  it('accepts each recovery code once', async () => {
    const user = await register(env);
    const { recoveryCodes } = await enableMfa(env, user);
    const first = await signIn(env, { email: user.email, password: PASSWORD, recoveryCode: recoveryCodes[0].toLowerCase() });
    expect(first.data.signIn.__typename).toBe('AuthPayload');
    expect((await signIn(env, { email: user.email, password: PASSWORD, recoveryCode: recoveryCodes[0] })).data.signIn.errorCode).toBe('INVALID_SECOND_FACTOR');
    expect((await signIn(env, { email: user.email, password: PASSWORD, recoveryCode: recoveryCodes[1] })).data.signIn.__typename).toBe('AuthPayload');
  });

  it('demands a recent password to enrol and a recent second factor to disable; reauthenticate provides them', async () => {
    const user: SignedIn = await register(env);
    env.clock.advance('31m');
    const stale = await env.gql(ENROLL, {}, { token: user.token });
    expect(stale.data.enrollTotp).toEqual({ __typename: 'ReauthenticationRequiredError', errorCode: 'REAUTHENTICATION_REQUIRED', factor: 'PASSWORD', maxAgeMinutes: 30 });
    expect((await subjectRow(user.subjectId)).totpSecret).toBeNull();

    const before = await env.app.dataSource.getRepository(Session).findOneByOrFail({ id: user.sessionId });
    expect((await env.gql(REAUTH, { input: { password: 'wrong password!' } }, { token: user.token })).data.reauthenticate.errorCode).toBe('INVALID_CREDENTIALS');
    expect(await env.app.dataSource.getRepository(Session).findOneByOrFail({ id: user.sessionId })).toEqual(before);
    expect((await env.gql(REAUTH, { input: { password: PASSWORD, totpCode: '123456' } }, { token: user.token })).data.reauthenticate.errorCode).toBe('MFA_NOT_ENABLED');

    const reauth = await env.gql(REAUTH, { input: { password: PASSWORD } }, { token: user.token });
    expect(reauth.data.reauthenticate).toEqual({ __typename: 'Session', passwordVerifiedAt: env.clock.now().toISOString(), secondFactorVerifiedAt: null });
    const { secret } = await enableMfa(env, user);

    env.clock.advance('11m');
    expect((await env.gql(DISABLE, {}, { token: user.token })).data.disableTotp).toEqual({ __typename: 'ReauthenticationRequiredError', errorCode: 'REAUTHENTICATION_REQUIRED', factor: 'SECOND_FACTOR', maxAgeMinutes: 10 });
    expect((await env.gql(REGENERATE, {}, { token: user.token })).data.regenerateRecoveryCodes.errorCode).toBe('REAUTHENTICATION_REQUIRED');
    expect((await subjectRow(user.subjectId)).mfaEnabledAt).not.toBeNull();

    const withCode = await env.gql(REAUTH, { input: { password: PASSWORD, totpCode: totpCode(env, secret) } }, { token: user.token });
    expect(withCode.data.reauthenticate.secondFactorVerifiedAt).toBe(env.clock.now().toISOString());
    const oldCodes = await env.app.dataSource.getRepository(RecoveryCode).findBy({ subjectId: user.subjectId });
    const fresh = await env.gql(REGENERATE, {}, { token: user.token });
    expect(fresh.data.regenerateRecoveryCodes.recoveryCodes).toHaveLength(10);
    const newCodes = await env.app.dataSource.getRepository(RecoveryCode).findBy({ subjectId: user.subjectId });
    expect(newCodes.map((c) => c.codeHash)).not.toContain(oldCodes[0].codeHash);

    expect((await env.gql(DISABLE, {}, { token: user.token })).data.disableTotp).toEqual({ __typename: 'Success' });
    const row = await subjectRow(user.subjectId);
    expect(row).toMatchObject({ totpSecret: null, mfaEnabledAt: null });
    expect(await env.app.dataSource.getRepository(RecoveryCode).countBy({ subjectId: user.subjectId })).toBe(0);
    expect((await signIn(env, { email: user.email, password: PASSWORD })).data.signIn.__typename).toBe('AuthPayload');
  });

  it('offers the step-up check to other services as a reusable method', () => {
    const { sessions } = env.app.services;
    const now = env.clock.now();
    const actor = { subjectId: 's', sessionId: 'x', roles: [], mfaEnabled: true, passwordVerifiedAt: new Date(now.getTime() - 5 * 60_000) };
    expect(sessions.requireRecent({ actor }, 'password', 10 * 60_000)).toBeNull();
    expect(sessions.requireRecent({ actor }, 'password', 4 * 60_000)).toMatchObject({ errorCode: 'REAUTHENTICATION_REQUIRED', factor: 'password', maxAgeMinutes: 4 });
    expect(sessions.requireRecent({ actor }, 'second_factor', 60 * 60_000)).toMatchObject({ errorCode: 'REAUTHENTICATION_REQUIRED', factor: 'second_factor' });
  });
});
