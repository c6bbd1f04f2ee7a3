import type { FindOptionsWhere } from 'typeorm';
import { expectInvalidInput, INVALID_INPUT } from '../helpers/invalid-input';
import { ConsentRecord, DeviceOptOut, PrivacyRequest, Subject, Workflow } from '../../src/entities';
import { isDomainError } from '../../src/errors';
import { SIGNATURE_HEADER, verifyWebhook } from '../../src/services/webhooks/recipient.service';
import { counts, register, uniqueEmail, type SignedIn } from '../helpers/identity';
import { createAdmin, createStaff } from '../helpers/staff';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';

const STATE = 'optedOut decision method givenBy decidedAt optInPromptAllowedAt optInRequired requestId';
const OPT_OUT = `mutation { optOutOfSale { ${STATE} } }`;
const OPT_IN = `mutation { optInToSale { __typename ... on SaleShareState { ${STATE} } ... on ErrorResult { errorCode message } } }`;
const BY_EMAIL = 'mutation($email: String!) { optOutOfSaleByEmail(input: { email: $email }) { received message } }';
const ME = `{ me { id saleShare { ${STATE} } } }`;
const ALLOWED = `query($s: ID!, $p: String!) { processingAllowed(subjectId: $s, purpose: $p) {
  __typename ... on ProcessingDecision { allowed reason explanation legalBasis } ... on ErrorResult { errorCode message } ${INVALID_INPUT} } }`;
const REQUESTS = `query($type: RightKind, $overdue: Boolean, $first: Int, $after: String) { privacyRequests(type: $type, overdue: $overdue, first: $first, after: $after) {
  edges { cursor node { id type rightKey subjectId manner status receivedAt dueAt overdue respondedAt response retainUntil workflowId } } pageInfo { endCursor hasNextPage } } }`;
const TABLES = ['privacy_request', 'consent_record', 'outbox_message', 'workflow', 'timer'];
const DEVICE = 'gpc-device-0000000000000001';

