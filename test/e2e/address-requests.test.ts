import { ActionToken, ConsentRecord, OutboxMessage, Subject } from '../../src/entities';
import { tokenHash } from '../../src/services/identity/tokens';
import { counts, PASSWORD, register, registerRaw, signIn, uniqueEmail } from '../helpers/identity';
import { recordStatements } from '../helpers/statements';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

/**
 * Issue 11 §10: requests by email address without a session (registerSubject, optOutOfSaleByEmail,
 * requestParentDashboard) answer the same for a known and an unknown address and take the same
 * code path: one `job` row in the outbox. Whatever the address leads to happens in the outbox
 * worker, after the answer.
 */
const BY_EMAIL = 'mutation($email: String!) { optOutOfSaleByEmail(input: { email: $email }) { received message } }';
const DASHBOARD = 'mutation($email: String!) { requestParentDashboard(input: { email: $email }) { __typename ... on ErrorResult { errorCode } } }';
const AGE_GATE = 'mutation($input: AgeGateInput!) { ageGate(input: $input) { __typename } }';
const REGISTER_CHILD = 'mutation($input: RegisterChildInput!) { registerChild(input: $input) { __typename ... on ChildRegistration { childId } } }';
const WRITES = ['subject', 'consent_record', 'privacy_request', 'workflow', 'timer', 'action_token', 'audit_event', 'outbox_message'];

/** Masks numbers written inline (a rate-limit counter's new value): the statements' shape is what must not differ. */
const shape = (statements: string[]) => statements.map((q) => q.replace(/\b\d+\b/g, 'N'));

