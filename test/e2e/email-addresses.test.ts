import { GuardianLink, Subject } from '../../src/entities';
import { expectInvalidInput, INVALID_INPUT } from '../helpers/invalid-input';
import { counts, PASSWORD, register, registerRaw, signIn, uniqueEmail } from '../helpers/identity';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

/**
 * Issue 11 §8: `"x"@d`, `"\x"@d`, `X@D`… all reach x@d. An address is a key (accounts, sign-in,
 * limits, parent notices, opt-out, dashboard, email change, the age gate's binding) only in its
 * canonical form, and the API refuses quoted local parts.
 */
const AGE_GATE = 'mutation($input: AgeGateInput!) { ageGate(input: $input) { __typename ... on AgeGateDecision { outcome repeated } } }';
const REGISTER_CHILD = `mutation($input: RegisterChildInput!) { registerChild(input: $input) { __typename ... on ChildRegistration { childId } ... on ErrorResult { errorCode } ... on RateLimitedError { retryAfterSeconds } ${INVALID_INPUT} } }`;
const CHILD_DOB = { day: 5, month: 6, year: 2016 };
const TABLES = ['subject', 'guardian_link', 'consent_record', 'outbox_message', 'workflow', 'audit_event', 'rate_limit_counter'];

describe('email addresses: one key per mailbox', () => {
  let env: TestEnv;
  let device = 0;
  const newDevice = () => `email-key-device-${String(++device).padStart(8, '0')}`;
  beforeAll(async () => {
    env = await createTestEnv({ env: { RATE_LIMIT_REGISTER_ACCOUNT: '3/1h' } });
  });
  afterAll(() => env?.stop());

  async function child(parentEmail: string, username: string) {
    const deviceId = newDevice();
    await env.gql(AGE_GATE, { input: { dateOfBirth: CHILD_DOB, country: 'US', deviceId } });
    return (await env.gql(REGISTER_CHILD, { input: { deviceId, username, parentEmail, dateOfBirth: CHILD_DOB, locale: 'en' } })).data.registerChild;
  }

  it.each(['"x"@example.com', '"\\x"@example.com', '"x y"@example.com'])('refuses the quoted address %s on every input with InvalidInputError (as data, issue 12), writing nothing', async (quoted) => {
    const user = await register(env);
    const before = await counts(env, TABLES);
    const calls = [
      env.gql(`mutation($e: String!) { registerSubject(input: { email: $e, password: "a long enough passphrase", displayName: "Q", locale: "en", country: "US" }) { __typename ${INVALID_INPUT} } }`, { e: quoted }),
      env.gql(`mutation($e: String!) { signIn(input: { email: $e, password: "a long enough passphrase" }) { __typename ${INVALID_INPUT} } }`, { e: quoted }),
      env.gql(`mutation($e: String!) { requestParentDashboard(input: { email: $e }) { __typename ${INVALID_INPUT} } }`, { e: quoted }),
      env.gql(`mutation($e: String!) { requestEmailChange(input: { newEmail: $e }) { __typename ${INVALID_INPUT} } }`, { e: quoted }, { token: user.token }),
      env.gql(REGISTER_CHILD, { input: { deviceId: newDevice(), username: 'quoted_kid', parentEmail: quoted, dateOfBirth: CHILD_DOB, locale: 'en' } }),
    ];
    for (const res of await Promise.all(calls)) {
      expectInvalidInput(res);
      expect(JSON.stringify(res.data)).toMatch(/must be a plain email address such as name@example.com \(no quotes\)/);
    }
    // Not a result union yet: still thrown.
    const optOut = await env.gql('mutation($e: String!) { optOutOfSaleByEmail(input: { email: $e }) { received } }', { e: quoted });
    expect(optOut.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await counts(env, TABLES)).toEqual(before);
  });

  it('sends a parent at most the limit of notices, however the address is spelled (+tags included)', async () => {
    const [local, domain] = uniqueEmail('parent').split('@');
    const spellings = [`${local}@${domain}`, `${local.toUpperCase()}@${domain.toUpperCase()}`, `${local}+kid2@${domain}`];
    for (const [i, spelling] of spellings.entries()) expect((await child(spelling, `spelled_kid_${i}`)).__typename).toBe('ChildRegistration');
    const refused = await child(`${local}+kid4@${domain}`, 'spelled_kid_4');
    expect(refused).toMatchObject({ __typename: 'RateLimitedError', errorCode: 'RATE_LIMITED' });
    // The parent's address is stored canonical.
    const stored = await env.app.dataSource.getRepository(GuardianLink).find({ where: [{ parentEmail: `${local}@${domain}` }, { parentEmail: `${local}+kid2@${domain}` }] });
    expect(stored.map((l) => l.parentEmail).sort()).toEqual([`${local}+kid2@${domain}`, `${local}@${domain}`, `${local}@${domain}`]);
  });

  it('keeps one account per mailbox and signs it in under any case of its address', async () => {
    const user = await register(env, { email: uniqueEmail('Case').replace('@example.com', '@EXAMPLE.com') });
    expect(user.email).toMatch(/@EXAMPLE\.com$/);
    const canonical = user.email.toLowerCase();
    expect((await env.app.dataSource.getRepository(Subject).findOneByOrFail({ id: user.subjectId })).email).toBe(canonical);
    expect((await signIn(env, { email: canonical.toUpperCase(), password: PASSWORD })).data.signIn.__typename).toBe('AuthPayload');
    expect((await registerRaw(env, { email: canonical, password: PASSWORD, displayName: 'Again', locale: 'en', country: 'GB' })).data.registerSubject).toEqual({ __typename: 'RegistrationPending', sentTo: canonical });
    await env.workers.sendMail();
    expect(await env.app.dataSource.getRepository(Subject).countBy({ email: canonical })).toBe(1);
    await env.mail.expectOne({ to: canonical, template: 'account-exists' });
  });

  it('binds the age gate’s answer to the mailbox, not to one spelling of it', async () => {
    const email = uniqueEmail('gate');
    const [local, domain] = email.split('@');
    const first = (await env.gql(AGE_GATE, { input: { dateOfBirth: CHILD_DOB, country: 'US', deviceId: newDevice(), identifier: email } })).data.ageGate;
    expect(first).toEqual({ __typename: 'AgeGateDecision', outcome: 'PARENTAL_CONSENT_REQUIRED', repeated: false });
    // Another device, an older date, the address quoted and in capitals: the first, more protective answer again.
    const retry = (await env.gql(AGE_GATE, { input: { dateOfBirth: { day: 5, month: 6, year: 1990 }, country: 'US', deviceId: newDevice(), identifier: `"${local.toUpperCase()}"@${domain.toUpperCase()}` } })).data.ageGate;
    expect(retry).toEqual({ __typename: 'AgeGateDecision', outcome: 'PARENTAL_CONSENT_REQUIRED', repeated: true });
  });
});