describe('CCPA opt-out of sale/sharing over HTTP', () => {
  let env: TestEnv;
  let receiver: WebhookReceiver;
  let secret: string;
  let staff: SignedIn;

  beforeAll(async () => {
    env = await createTestEnv();
    receiver = await startWebhookReceiver();
    const registered = await env.app.services.recipients.register({ name: 'Ad platform', description: 'Advertising partner', webhookUrl: receiver.url, events: ['opt_out'] });
    if (isDomainError(registered)) throw new Error(registered.message);
    secret = registered.secret;
    staff = await createStaff(env, await createAdmin(env));
  });
  afterAll(async () => {
    await env?.stop();
    await receiver?.close();
  });

  /** A fresh staff session (tests move the clock past a session's lifetime). */
  const staffToken = async () => (await env.app.db.transaction((em) => env.app.services.sessions.issue(em, { ip: '127.0.0.1' }, staff.subjectId, { password: true, secondFactor: true }))).token;
  const allowed = async (subjectId: string, purpose: string) => (await env.gql(ALLOWED, { s: subjectId, p: purpose }, { token: await staffToken() })).data.processingAllowed;
  const requestOf = (id: string) => env.app.dataSource.getRepository(PrivacyRequest).findOneByOrFail({ id });
  const saleRecords = (where: FindOptionsWhere<ConsentRecord>) => env.app.dataSource.getRepository(ConsentRecord).find({ where: { purpose: 'sale_share', ...where }, order: { id: 'ASC' } });

  it('opts a signed-in subject out at once, tells the recipient by signed webhook, and completes the request when it is delivered', async () => {
    const user = await register(env);
    receiver.received.length = 0;
    const res = await env.gql(OPT_OUT, {}, { token: user.token });
    const state = res.data.optOutOfSale;
    expect(state).toMatchObject({ optedOut: true, decision: 'DENIED', method: 'SETTINGS', givenBy: 'SELF', optInRequired: false });
    // Not asked to opt back in for 12 months (Cal. Civ. Code 1798.135(c)(4)).
    expect(state.optInPromptAllowedAt).toBe('2027-03-02T10:00:00.000Z');
    expect((await allowed(user.subjectId, 'sale_share'))).toMatchObject({ allowed: false, reason: 'OPTED_OUT' });

    const request = await requestOf(state.requestId);
    expect(request).toMatchObject({ type: 'ccpa_opt_out', regime: 'ccpa', subjectId: user.subjectId, manner: 'api', status: 'in_progress' });
    expect(receiver.received).toHaveLength(0); // nothing leaves before the outbox worker runs

    await env.workers.sendMail();
    expect(receiver.received).toHaveLength(1);
    const { headers, body } = receiver.received[0];
    expect(verifyWebhook(secret, String(headers[SIGNATURE_HEADER.toLowerCase()]), body, Math.floor(env.clock.now().getTime() / 1000))).toBe(true);
    expect(verifyWebhook('another-secret', String(headers[SIGNATURE_HEADER.toLowerCase()]), body, Math.floor(env.clock.now().getTime() / 1000))).toBe(false);
    expect(JSON.parse(body)).toMatchObject({ type: 'opt_out', subjectId: user.subjectId, data: { requestId: request.id, method: 'settings', purposes: ['sale_share'] } });

    const done = await requestOf(request.id);
    expect(done).toMatchObject({ status: 'completed', response: expect.stringContaining('within 15 business days') });
    expect(done.respondedAt?.toISOString()).toBe('2026-03-02T10:00:00.000Z');
    expect(done.retainUntil?.toISOString()).toBe('2028-03-02T10:00:00.000Z'); // 24 months (11 CCR 7101)
    expect((await env.app.dataSource.getRepository(Workflow).findOneByOrFail({ id: done.workflowId! })).stateValue).toBe('effective');

    // Asking again changes nothing and writes nothing.
    const before = await counts(env, TABLES);
    const again = await env.gql(OPT_OUT, {}, { token: user.token });
    expect(again.data.optOutOfSale).toMatchObject({ optedOut: true, requestId: request.id });
    expect(await counts(env, TABLES)).toEqual(before);
  });

  it('records the read of the own sale/share state in the audit trail', async () => {
    const user = await register(env);
    await env.gql(ME, {}, { token: user.token });
    const trail = await env.gql('{ me { auditTrail(first: 20) { edges { node { action fields } } } } }', {}, { token: user.token });
    expect(trail.data.me.auditTrail.edges.map((e: any) => e.node)).toContainEqual(expect.objectContaining({ action: 'consent.read', fields: ['saleShare'] }));
  });

  it('lets the subject opt back in on their own initiative, recorded', async () => {
    const user = await register(env);
    await env.gql(OPT_OUT, {}, { token: user.token });
    const res = await env.gql(OPT_IN, {}, { token: user.token });
    expect(res.data.optInToSale).toMatchObject({ __typename: 'SaleShareState', optedOut: false, decision: 'GRANTED', method: 'SETTINGS', optInPromptAllowedAt: null });
    expect((await saleRecords({ subjectId: user.subjectId })).map((r) => r.decision)).toEqual(['denied', 'granted']);
    expect(await allowed(user.subjectId, 'sale_share')).toMatchObject({ allowed: true, reason: 'NOT_OPTED_OUT' });
  });

  it('opts out by email without sign-in or verification, with the same answer for an unknown address and a notice only to a known one', async () => {
    const user = await register(env, { locale: 'de' });
    const known = await env.gql(BY_EMAIL, { email: user.email.toUpperCase() });
    expect(known.errors).toBeUndefined();
    const mail = await env.mail.find({ to: user.email, template: 'ccpa-opt-out-notice' });
    expect(mail).toHaveLength(0); // the work waits in the outbox: nothing happens before the worker runs
    await env.workers.sendMail();
    const notice = await env.mail.expectOne({ to: user.email, template: 'ccpa-opt-out-notice' });
    expect(notice.subject).toMatch(/widersprochen/);
    const me = (await env.gql(ME, {}, { token: user.token })).data.me.saleShare;
    expect(me).toMatchObject({ optedOut: true, method: 'EMAIL_LINK' });
    expect(await requestOf(me.requestId)).toMatchObject({ manner: 'email_link', subjectId: user.subjectId });

    const before = await counts(env, TABLES);
    const mailsBefore = (await env.mail.all()).length;
    const unknown = await env.gql(BY_EMAIL, { email: uniqueEmail('nobody') });
    expect(unknown.data).toEqual(known.data);
    await env.workers.sendMail();
    expect(await counts(env, TABLES)).toEqual(before);
    expect((await env.mail.all()).length).toBe(mailsBefore);

    // A second request for the known address: nothing new, and no second mail.
    await env.gql(BY_EMAIL, { email: user.email });
    await env.workers.sendMail();
    expect(await counts(env, TABLES)).toEqual(before);
    expect(await env.mail.find({ to: user.email, template: 'ccpa-opt-out-notice' })).toHaveLength(1);
  });

  it('honours Global Privacy Control on any request: the device and the signed-in subject, once', async () => {
    const user = await register(env);
    const gpc = { 'Sec-GPC': '1', 'X-Consentry-Device': DEVICE };
    const res = await env.gql(ME, {}, { token: user.token, headers: gpc });
    expect(res.data.me.saleShare).toMatchObject({ optedOut: true, method: 'GPC' });
    expect((await saleRecords({ subjectId: user.subjectId })).map((r) => [r.decision, r.method])).toEqual([['denied', 'gpc']]);
    const deviceKey = env.app.services.consent.deviceKey(DEVICE);
    expect((await saleRecords({ deviceKey })).map((r) => [r.decision, r.method])).toEqual([['denied', 'gpc']]);
    // The subject's request covers the subject; the device is recorded on its own, without a request (test/e2e/gpc-devices.test.ts).
    expect(await requestOf(res.data.me.saleShare.requestId)).toMatchObject({ manner: 'gpc', details: JSON.stringify({ method: 'gpc', device: false, subject: true }) });
    expect(await env.app.dataSource.getRepository(DeviceOptOut).countBy({ deviceKey })).toBe(1);

    const before = await counts(env, TABLES);
    for (let i = 0; i < 3; i++) expect((await env.gql('{ privacyPolicy { id } }', {}, { token: user.token, headers: gpc })).errors).toBeUndefined();
    expect(await counts(env, TABLES)).toEqual(before);

    // Without a session: the device alone.
    const anonymousDevice = 'gpc-device-0000000000000002';
    await env.gql('{ privacyPolicy { id } }', {}, { headers: { 'Sec-GPC': '1', 'X-Consentry-Device': anonymousDevice } });
    expect((await saleRecords({ deviceKey: env.app.services.consent.deviceKey(anonymousDevice) })).map((r) => r.method)).toEqual(['gpc']);
    // No signal, or Sec-GPC other than 1: nothing.
    const quiet = await register(env);
    await env.gql(ME, {}, { token: quiet.token, headers: { 'Sec-GPC': '0' } });
    expect(await saleRecords({ subjectId: quiet.subjectId })).toEqual([]);
  });

  it('keeps an opt-in given while the GPC signal is on (11 CCR 7025(c)(3)), and re-applies GPC over an opt-in made without it', async () => {
    const user = await register(env);
    const gpc = { 'Sec-GPC': '1' };
    const optIn = await env.gql(OPT_IN, {}, { token: user.token, headers: gpc });
    expect(optIn.data.optInToSale).toMatchObject({ optedOut: false, decision: 'GRANTED' });
    await env.gql(ME, {}, { token: user.token, headers: gpc });
    expect((await saleRecords({ subjectId: user.subjectId })).map((r) => r.decision)).toEqual(['denied', 'granted']);

    const other = await register(env);
    await env.gql(OPT_IN, {}, { token: other.token });
    const after = await env.gql(ME, {}, { token: other.token, headers: gpc });
    expect(after.data.me.saleShare).toMatchObject({ optedOut: true, method: 'GPC' });
  });

  it('refuses a malformed device header with BAD_USER_INPUT and writes nothing', async () => {
    const before = await counts(env, TABLES);
    const res = await env.gql('{ privacyPolicy { id } }', {}, { headers: { 'Sec-GPC': '1', 'X-Consentry-Device': 'short' } });
    expect(res.status).toBe(400);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await counts(env, TABLES)).toEqual(before);
  });

  it('refuses bad input with typed errors and writes nothing', async () => {
    const user = await register(env);
    const before = await counts(env, TABLES);
    const bad = [
      await env.gql(BY_EMAIL, { email: 'not an address' }),
      await env.gql(BY_EMAIL, { email: `${'a'.repeat(250)}@example.com` }),
      await env.gql(REQUESTS, { first: 0 }, { token: await staffToken() }),
      await env.gql(REQUESTS, { first: 10, after: 'not-a-cursor' }, { token: await staffToken() }),
    ];
    for (const res of bad) expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    // processingAllowed answers a result union: format problems come as InvalidInputError (issue 12).
    expectInvalidInput(await env.gql(ALLOWED, { s: 'not an id!', p: 'sale_share' }, { token: await staffToken() }), 'subjectId');
    expectInvalidInput(await env.gql(ALLOWED, { s: user.subjectId, p: '' }, { token: await staffToken() }), 'purpose');
    // The status filter is an enum now: an unknown status is refused by the schema itself.
    const bogusStatus = await env.gql('{ privacyRequests(status: [BOGUS]) { edges { cursor } } }', {}, { token: await staffToken() });
    expect(bogusStatus.errors?.map((e) => e.extensions?.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const unknownPurpose = await allowed(user.subjectId, 'selling_everything');
    expect(unknownPurpose).toMatchObject({ __typename: 'InvalidProcessingPurposeError', errorCode: 'INVALID_PROCESSING_PURPOSE', message: expect.stringContaining('sale_share') });
    expect(await counts(env, TABLES)).toEqual(before);
  });

  it('answers processingAllowed for adults, opted-out adults, a 14-year-old and a 10-year-old with and without a parent', async () => {
    const { subjectAges, consent } = env.app.services;
    const adult = await register(env);
    expect(await allowed(adult.subjectId, 'sale_share')).toMatchObject({ allowed: true, reason: 'NOT_OPTED_OUT', legalBasis: 'OPT_OUT' });
    expect(await allowed(adult.subjectId, 'account')).toMatchObject({ allowed: true, reason: 'CONTRACT' });
    expect(await allowed(adult.subjectId, 'marketing.email')).toMatchObject({ allowed: false, reason: 'NO_CONSENT' });
    await env.gql('mutation { recordConsent(input: { purpose: "marketing.email", granted: true }) { __typename } }', {}, { token: adult.token });
    expect(await allowed(adult.subjectId, 'marketing.email')).toMatchObject({ allowed: true, reason: 'CONSENT_GIVEN' });
    await env.gql('mutation { withdrawConsent(input: { purpose: "marketing.email" }) { __typename } }', {}, { token: adult.token });
    expect(await allowed(adult.subjectId, 'marketing.email')).toMatchObject({ allowed: false, reason: 'CONSENT_WITHDRAWN' });
    await env.gql(OPT_OUT, {}, { token: adult.token });
    expect(await allowed(adult.subjectId, 'sale_share')).toMatchObject({ allowed: false, reason: 'OPTED_OUT', explanation: expect.stringContaining('1798.120') });

    // 14, California: off until the teen opts in themselves.
    const teen = await register(env, { country: 'US' });
    await env.app.db.transaction((em) => subjectAges.record(em, teen.subjectId, { birthDate: { year: 2011, month: 6, day: 1 }, jurisdiction: 'US-CA', source: 'age_gate' }));
    expect(await allowed(teen.subjectId, 'sale_share')).toMatchObject({ allowed: false, reason: 'MINOR_NOT_OPTED_IN' });
    expect((await env.gql(ME, {}, { token: teen.token })).data.me.saleShare).toMatchObject({ optedOut: true, optInRequired: true, optInPromptAllowedAt: null });
    expect((await env.gql(OPT_IN, {}, { token: teen.token })).data.optInToSale).toMatchObject({ optedOut: false, optInRequired: true });
    expect(await allowed(teen.subjectId, 'sale_share')).toMatchObject({ allowed: true, reason: 'MINOR_OPTED_IN' });

    // 10: only a parent can opt in (the parental-consent flow records the parent's disclosure consent).
    const child = await register(env, { country: 'US' });
    await env.app.db.transaction((em) => subjectAges.record(em, child.subjectId, { birthDate: { year: 2015, month: 9, day: 9 }, jurisdiction: 'US-CA', source: 'parent' }));
    expect(await allowed(child.subjectId, 'sale_share')).toMatchObject({ allowed: false, reason: 'CHILD_NO_PARENTAL_OPT_IN' });
    const before = await counts(env, TABLES);
    expect((await env.gql(OPT_IN, {}, { token: child.token })).data.optInToSale).toMatchObject({ __typename: 'SaleOptInNotAllowedError', errorCode: 'SALE_OPT_IN_NOT_ALLOWED' });
    expect(await counts(env, TABLES)).toEqual(before);
    await env.app.db.transaction((em) => consent.record(em, { subjectId: child.subjectId }, { purpose: 'child.disclosure', decision: 'granted', method: 'email_plus', givenBy: 'parent', givenBySubjectId: adult.subjectId }));
    expect(await allowed(child.subjectId, 'sale_share')).toMatchObject({ allowed: true, reason: 'PARENT_OPTED_IN' });
    // An opt-out after the parent's consent wins.
    await env.gql(OPT_OUT, {}, { token: child.token });
    expect(await allowed(child.subjectId, 'sale_share')).toMatchObject({ allowed: false, reason: 'OPTED_OUT' });
  });

  it('takes status into account: restricted, pending parental consent, erased, unknown', async () => {
    const user = await register(env);
    const subjects = env.app.dataSource.getRepository(Subject);
    await subjects.update({ id: user.subjectId }, { status: 'restricted' });
    expect(await allowed(user.subjectId, 'sale_share')).toMatchObject({ allowed: false, reason: 'RESTRICTED' });
    expect(await allowed(user.subjectId, 'account')).toMatchObject({ allowed: true, reason: 'CONTRACT' });
    await subjects.update({ id: user.subjectId }, { status: 'pending_parental_consent' });
    expect(await allowed(user.subjectId, 'security')).toMatchObject({ allowed: false, reason: 'PENDING_PARENTAL_CONSENT' });
    expect(await allowed(user.subjectId, 'transaction_records')).toMatchObject({ allowed: true, reason: 'LEGAL_OBLIGATION' });
    await subjects.update({ id: user.subjectId }, { status: 'erased' });
    expect(await allowed(user.subjectId, 'transaction_records')).toMatchObject({ allowed: false, reason: 'ERASED' });
    expect(await allowed('00000000-0000-4000-8000-000000000000', 'account')).toMatchObject({ allowed: false, reason: 'UNKNOWN_SUBJECT' });
  });

  it('holds the downstream deadline to 15 business days across a weekend and a holiday, and shows staff the overdue request', async () => {
    // Wednesday 20 May 2026; Memorial Day is Monday 25 May: the 15th business day is Thursday 11 June.
    env.clock.set('2026-05-20T15:00:00.000Z');
    receiver.setRefuse(true);
    const user = await register(env);
    const state = (await env.gql(OPT_OUT, {}, { token: user.token })).data.optOutOfSale;
    const request = await requestOf(state.requestId);
    expect(request.dueAt.toISOString()).toBe('2026-06-11T23:59:59.999Z');
    await env.workers.sendMail(); // refused: retried later

    env.clock.set('2026-06-11T23:00:00.000Z');
    await env.workers.fireTimers();
    const onTime = await env.gql(REQUESTS, { type: 'OPT_OUT', overdue: true }, { token: await staffToken() });
    expect(onTime.data.privacyRequests.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(request.id);

    env.clock.set('2026-06-12T00:00:01.000Z');
    await env.workers.fireTimers();
    expect((await env.app.dataSource.getRepository(Workflow).findOneByOrFail({ id: request.workflowId! })).stateValue).toBe('overdue');
    const overdue = await env.gql(REQUESTS, { type: 'OPT_OUT', overdue: true, first: 50 }, { token: await staffToken() });
    expect(overdue.data.privacyRequests.edges.map((e: { node: unknown }) => e.node)).toContainEqual(expect.objectContaining({ id: request.id, overdue: true, status: 'IN_PROGRESS', manner: 'API', type: 'OPT_OUT', rightKey: 'ccpa_opt_out' }));

    // The recipient comes back: the retried notice is delivered and the request completes, late.
    receiver.setRefuse(false);
    receiver.received.length = 0;
    env.clock.advance('2h');
    await env.workers.sendMail();
    expect(receiver.received.map((r) => JSON.parse(r.body).data.requestId)).toContain(request.id);
    const done = await requestOf(request.id);
    expect(done).toMatchObject({ status: 'completed', response: expect.stringContaining('after the 15-business-day deadline') });
    const after = await env.gql(REQUESTS, { type: 'OPT_OUT', overdue: true }, { token: await staffToken() });
    expect(after.data.privacyRequests.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(request.id);
  });

  it('pages staff through privacy requests by due date with a cursor', async () => {
    const first = await env.gql(REQUESTS, { type: 'OPT_OUT', first: 2 }, { token: await staffToken() });
    const page1 = first.data.privacyRequests;
    expect(page1.edges).toHaveLength(2);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const second = (await env.gql(REQUESTS, { type: 'OPT_OUT', first: 200, after: page1.pageInfo.endCursor }, { token: await staffToken() })).data.privacyRequests;
    const all = (await env.gql(REQUESTS, { type: 'OPT_OUT', first: 200 }, { token: await staffToken() })).data.privacyRequests.edges;
    expect([...page1.edges, ...second.edges].map((e: { node: { id: string } }) => e.node.id)).toEqual(all.map((e: { node: { id: string } }) => e.node.id));
    const dues = all.map((n: { dueAt: string }) => n.dueAt);
    expect([...dues].sort()).toEqual(dues);
  });
});