describe('requests by email address: one answer and one code path for known and unknown addresses', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv({ env: { TRUST_PROXY: 'true', LINK_MAX_WRONG_ATTEMPTS: '3' } });
  });
  afterAll(() => env?.stop());
  const m = () => env.app.dataSource.manager;
  const local = (link: string) => link.replace(env.app.config.publicUrl, env.url);
  const jobs = () => m().countBy(OutboxMessage, { channel: 'job' });

  /** Two requests, as the client sees them and as the database sees them. */
  async function compare(query: string, known: string, unknown: string) {
    let knownRes: any;
    let unknownRes: any;
    const before = await counts(env, WRITES);
    const knownStatements = await recordStatements(env, async () => (knownRes = await env.gql(query, { email: known })));
    const unknownStatements = await recordStatements(env, async () => (unknownRes = await env.gql(query, { email: unknown })));
    const after = await counts(env, WRITES);
    return { knownRes, unknownRes, knownStatements, unknownStatements, before, after };
  }

  it('optOutOfSaleByEmail: the same answer and statements; only the known address is opted out, by the worker', async () => {
    const user = await register(env);
    const r = await compare(BY_EMAIL, user.email, uniqueEmail('nobody'));
    expect(r.knownRes.body).toEqual(r.unknownRes.body);
    expect(shape(r.knownStatements)).toEqual(shape(r.unknownStatements));
    // Nothing but the two job rows was written by the requests.
    expect(r.after).toEqual({ ...r.before, outbox_message: r.before.outbox_message + 2 });
    expect(await m().countBy(ConsentRecord, { subjectId: user.subjectId, purpose: 'sale_share' })).toBe(0);

    await env.workers.sendMail();
    expect(await m().findOneByOrFail(ConsentRecord, { subjectId: user.subjectId, purpose: 'sale_share' })).toMatchObject({ decision: 'denied', method: 'email_link' });
    await env.mail.expectOne({ to: user.email, template: 'ccpa-opt-out-notice' });
    // The jobs are done and gone, with the addresses they held.
    expect(await jobs()).toBe(0);
  });

  it('optOutOfSaleByEmail is limited per client (each request queues work), with a typed error and nothing written', async () => {
    const limited = await createTestEnv({ env: { TRUST_PROXY: 'true', RATE_LIMIT_REGISTER_IP: '2/1h' } });
    try {
      const from = { 'x-forwarded-for': '10.7.7.7' };
      for (let i = 0; i < 2; i++) expect((await limited.gql(BY_EMAIL, { email: uniqueEmail('x') }, { headers: from })).errors).toBeUndefined();
      const before = await counts(limited, ['outbox_message']);
      const refused = await limited.gql(BY_EMAIL, { email: uniqueEmail('x') }, { headers: from });
      expect(refused.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 3600 });
      expect(await counts(limited, ['outbox_message'])).toEqual(before);
      expect((await limited.gql(BY_EMAIL, { email: uniqueEmail('x') }, { headers: { 'x-forwarded-for': '10.7.7.8' } })).errors).toBeUndefined();
    } finally {
      await limited.stop();
    }
  });

  it('requestParentDashboard: the same answer and statements; only a parent of a child gets a link, by the worker', async () => {
    const parentEmail = uniqueEmail('parent');
    const deviceId = 'address-requests-device-000001';
    const dateOfBirth = { day: 5, month: 6, year: 2016 };
    await env.gql(AGE_GATE, { input: { dateOfBirth, country: 'US', deviceId } });
    expect((await env.gql(REGISTER_CHILD, { input: { deviceId, username: 'addr_kid', parentEmail, dateOfBirth, locale: 'en' } })).data.registerChild.__typename).toBe('ChildRegistration');
    await env.workers.sendMail();
    const notice = await env.mail.expectOne({ to: parentEmail, template: 'parental-consent-request' });
    const link = local(env.mail.linkIn(notice));
    const page = await fetch(link);
    const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())![1];
    const form = new URLSearchParams([['csrf', csrf], ['account', 'yes'], ['decision', 'consent']]).toString();
    expect((await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: (page.headers.get('set-cookie') ?? '').split(';')[0] }, body: form })).status).toBe(200);
    env.clock.advance('24h');
    await env.workers.fireTimers();
    await env.workers.sendMail();

    const r = await compare(DASHBOARD, parentEmail, uniqueEmail('notaparent'));
    expect(r.knownRes.body).toEqual(r.unknownRes.body);
    expect(r.knownRes.data.requestParentDashboard.__typename).toBe('ParentDashboardRequested');
    expect(shape(r.knownStatements)).toEqual(shape(r.unknownStatements));
    expect(r.after).toEqual({ ...r.before, outbox_message: r.before.outbox_message + 2 });

    const tokensBefore = await m().countBy(ActionToken, { purpose: 'parent-dashboard' });
    await env.workers.sendMail();
    await env.mail.expectOne({ to: parentEmail, template: 'parent-dashboard' });
    expect(await m().countBy(ActionToken, { purpose: 'parent-dashboard' })).toBe(tokensBefore + 1);
    expect(await jobs()).toBe(0);
  });

  it('registration link page: asks for the password chosen, counts wrong ones against the link, and creates the account with the right one', async () => {
    const email = uniqueEmail('page');
    expect((await registerRaw(env, { email, password: PASSWORD, displayName: 'Paige', locale: 'en', country: 'GB' })).data.registerSubject.__typename).toBe('RegistrationPending');
    await env.workers.sendMail();
    const link = local(env.mail.linkIn(await env.mail.expectOne({ to: email, template: 'registration-confirm' })));
    const open = async () => {
      const res = await fetch(link);
      const body = await res.text();
      return { res, body, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0], csrf: /name="csrf" value="([^"]+)"/.exec(body)?.[1] ?? '' };
    };
    const post = (cookie: string, csrf: string, password: string) =>
      fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body: new URLSearchParams({ csrf, password }).toString() });

    const page = await open();
    expect(page.res.status).toBe(200);
    expect(page.body).toContain('<h1>Finish signing up</h1>');
    expect(page.body).toMatch(/<input id="password" type="password" name="password"/);
    expect(page.body).not.toContain('scrypt');

    const wrong = await post(page.cookie, page.csrf, 'not the password chosen');
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('That is not the password you chose');
    expect(await m().countBy(Subject, { email })).toBe(0);
    expect((await m().findOneByOrFail(ActionToken, { tokenHash: tokenHash(link.split('/').pop()!) })).wrongAttempts).toBe(1);

    const again = await open();
    const done = await post(again.cookie, again.csrf, PASSWORD);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('your account is ready');
    expect(await m().countBy(Subject, { email })).toBe(1);
    expect((await signIn(env, { email, password: PASSWORD })).data.signIn.__typename).toBe('AuthPayload');
  });

  it('locks a sign-up link after too many wrong passwords (page or API), and nobody gets the account', async () => {
    const email = uniqueEmail('guess');
    await registerRaw(env, { email, password: PASSWORD, displayName: 'Guess', locale: 'en', country: 'GB' });
    await env.workers.sendMail();
    const token = env.mail.linkIn(await env.mail.expectOne({ to: email, template: 'registration-confirm' })).split('/').pop()!;
    const confirm = (password: string) => env.gql('mutation($t: String!, $p: String!) { confirmRegistration(input: { token: $t, password: $p }) { __typename ... on ErrorResult { errorCode } } }', { t: token, p: password });
    for (let i = 0; i < 3; i++) expect((await confirm(`wrong guess number ${i}`)).data.confirmRegistration.errorCode).toBe('INVALID_CREDENTIALS');
    expect((await confirm(PASSWORD)).data.confirmRegistration.errorCode).toBe('ACTION_TOKEN_INVALID');
    expect(await m().countBy(Subject, { email })).toBe(0);
  });
});
