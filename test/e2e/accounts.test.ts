import { AuditEvent, OutboxMessage, Session, Subject, Workflow } from '../../src/entities';
import { expectInvalidInput, INVALID_INPUT } from '../helpers/invalid-input';
import { CONFIRM_REGISTRATION, counts, PASSWORD, register, registerRaw, registrationToken, signIn, uniqueEmail, type SignedIn } from '../helpers/identity';
import { recordStatements } from '../helpers/statements';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

const ME = `{ me { id email status roles displayName locale country telephone mfaEnabled
  postalAddress { line1 line2 city region postalCode country } accountSettings { timeZone securityAlerts productNotifications }
  profile { username pictureUrl bio interests professionalCredentials } } }`;

const UPDATE = `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) {
  __typename ... on Me { displayName telephone postalAddress { city country } accountSettings { timeZone securityAlerts } profile { username pictureUrl bio interests professionalCredentials } }
  ... on ErrorResult { errorCode message } ${INVALID_INPUT} } }`;

const TABLES = ['subject', 'profile', 'session', 'audit_event'];

describe('accounts: register, sign in, sessions, profile', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(() => env?.stop());

  const actions = async (subjectId: string) =>
    (await env.app.dataSource.getRepository(AuditEvent).find({ where: { subjectId }, order: { seq: 'ASC' } })).map((e) => e.action);

  it('registers a subject, signs them in, and audits the creation and every read', async () => {
    const email = uniqueEmail('Grace');
    const user = await register(env, { email: email.toUpperCase(), displayName: 'Grace Hopper', locale: 'fr-CA', country: 'ca' });
    expect(user.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const me = await env.gql(ME, {}, { token: user.token });
    expect(me.errors).toBeUndefined();
    expect(me.data.me).toMatchObject({
      id: user.subjectId,
      email: email.toLowerCase(),
      status: 'ACTIVE',
      roles: ['SUBJECT'],
      displayName: 'Grace Hopper',
      locale: 'fr-CA',
      country: 'CA',
      telephone: null,
      postalAddress: null,
      mfaEnabled: false,
      accountSettings: { timeZone: null, securityAlerts: true, productNotifications: false },
      profile: { username: null, pictureUrl: null, bio: null, interests: [], professionalCredentials: [] },
    });
    // The registration workflow (started by the registration job), its confirmation creating the account, the session.
    expect(await actions(user.subjectId)).toEqual(['workflow.start', 'account.create', 'workflow.transition', 'session.create', 'account.read']);
    // Only the hash of the token is stored.
    const row = await env.app.dataSource.getRepository(Session).findOneByOrFail({ id: user.sessionId });
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.tokenHash).not.toContain(user.token);
    const subject = await env.app.dataSource.getRepository(Subject).findOneByOrFail({ id: user.subjectId });
    expect(subject.passwordHash).toMatch(/^scrypt\$ln=4,r=8,p=1\$/);
  });

  it.each([
    ['an invalid email', { email: 'not-an-email' }],
    ['an unknown country', { country: 'XX' }],
    ['a bad locale', { locale: 'not a locale!' }],
    ['a blank name', { displayName: '   ' }],
  ])('refuses %s with InvalidInputError (as data, issue 12) and writes nothing', async (_what, bad) => {
    const before = await counts(env, TABLES);
    const res = await registerRaw(env, { email: uniqueEmail(), password: PASSWORD, displayName: 'Ada', locale: 'en', country: 'GB', ...bad });
    expectInvalidInput(res, `input.${Object.keys(bad)[0]}`);
    expect(JSON.stringify(res.body)).not.toContain(PASSWORD);
    expect(await counts(env, TABLES)).toEqual(before);
  });

  it.each([
    ['too short', 'short1', /at least 10 characters/],
    ['common', 'password123', /most commonly used/],
    ['made of the name', 'lovelace-lovelace', /your name, username or email/],
    ['one repeated character', 'aaaaaaaaaaaa', /single character/],
  ])('refuses a password that is %s with reasons a person understands, and writes nothing', async (_what, password, reason) => {
    const before = await counts(env, TABLES);
    const res = await registerRaw(env, { email: uniqueEmail(), password, displayName: 'Ada Lovelace', locale: 'en', country: 'GB' });
    expect(res.data.registerSubject).toMatchObject({ __typename: 'WeakPasswordError', errorCode: 'WEAK_PASSWORD' });
    expect(res.data.registerSubject.reasons.join(' ')).toMatch(reason);
    expect(await counts(env, TABLES)).toEqual(before);
  });

  it('answers a registration for a taken address (any spelling) exactly as for a new one, and mails the owner instead (issue 11 §10)', async () => {
    const user = await register(env);
    const before = await counts(env, TABLES);
    const fresh = uniqueEmail('fresh');
    let taken: any;
    let unknown: any;
    const takenStatements = await recordStatements(env, async () => {
      taken = await registerRaw(env, { email: user.email.toUpperCase(), password: PASSWORD, displayName: 'Other', locale: 'en', country: 'GB' });
    });
    const unknownStatements = await recordStatements(env, async () => {
      unknown = await registerRaw(env, { email: fresh, password: PASSWORD, displayName: 'Other', locale: 'en', country: 'GB' });
    });
    expect(taken.data.registerSubject).toEqual({ __typename: 'RegistrationPending', sentTo: user.email });
    expect(unknown.data.registerSubject).toEqual({ __typename: 'RegistrationPending', sentTo: fresh });
    // The same code path for both: the same statements (the lookup runs later, in the outbox worker), and nothing but one job row written.
    // (Numbers written inline, like a rate-limit counter's new value, are masked: how often an address was tried is no secret of the account.)
    const shape = (statements: string[]) => statements.map((q) => q.replace(/\b\d+\b/g, 'N'));
    expect(shape(takenStatements)).toEqual(shape(unknownStatements));
    expect(takenStatements.filter((q) => /^\s*INSERT/i.test(q)).every((q) => /rate_limit_counter|outbox_message/.test(q))).toBe(true);
    expect(await counts(env, TABLES)).toEqual(before);

    await env.workers.sendMail();
    // The owner is told; no second account, no sign-up link for the taken address.
    const notice = await env.mail.expectOne({ to: user.email, template: 'account-exists' });
    expect(notice.subject).toMatch(/already have an account/);
    expect(await env.mail.find({ to: user.email, template: 'registration-confirm' })).toHaveLength(1);
    expect(await env.app.dataSource.getRepository(Subject).countBy({ email: user.email })).toBe(1);
    expect(await actions(user.subjectId)).toContain('account.registration_refused');
    // The new address gets its link; no account exists for it until the link is used.
    await env.mail.expectOne({ to: fresh, template: 'registration-confirm' });
    expect(await env.app.dataSource.getRepository(Subject).countBy({ email: fresh })).toBe(0);
    // No job row (and no address in it) is left behind.
    expect(await env.app.dataSource.getRepository(OutboxMessage).countBy({ channel: 'job' })).toBe(0);
  });

  it('creates the account only when the link is used with the password chosen; a wrong password or a used link signs nobody in', async () => {
    const email = uniqueEmail('confirm');
    await registerRaw(env, { email, password: PASSWORD, displayName: 'Con Firm', locale: 'de', country: 'DE' });
    const token = await registrationToken(env, email);
    const before = await counts(env, TABLES);
    const wrong = await env.gql(CONFIRM_REGISTRATION, { input: { token, password: 'not the password at all' } });
    expect(wrong.data.confirmRegistration).toMatchObject({ __typename: 'InvalidCredentialsError' });
    expect(await counts(env, TABLES)).toEqual(before);
    // Sign-in is impossible before the link is used.
    expect((await signIn(env, { email, password: PASSWORD })).data.signIn.__typename).toBe('InvalidCredentialsError');

    const ok = await env.gql(CONFIRM_REGISTRATION, { input: { token, password: PASSWORD, deviceName: 'Phone' } });
    expect(ok.data.confirmRegistration.__typename).toBe('AuthPayload');
    const me = await env.gql('{ me { email displayName locale country sessions { deviceName assurance } } }', {}, { token: ok.data.confirmRegistration.token });
    expect(me.data.me).toEqual({ email, displayName: 'Con Firm', locale: 'de', country: 'DE', sessions: [{ deviceName: 'Phone', assurance: 'PASSWORD' }] });
    expect((await env.gql(CONFIRM_REGISTRATION, { input: { token, password: PASSWORD } })).data.confirmRegistration.errorCode).toBe('ACTION_TOKEN_USED');
    // The pending registration forgot the password hash and the address once done.
    const workflow = await env.app.dataSource.getRepository(Workflow).findOneByOrFail({ subjectId: ok.data.confirmRegistration.subjectId, machineId: 'registration' });
    expect(workflow.stateValue).toBe('confirmed');
    expect(workflow.snapshot).not.toContain('scrypt');
    expect(workflow.snapshot).not.toContain(email);
  });

  it('lets an unused sign-up link expire, leaving no account and no pending password', async () => {
    const email = uniqueEmail('expire');
    await registerRaw(env, { email, password: PASSWORD, displayName: 'Ex Pire', locale: 'en', country: 'GB' });
    const token = await registrationToken(env, email);
    env.clock.advance('25h');
    await env.workers.fireTimers();
    expect((await env.gql(CONFIRM_REGISTRATION, { input: { token, password: PASSWORD } })).data.confirmRegistration.errorCode).toMatch(/^ACTION_TOKEN_(EXPIRED|INVALID|USED)$/);
    expect(await env.app.dataSource.getRepository(Subject).countBy({ email })).toBe(0);
    const expired = await env.app.dataSource.getRepository(Workflow).find({ where: { machineId: 'registration', stateValue: 'expired' } });
    expect(expired.some((w) => w.snapshot.includes('scrypt') || w.snapshot.includes(email))).toBe(false);
  });

  it('signs in; a wrong password and an unknown email get the very same answer and create no session', async () => {
    const user = await register(env);
    env.clock.advance('1s');
    const ok = await signIn(env, { email: user.email, password: PASSWORD, deviceName: 'Phone' }, { 'user-agent': 'TestAgent/1.0' });
    expect(ok.data.signIn.__typename).toBe('AuthPayload');
    expect(ok.data.signIn.subjectId).toBe(user.subjectId);
    // Who signed in, and the session, in the one answer (issue 12): no second round trip.
    expect(ok.data.signIn.id).toBe(ok.data.signIn.sessionId);
    expect(ok.data.signIn.id).toEqual(expect.any(String));

    const sessions = await counts(env, ['session']);
    const wrong = await signIn(env, { email: user.email, password: 'wrong password here' });
    const unknown = await signIn(env, { email: uniqueEmail('nobody'), password: 'wrong password here' });
    expect(wrong.data.signIn).toEqual({ __typename: 'InvalidCredentialsError', errorCode: 'INVALID_CREDENTIALS', message: 'The email or password is not right.' });
    expect(unknown.data.signIn).toEqual(wrong.data.signIn);
    expect(await counts(env, ['session'])).toEqual(sessions);

    const list = await env.gql('{ me { sessions { id current deviceName userAgent ip } } }', {}, { token: ok.data.signIn.token });
    expect(list.data.me.sessions).toHaveLength(2);
    expect(list.data.me.sessions[0]).toMatchObject({ current: true, deviceName: 'Phone', userAgent: 'TestAgent/1.0', ip: expect.stringMatching(/127\.0\.0\.1/) });
  });

  it('answers a bad or unknown token with UNAUTHENTICATED, and no token with me: null (issue 12)', async () => {
    for (const token of ['garbage', 'A'.repeat(43)]) {
      const res = await env.gql(ME, {}, { token });
      expect(res.errors?.[0]).toMatchObject({ message: 'The session token is not valid. Sign in again.', extensions: { code: 'UNAUTHENTICATED' } });
      expect(res.data).toEqual({ me: null }); // me is nullable: the error nulls only it
    }
    expect((await env.gql(ME, {}, { headers: { authorization: 'Basic abc' } })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(await env.gql(ME)).toMatchObject({ data: { me: null }, errors: undefined });
    // Public operations still work with a bad token.
    expect((await env.gql('{ privacyPolicy { id } }', {}, { token: 'garbage' })).data.privacyPolicy.id).toBe('m_exe');
  });

  it('expires sessions after the idle timeout and after their absolute lifetime', async () => {
    const user = await register(env);
    env.clock.advance('6d');
    expect((await env.gql('{ me { id } }', {}, { token: user.token })).errors).toBeUndefined();
    env.clock.advance('6d'); // 6 days idle again: still within 7
    expect((await env.gql('{ me { id } }', {}, { token: user.token })).errors).toBeUndefined();
    env.clock.advance('7d');
    const res = await env.gql('{ me { id } }', {}, { token: user.token });
    expect(res.errors?.[0]).toMatchObject({ message: 'Your session has expired. Sign in again.', extensions: { code: 'UNAUTHENTICATED' } });

    const other = await register(env);
    for (const step of ['5d', '5d', '5d', '5d', '5d', '4d']) {
      env.clock.advance(step);
      expect((await env.gql('{ me { id } }', {}, { token: other.token })).errors).toBeUndefined();
    }
    env.clock.advance('2d'); // 31 days after creation: past SESSION_TTL (30d) though never idle
    expect((await env.gql('{ me { id } }', {}, { token: other.token })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('writes the last-use time at most once a minute', async () => {
    const user = await register(env);
    const lastUsed = async () => new Date((await env.app.dataSource.getRepository(Session).findOneByOrFail({ id: user.sessionId })).lastUsedAt).getTime();
    const created = await lastUsed();
    env.clock.advance('30s');
    await env.gql('{ me { id } }', {}, { token: user.token });
    expect(await lastUsed()).toBe(created);
    env.clock.advance('31s');
    await env.gql('{ me { id } }', {}, { token: user.token });
    expect(await lastUsed()).toBe(env.clock.now().getTime());
  });

  it('signs out one session, then everywhere', async () => {
    const user = await register(env);
    const second = (await signIn(env, { email: user.email, password: PASSWORD })).data.signIn.token;
    const third = (await signIn(env, { email: user.email, password: PASSWORD })).data.signIn.token;
    expect((await env.gql('mutation { signOut }', {}, { token: user.token })).data.signOut).toBe(true);
    const after = await env.gql('{ me { id } }', {}, { token: user.token });
    expect(after.errors?.[0]).toMatchObject({ message: 'This session was ended. Sign in again.', extensions: { code: 'UNAUTHENTICATED' } });
    expect((await env.gql('{ me { id } }', {}, { token: second })).errors).toBeUndefined();
    expect((await env.gql('mutation { signOutEverywhere }', {}, { token: second })).data.signOutEverywhere).toBe(2);
    for (const token of [second, third]) expect((await env.gql('{ me { id } }', {}, { token })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('revokes one session by id, but not another person’s', async () => {
    const user = await register(env);
    const other = await register(env);
    const revokeQ = 'mutation($id: ID!) { revokeSession(input: { sessionId: $id }) { __typename ... on ErrorResult { errorCode } } }';
    expect((await env.gql(revokeQ, { id: user.sessionId }, { token: other.token })).data.revokeSession).toEqual({ __typename: 'NotFoundError', errorCode: 'NOT_FOUND' });
    expect((await env.gql('{ me { id } }', {}, { token: user.token })).errors).toBeUndefined();
    const phone = (await signIn(env, { email: user.email, password: PASSWORD })).data.signIn;
    expect((await env.gql(revokeQ, { id: phone.sessionId }, { token: user.token })).data.revokeSession).toEqual({ __typename: 'Success' });
    expect((await env.gql('{ me { id } }', {}, { token: phone.token })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('edits account and profile data, audits the fields changed (never their values)', async () => {
    const user = await register(env);
    const res = await env.gql(
      UPDATE,
      {
        input: {
          displayName: 'Ada King',
          telephone: '+44 20 7946 0958',
          postalAddress: { line1: '12 St James’s Square', city: 'London', postalCode: 'SW1Y 4JH', country: 'gb' },
          accountSettings: { timeZone: 'Europe/London' },
          username: 'Countess.Ada',
          pictureUrl: 'https://example.com/ada.png',
          bio: 'Analyst.',
          interests: ['mathematics', 'engines'],
          professionalCredentials: ['Analytical Engine notes'],
        },
      },
      { token: user.token },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.updateProfile).toEqual({
      __typename: 'Me',
      displayName: 'Ada King',
      telephone: '+44 20 7946 0958',
      postalAddress: { city: 'London', country: 'GB' },
      accountSettings: { timeZone: 'Europe/London', securityAlerts: true },
      profile: { username: 'countess.ada', pictureUrl: 'https://example.com/ada.png', bio: 'Analyst.', interests: ['mathematics', 'engines'], professionalCredentials: ['Analytical Engine notes'] },
    });
    const event = await env.app.dataSource.getRepository(AuditEvent).findOneOrFail({ where: { subjectId: user.subjectId, action: 'account.update' } });
    expect(JSON.parse(event.fields).sort()).toEqual(['accountSettings', 'bio', 'displayName', 'interests', 'pictureUrl', 'postalAddress', 'professionalCredentials', 'telephone', 'username']);
    expect(JSON.parse(event.categories).sort()).toEqual(['account', 'profile']);
    expect(JSON.stringify(event)).not.toMatch(/London|Ada King|7946/);

    // Clearing with null.
    const cleared = await env.gql(UPDATE, { input: { telephone: null, bio: null } }, { token: user.token });
    expect(cleared.data.updateProfile).toMatchObject({ telephone: null, profile: { bio: null, username: 'countess.ada' } });
  });

  it.each([
    ['a phone number that is not one', { telephone: '12' }, 'input.telephone'],
    ['an http picture URL', { pictureUrl: 'http://example.com/x.png' }, 'input.pictureUrl'],
    ['a username with spaces', { username: 'a b c' }, 'input.username'],
    ['an incomplete address', { postalAddress: { line1: 'x', city: '', postalCode: '1', country: 'GB' } }, 'input.postalAddress.city'],
    ['an unknown time zone', { accountSettings: { timeZone: 'Mars/Olympus' } }, 'input.accountSettings.timeZone'],
    ['too many interests', { interests: Array.from({ length: 31 }, (_, i) => `i${i}`) }, 'input.interests'],
  ])('refuses %s with InvalidInputError (as data, issue 12) and changes nothing', async (_what, input, field) => {
    const user = await register(env);
    const before = await counts(env, TABLES);
    const res = await env.gql(UPDATE, { input }, { token: user.token });
    expectInvalidInput(res, field);
    expect(await counts(env, TABLES)).toEqual(before);
  });

  it('refuses a username someone else has (any case), changing nothing', async () => {
    const a = await register(env);
    const b = await register(env);
    expect((await env.gql(UPDATE, { input: { username: 'taken_name' } }, { token: a.token })).data.updateProfile.__typename).toBe('Me');
    const before = await counts(env, TABLES);
    const res = await env.gql(UPDATE, { input: { username: 'Taken_Name', bio: 'hi' } }, { token: b.token });
    expect(res.data.updateProfile).toMatchObject({ __typename: 'UsernameTakenError', errorCode: 'USERNAME_TAKEN' });
    expect(await counts(env, TABLES)).toEqual(before);
  });

  it('changes the password: every session ends, the new one works, the old password does not', async () => {
    const user = await register(env);
    const other = (await signIn(env, { email: user.email, password: PASSWORD })).data.signIn.token;
    const q = `mutation($input: ChangePasswordInput!) { changePassword(input: $input) { __typename ... on AuthPayload { token } ... on ErrorResult { errorCode } } }`;
    const before = await counts(env, TABLES);
    expect((await env.gql(q, { input: { currentPassword: 'not my password', newPassword: 'a brand new passphrase' } }, { token: user.token })).data.changePassword.errorCode).toBe('INVALID_CREDENTIALS');
    expect((await env.gql(q, { input: { currentPassword: PASSWORD, newPassword: 'qwertyuiop' } }, { token: user.token })).data.changePassword.errorCode).toBe('WEAK_PASSWORD');
    expect(await counts(env, ['subject', 'session'])).toEqual({ subject: before.subject, session: before.session });

    const res = await env.gql(q, { input: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' } }, { token: user.token });
    expect(res.data.changePassword.__typename).toBe('AuthPayload');
    for (const token of [user.token, other]) expect((await env.gql('{ me { id } }', {}, { token })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await env.gql('{ me { id } }', {}, { token: res.data.changePassword.token })).errors).toBeUndefined();
    expect((await signIn(env, { email: user.email, password: PASSWORD })).data.signIn.errorCode).toBe('INVALID_CREDENTIALS');
    expect((await signIn(env, { email: user.email, password: 'a brand new passphrase' })).data.signIn.__typename).toBe('AuthPayload');
  });

  it('changes the email through the domain method the confirmation flow calls: unique, audited', async () => {
    const a: SignedIn = await register(env);
    const b: SignedIn = await register(env);
    const { subjects } = env.app.services;
    const taken = await env.app.db.transaction((em) => subjects.changeEmail(em, a.subjectId, b.email.toUpperCase()));
    expect(taken).toMatchObject({ errorCode: 'EMAIL_TAKEN' });
    const fresh = uniqueEmail('moved');
    expect(await env.app.db.transaction((em) => subjects.changeEmail(em, a.subjectId, fresh))).toBe(true);
    expect((await env.gql('{ me { email } }', {}, { token: a.token })).data.me.email).toBe(fresh);
    expect(await actions(a.subjectId)).toContain('account.email_change');
  });
});
