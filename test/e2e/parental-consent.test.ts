import { AgeGateCheck, AuditEvent, ConsentRecord, GuardianLink, OutboxMessage, Profile, Subject, Timer, Workflow } from '../../src/entities';
import { expectInvalidInput, INVALID_INPUT } from '../helpers/invalid-input';
import { createAdmin, createStaff } from '../helpers/staff';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { startRegisteredReceiver, type RegisteredReceiver } from '../helpers/webhook-receiver';
import { rowCounts } from '../helpers/workflow-fixtures';

const AGE_GATE = `mutation($input: AgeGateInput!) { ageGate(input: $input) { __typename ... on AgeGateDecision { outcome } } }`;
const REGISTER_CHILD = `mutation($input: RegisterChildInput!) { registerChild(input: $input) {
  __typename
  ... on ChildRegistration { childId status }
  ... on ErrorResult { errorCode message }
  ${INVALID_INPUT}
} }`;

/**
 * The COPPA parent journey over HTTP: age gate → child registration → direct notice mail → consent
 * page (GET changes nothing, POST decides) → email plus confirmation after the delay → active child;
 * decline, expiry, disclosing features verified by staff, and bad input.
 */
describe('parental consent', () => {
  let env: TestEnv;
  let n = 0;
  let receiver: RegisteredReceiver;
  beforeAll(async () => {
    env = await createTestEnv(); // clock: 2026-03-02
    receiver = await startRegisteredReceiver(env, ['erasure', 'consent_withdrawn']);
  });
  afterAll(async () => {
    await env?.stop();
    await receiver?.close();
  });
  /** The signed erasure notices delivered so far about a subject. */
  const erasureNotices = (subjectId: string) => receiver.notices().filter((body) => body.type === 'erasure' && body.subjectId === subjectId);

  const m = () => env.app.dataSource.manager;
  const childDob = { day: 5, month: 6, year: 2016 };

  /** Age gate (US, 9 years old unless told otherwise) and registration; returns the child id, the parent address and the consent link. */
  async function registerChild(overrides: Record<string, unknown> = {}, gateInput: { dateOfBirth: typeof childDob; country: string } = { dateOfBirth: childDob, country: 'US' }) {
    const i = ++n;
    const deviceId = `parent-flow-device-${String(i).padStart(6, '0')}`;
    const gate = await env.gql(AGE_GATE, { input: { ...gateInput, deviceId } });
    expect(gate.data.ageGate.outcome).toBe('PARENTAL_CONSENT_REQUIRED');
    const parentEmail = (overrides.parentEmail as string | undefined) ?? `parent-${i}@example.test`;
    const res = await env.gql(REGISTER_CHILD, { input: { deviceId, username: `kid_${i}`, parentEmail, dateOfBirth: gateInput.dateOfBirth, locale: 'en', ...overrides } });
    const result = res.data.registerChild;
    expect(result).toMatchObject({ __typename: 'ChildRegistration', status: 'PENDING_PARENTAL_CONSENT' });
    await env.workers.sendMail();
    const notice = await env.mail.expectOne({ to: parentEmail, template: 'parental-consent-request' });
    return { childId: result.childId as string, parentEmail, notice, link: local(env.mail.linkIn(notice)) };
  }
  const local = (link: string) => link.replace(env.app.config.publicUrl, env.url);
  const workflowOf = async (childId: string) => m().findOneByOrFail(Workflow, { subjectId: childId, machineId: 'parental-consent' });

  async function open(link: string) {
    const res = await fetch(link);
    const body = await res.text();
    return { res, body, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0], csrf: /name="csrf" value="([^"]+)"/.exec(body)?.[1] ?? '' };
  }
  /** Submits the consent page's form like a browser: the ticked boxes and the pressed button. */
  async function submit(link: string, fields: [string, string][]) {
    const { cookie, csrf } = await open(link);
    const body = new URLSearchParams([['csrf', csrf], ...fields]).toString();
    const res = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body, redirect: 'manual' });
    return { status: res.status, body: await res.text() };
  }
  const consentsOf = async (childId: string) =>
    (await m().find(ConsentRecord, { where: { subjectId: childId }, order: { id: 'ASC' } })).map((r) => ({ purpose: r.purpose, decision: r.decision, method: r.method, givenBy: r.givenBy, evidence: JSON.parse(r.evidence) }));

  it('registers a child with only what §312.5(c)(1) allows and mails the direct notice from the policy', async () => {
    const { childId, parentEmail, notice } = await registerChild();
    const child = await m().findOneByOrFail(Subject, { id: childId });
    expect(child).toMatchObject({ status: 'pending_parental_consent', passwordHash: null, telephone: null, postalAddress: null, country: 'US', displayName: `kid_${n}` });
    expect(child.email).toMatch(/@children\.invalid$/);
    expect(await m().findOneByOrFail(Profile, { subjectId: childId })).toMatchObject({ username: `kid_${n}`, bio: null, pictureUrl: null, interests: '[]' });
    expect(await m().findOneByOrFail(GuardianLink, { childId })).toMatchObject({ parentEmail, status: 'pending', verificationMethod: null, permissions: '[]', childBirthDate: '2016-06-05', jurisdiction: 'US' });
    expect(await consentsOf(childId)).toEqual([]);
    // The screened age is known from now on: other services are told no for everything until a parent consents.
    const staff = await createStaff(env, await createAdmin(env));
    const decision = await env.gql('query($s: ID!) { processingAllowed(subjectId: $s, purpose: "sale_share") { ... on ProcessingDecision { allowed reason } } }', { s: childId }, { token: staff.token });
    expect(decision.data.processingAllowed).toMatchObject({ allowed: false, reason: 'PENDING_PARENTAL_CONSENT' });
    expect(await env.app.services.subjectAges.rule(childId)).toMatchObject({ age: 9, jurisdiction: 'US' });
    // The direct notice: every §312.4(c)(1) element, from the policy, with the deletion date.
    expect(notice.subject).toContain('Your consent is needed');
    for (const phrase of ['WHY YOU ARE RECEIVING THIS', 'NOTHING HAPPENS WITHOUT YOUR CONSENT', 'Public profile', 'Posting in the community', 'OUR FULL PRIVACY NOTICE', 'IF YOU DO NOT ANSWER', 'March 16, 2026']) {
      expect(notice.text).toContain(phrase);
    }
  });

  it('GET shows the notice and a form with nothing pre-ticked, and changes nothing; POST consents; 24 h later the confirmation mail and an active child', async () => {
    const { childId, parentEmail, link } = await registerChild();
    const before = await rowCounts(env);
    for (const method of ['GET', 'HEAD', 'GET']) expect((await fetch(link, { method })).status).toBe(200);
    const { body } = await open(link);
    expect(await rowCounts(env)).toEqual(before);
    expect(body).toContain('<h2>Nothing happens without your consent</h2>');
    expect(body).toContain('name="account" value="yes"');
    expect(body).toContain('name="feature" value="personalized_content"');
    expect(body).toContain('name="feature" value="public_profile"');
    expect(body).toContain('<button type="submit" name="decision" value="decline" class="secondary">');
    expect(body).not.toMatch(/checked/);
    expect((await workflowOf(childId)).stateValue).toBe('awaiting_consent');

    const res = await submit(link, [['account', 'yes'], ['feature', 'personalized_content'], ['decision', 'consent']]);
    expect(res.status).toBe(200);
    expect(res.body).toContain('your consent is recorded');
    const wf = await workflowOf(childId);
    expect(wf.stateValue).toBe('awaiting_confirmation_delay');
    expect(await consentsOf(childId)).toEqual([
      { purpose: 'child.collection', decision: 'granted', method: 'email_plus', givenBy: 'parent', evidence: { workflowId: wf.id } },
      { purpose: 'child.feature.personalized_content', decision: 'granted', method: 'email_plus', givenBy: 'parent', evidence: { workflowId: wf.id } },
    ]);
    expect((await m().findOneByOrFail(Subject, { id: childId })).status).toBe('pending_parental_consent');
    // The link is single-use.
    expect((await submit(link, [['account', 'yes'], ['decision', 'consent']])).status).toBe(410);

    env.clock.advance('23h');
    await env.workers.fireTimers();
    await env.workers.sendMail();
    expect(await env.mail.find({ to: parentEmail, template: 'parental-consent-confirmation' })).toHaveLength(0);
    env.clock.advance('1h');
    await env.workers.fireTimers();
    await env.workers.sendMail();
    const confirmation = await env.mail.expectOne({ to: parentEmail, template: 'parental-consent-confirmation' });
    expect(confirmation.text).toContain('you can revoke your consent at any time');
    expect((await m().findOneByOrFail(Subject, { id: childId })).status).toBe('active');
    expect(await m().findOneByOrFail(GuardianLink, { childId })).toMatchObject({ status: 'active', verificationMethod: 'email_plus', permissions: '["personalized_content"]' });
    expect((await workflowOf(childId)).stateValue).toBe('active');

    // The revoke link in the confirmation: the child is restricted and every child purpose withdrawn.
    const revoke = await fetch(local(env.mail.linkIn(confirmation)));
    expect(await revoke.text()).toContain('Revoke your consent');
    const revoked = await submit(local(env.mail.linkIn(confirmation)), []);
    expect(revoked.status).toBe(200);
    expect((await m().findOneByOrFail(Subject, { id: childId })).status).toBe('restricted');
    expect((await consentsOf(childId)).slice(2).map((r) => [r.purpose, r.decision])).toEqual([
      ['child.collection', 'withdrawn'],
      ['child.feature.personalized_content', 'withdrawn'],
    ]);
  });

  it('an incomplete form (no box (a)) changes nothing and the link still works', async () => {
    const { childId, link } = await registerChild();
    const before = await rowCounts(env);
    const res = await submit(link, [['feature', 'personalized_content'], ['decision', 'consent']]);
    expect(res.status).toBe(400);
    expect(res.body).toContain('To consent, tick (a)');
    const unknownFeature = await submit(link, [['account', 'yes'], ['feature', 'sell_everything'], ['decision', 'consent']]);
    expect(unknownFeature.status).toBe(400);
    expect(await rowCounts(env)).toEqual(before);
    expect((await workflowOf(childId)).stateValue).toBe('awaiting_consent');
    expect((await submit(link, [['account', 'yes'], ['decision', 'consent']])).status).toBe(200);
  });

  /**
   * Nothing about the child or the parent remains but the tombstone and the pseudonymous audit. A
   * deletion the parent asked for (or the end of the retention they were told of) leaves one row with
   * the address: the confirmation mail, which forgets it once sent.
   */
  async function expectErased(childId: string, parentEmail: string, operation = /^parental-consent\.(declined|expired)$/) {
    const mailed = /parent_request|retention_ended/.test(operation.source);
    const queued = await m().findBy(OutboxMessage, { recipient: parentEmail });
    expect(queued.map((r) => [r.template, r.subjectId, r.status])).toEqual(mailed ? [['parental-data-deleted', null, 'queued']] : []);
    await env.workers.sendMail();
    // Every path tells the recipients subscribed to erasure, once, signed.
    const notices = erasureNotices(childId);
    expect(notices).toHaveLength(1);
    expect(`parental-consent.${notices[0].data.reason}`).toMatch(operation);
    const confirmations = (await env.mail.find({ to: parentEmail, template: 'parental-data-deleted' })).filter((mail) => mail.subject.startsWith('We deleted'));
    expect(confirmations).toHaveLength(mailed ? 1 : 0);
    if (mailed) {
      expect(confirmations[0].subject).toBe('We deleted your child’s data on m-exe.com');
      expect(confirmations[0].text).toContain('This is the last mail we send to this address');
      expect(await m().findOneByOrFail(OutboxMessage, { id: confirmations[0].outboxId })).toMatchObject({ status: 'sent', recipient: '[erased]', params: '{}' });
    }
    const child = await m().findOneByOrFail(Subject, { id: childId });
    expect(child).toMatchObject({ status: 'erased', displayName: '' });
    expect(await m().countBy(GuardianLink, { childId })).toBe(0);
    expect(await m().countBy(GuardianLink, { parentEmail })).toBe(0);
    expect(await m().countBy(Profile, { subjectId: childId })).toBe(0);
    expect(await m().countBy(Workflow, { subjectId: childId })).toBe(0);
    expect(await m().countBy(OutboxMessage, { recipient: parentEmail })).toBe(0);
    const workflows = await m().find(Workflow);
    expect(workflows.some((w) => w.snapshot.includes(parentEmail))).toBe(false);
    const ref = env.app.services.audit.ref(childId);
    const erase = (await m().findBy(AuditEvent, { action: 'subject.erase' })).filter((a) => JSON.parse(a.details).subjectRef === ref);
    expect(erase).toHaveLength(1);
    expect(erase[0].operation).toMatch(operation);
    expect(JSON.stringify(erase[0])).not.toContain(parentEmail);
  }

  it('decline: the parent’s email and the child’s data are deleted now', async () => {
    const { childId, parentEmail, link } = await registerChild();
    const res = await submit(link, [['decision', 'decline']]);
    expect(res.status).toBe(200);
    expect(res.body).toContain('You declined');
    await expectErased(childId, parentEmail);
    expect(await consentsOf(childId)).toEqual([]);
  });

  it('expiry: a reminder with a fresh link 3 days before, then after 14 days everything is deleted', async () => {
    const { childId, parentEmail, link } = await registerChild();
    env.clock.advance('10d');
    await env.workers.fireTimers();
    await env.workers.sendMail();
    expect(await env.mail.find({ to: parentEmail, template: 'parental-consent-reminder' })).toHaveLength(0);
    env.clock.advance('1d');
    await env.workers.fireTimers();
    await env.workers.sendMail();
    const reminder = await env.mail.expectOne({ to: parentEmail, template: 'parental-consent-reminder' });
    expect(reminder.subject).toMatch(/^Reminder: /);
    expect(local(env.mail.linkIn(reminder))).not.toBe(link);
    expect((await fetch(link)).status).toBe(410);
    expect((await fetch(local(env.mail.linkIn(reminder)))).status).toBe(200);
    env.clock.advance('3d');
    await env.workers.fireTimers();
    await expectErased(childId, parentEmail);
    expect((await fetch(local(env.mail.linkIn(reminder)))).status).toBe(404);
  });

  const PLACE_HOLD = `mutation($input: PlaceLegalHoldInput!) { placeLegalHold(input: $input) { __typename ... on LegalHold { id } } }`;
  const RELEASE_HOLD = `mutation($id: ID!) { releaseLegalHold(input: { holdId: $id }) { __typename ... on LegalHold { id } } }`;
  async function placeHold(staffToken: string, subjectId: string) {
    const hold = (await env.gql(PLACE_HOLD, { input: { subjectId, reason: 'legal_obligation', note: 'Regulator inquiry 2026-17' } }, { token: staffToken })).data.placeLegalHold;
    expect(hold.__typename).toBe('LegalHold');
    return hold.id as string;
  }

  it('a legal hold on the child keeps everything when the parent declines: no erasure, no notice; releasing the hold erases it', async () => {
    const staff = await createStaff(env, await createAdmin(env));
    const { childId, parentEmail, link } = await registerChild();
    const holdId = await placeHold(staff.token, childId);
    expect((await submit(link, [['decision', 'decline']])).status).toBe(200);
    expect((await workflowOf(childId)).stateValue).toBe('deleted');
    expect(await m().findOneByOrFail(Subject, { id: childId })).toMatchObject({ status: 'pending_parental_consent' });
    expect(await m().countBy(Profile, { subjectId: childId })).toBe(1);
    expect(await m().findOneByOrFail(GuardianLink, { childId })).toMatchObject({ status: 'erasure_held', heldErasure: 'declined', parentEmail });
    expect(JSON.parse((await m().findOneByOrFail(AuditEvent, { action: 'child.erasure_held', subjectId: childId })).details)).toEqual({ reason: 'declined', holds: ['legal_obligation'] });
    await env.workers.sendMail();
    expect(erasureNotices(childId)).toHaveLength(0);
    // A decline is not mailed about (the parent said no; the address may not even be theirs).
    expect(await env.mail.find({ to: parentEmail, template: 'parental-data-deleted' })).toHaveLength(0);
    const ALLOWED = 'query($s: ID!) { processingAllowed(subjectId: $s, purpose: "account") { ... on ProcessingDecision { allowed reason } } }';
    expect((await env.gql(ALLOWED, { s: childId }, { token: staff.token })).data.processingAllowed).toEqual({ allowed: false, reason: 'PENDING_PARENTAL_CONSENT' });

    expect((await env.gql(RELEASE_HOLD, { id: holdId }, { token: staff.token })).data.releaseLegalHold.__typename).toBe('LegalHold');
    await expectErased(childId, parentEmail);
  });

  it('the end of the retention under a legal hold: the parent is told the data is kept and why; when the hold is released it is erased and confirmed', async () => {
    const staff = await createStaff(env, await createAdmin(env));
    const { childId, parentEmail, link } = await registerChild();
    await consentAndActivate(link, []);
    expect((await submit(local(env.mail.linkIn(await env.mail.expectOne({ to: parentEmail, template: 'parental-consent-confirmation' }))), [])).status).toBe(200);
    const holdId = await placeHold(staff.token, childId);
    env.clock.advance('30d');
    await env.workers.fireTimers();
    await env.workers.sendMail();
    expect(await m().findOneByOrFail(Subject, { id: childId })).toMatchObject({ status: 'restricted' });
    expect(await m().findOneByOrFail(GuardianLink, { childId })).toMatchObject({ status: 'erasure_held', heldErasure: 'retention_ended' });
    expect(erasureNotices(childId)).toHaveLength(0);
    const told = await env.mail.expectOne({ to: parentEmail, template: 'parental-data-deleted' });
    expect(told.subject).toBe('Your child’s data on m-exe.com is kept for now');
    expect(told.text).toContain('The date on which we were to delete everything we hold about');
    expect(told.text).toContain('Kept: Legal obligation');
    expect(told.text).not.toContain('Regulator inquiry');

    // 30 days on, the first staff session has ended: another staff member releases the hold.
    const later = await createStaff(env, await createAdmin(env));
    expect((await env.gql(RELEASE_HOLD, { id: holdId }, { token: later.token })).data.releaseLegalHold.__typename).toBe('LegalHold');
    await expectErased(childId, parentEmail, /^parental-consent\.retention_ended$/);
    const [done] = (await env.mail.find({ to: parentEmail, template: 'parental-data-deleted' })).filter((mail) => mail.outboxId !== told.outboxId);
    expect(done.text).toContain('The legal hold that kept it has ended');
  });

  it('disclosing features are never granted by email plus: staff verify and approve with a note', async () => {
    const admin = await createAdmin(env);
    const staff = await createStaff(env, admin);
    const { childId, parentEmail, link } = await registerChild();
    const res = await submit(link, [['account', 'yes'], ['feature', 'public_profile'], ['feature', 'personalized_content'], ['decision', 'consent']]);
    expect(res.status).toBe(200);
    expect(res.body).toContain('we have sent you an email with a link where you can return a signed consent form');
    const wf = await workflowOf(childId);
    expect(wf.stateValue).toBe('awaiting_stronger_verification');
    expect((await consentsOf(childId)).map((r) => [r.purpose, r.method])).toEqual([
      ['child.collection', 'email_plus'],
      ['child.feature.personalized_content', 'email_plus'],
    ]);
    expect(await m().findOneByOrFail(GuardianLink, { childId })).toMatchObject({ status: 'awaiting_verification', permissions: '["personalized_content"]' });
    // No confirmation timer runs while staff have not decided.
    env.clock.advance('2d');
    await env.workers.fireTimers();
    expect((await workflowOf(childId)).stateValue).toBe('awaiting_stronger_verification');

    const queue = await env.gql('{ parentalVerificationQueue { workflowId childId requestedFeatures } }', {}, { token: staff.token });
    expect(queue.data.parentalVerificationQueue).toContainEqual({ workflowId: wf.id, childId, requestedFeatures: ['public_profile'] });
    const DECIDE = `mutation($input: DecideParentalVerificationInput!) { decideParentalVerification(input: $input) { __typename ... on ParentalVerificationDecision { state } ... on ErrorResult { errorCode } } }`;
    const decided = await env.gql(DECIDE, { input: { workflowId: wf.id, approve: true, note: 'Signed form received and checked against a call' } }, { token: staff.token });
    expect(decided.data.decideParentalVerification).toEqual({ __typename: 'ParentalVerificationDecision', state: 'AWAITING_CONFIRMATION_DELAY' });
    const records = await consentsOf(childId);
    expect(records[2]).toMatchObject({ purpose: 'child.feature.public_profile', decision: 'granted', method: 'staff_verified', givenBy: 'parent', evidence: { workflowId: wf.id, verifiedBy: staff.subjectId } });
    const again = await env.gql(DECIDE, { input: { workflowId: wf.id, approve: false, note: 'second try' } }, { token: staff.token });
    expect(again.data.decideParentalVerification).toEqual({ __typename: 'WorkflowEventNotAcceptedError', errorCode: 'WORKFLOW_EVENT_NOT_ACCEPTED' });

    env.clock.advance('24h');
    await env.workers.fireTimers();
    await env.workers.sendMail();
    await env.mail.expectOne({ to: parentEmail, template: 'parental-consent-confirmation' });
    expect(await m().findOneByOrFail(GuardianLink, { childId })).toMatchObject({ status: 'active', verificationMethod: 'staff_verified', permissions: '["personalized_content","public_profile"]' });
    expect((await m().findOneByOrFail(Subject, { id: childId })).status).toBe('active');
  });

  it('staff reject: the disclosing feature is recorded as refused, the account goes on with what email plus allowed', async () => {
    const admin = await createAdmin(env);
    const staff = await createStaff(env, admin);
    const { childId, parentEmail, link } = await registerChild();
    expect((await submit(link, [['account', 'yes'], ['feature', 'community_posting'], ['decision', 'consent']])).status).toBe(200);
    const wf = await workflowOf(childId);
    const DECIDE = `mutation($input: DecideParentalVerificationInput!) { decideParentalVerification(input: $input) { __typename ... on ParentalVerificationDecision { state } } }`;
    const res = await env.gql(DECIDE, { input: { workflowId: wf.id, approve: false, note: 'No signed form arrived; the call number did not answer' } }, { token: staff.token });
    expect(res.data.decideParentalVerification.state).toBe('AWAITING_CONFIRMATION_DELAY');
    expect((await consentsOf(childId)).map((r) => [r.purpose, r.decision, r.method])).toEqual([
      ['child.collection', 'granted', 'email_plus'],
      ['child.feature.community_posting', 'denied', 'staff_verified'],
    ]);
    env.clock.advance('24h');
    await env.workers.fireTimers();
    await env.workers.sendMail();
    await env.mail.expectOne({ to: parentEmail, template: 'parental-consent-confirmation' });
    expect(await m().findOneByOrFail(GuardianLink, { childId })).toMatchObject({ status: 'active', verificationMethod: 'email_plus', permissions: '[]' });
    // Without a staff session: refused before anything happens.
    const parentless = await env.gql(DECIDE, { input: { workflowId: wf.id, approve: true, note: 'let me in' } });
    expect(parentless.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('parent dashboard: a one-use link to the verified address shows the child’s data; the parent changes features, then deletes everything', async () => {
    const { childId, parentEmail, link } = await registerChild();
    expect((await submit(link, [['account', 'yes'], ['feature', 'personalized_content'], ['decision', 'consent']])).status).toBe(200);
    env.clock.advance('24h');
    await env.workers.fireTimers();
    const REQUEST = `mutation($input: RequestParentDashboardInput!) { requestParentDashboard(input: $input) { __typename ... on ParentDashboardRequested { message } } }`;
    const unknown = await env.gql(REQUEST, { input: { email: 'nobody-at-all@example.test' } });
    const known = await env.gql(REQUEST, { input: { email: parentEmail.toUpperCase() } });
    expect(known.data).toEqual(unknown.data);
    await env.workers.sendMail();
    expect(await env.mail.find({ to: 'nobody-at-all@example.test' })).toHaveLength(0);
    const dashboard = local(env.mail.linkIn(await env.mail.expectOne({ to: parentEmail, template: 'parent-dashboard' })));

    const before = await rowCounts(env);
    const { body } = await open(dashboard);
    expect(await rowCounts(env)).toEqual(before);
    expect(body).toContain('<h2>What we hold about your child</h2>');
    expect(body).toContain(`username: kid_${n}`);
    expect(body).toContain(`parentEmail: ${parentEmail}`);
    expect(body).toContain('name="feature" value="personalized_content" checked');
    expect(body).not.toContain('value="public_profile"');

    // Switching personalized content off (and trying to switch a disclosing feature on, which the page does not offer).
    const saved = await submit(dashboard, [['feature', 'public_profile'], ['action', 'permissions']]);
    expect(saved.status).toBe(200);
    expect(saved.body).toContain('Your choice of features is saved.');
    expect((await consentsOf(childId)).slice(2).map((r) => [r.purpose, r.decision, r.method])).toEqual([['child.feature.personalized_content', 'withdrawn', 'email_link']]);
    expect(await m().findOneByOrFail(GuardianLink, { childId })).toMatchObject({ status: 'active', permissions: '[]' });
    expect((await submit(dashboard, [['action', 'delete']])).status).toBe(410);

    await env.gql(REQUEST, { input: { email: parentEmail } });
    await env.workers.sendMail();
    // Mails are files named by outbox id (random): the new one is the one with another link.
    const links = (await env.mail.find({ to: parentEmail, template: 'parent-dashboard' })).map((mail) => local(env.mail.linkIn(mail)));
    expect(links).toHaveLength(2);
    const deleted = await submit(links.find((l) => l !== dashboard)!, [['action', 'delete']]);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toContain('We have deleted your child’s data');
    await expectErased(childId, parentEmail, /^parental-consent\.parent_request$/);
  });

  const REQUEST_DASHBOARD = `mutation($input: RequestParentDashboardInput!) { requestParentDashboard(input: $input) { __typename } }`;
  const CHILD_ACCOUNT = `query($c: ID!) { childAccount(childId: $c) { __typename ... on ChildAccountState { status consentStatus awaitingTeenConfirmation teenConfirmationDueAt } } }`;
  const dateText = (d: Date) => d.toLocaleDateString('en-US', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
  /** The parent consents on the page (the account and these features); 24 h later the consent is active. */
  async function consentAndActivate(link: string, features: string[]) {
    expect((await submit(link, [['account', 'yes'], ...features.map((f): [string, string] => ['feature', f]), ['decision', 'consent']])).status).toBe(200);
    env.clock.advance('24h');
    await env.workers.fireTimers();
    await env.workers.sendMail();
  }
  /** A date of birth whose birthday at `age` is `days` from now. */
  const bornToTurn = (age: number, days: number) => {
    const birthday = new Date(env.clock.now().getTime() + days * 86_400_000);
    return { day: birthday.getUTCDate(), month: birthday.getUTCMonth() + 1, year: birthday.getUTCFullYear() - age };
  };

  /** A child (personalized content allowed) whose birthday at the local threshold has just passed: the parent's age-up mail. */
  async function handedOver(threshold: number, country: string) {
    // France: under 15 the child agrees too (joint consent); elsewhere the field is ignored.
    const { childId, parentEmail, link } = await registerChild({ childAgrees: true }, { dateOfBirth: bornToTurn(threshold, 2), country });
    await consentAndActivate(link, ['personalized_content']);
    env.clock.advance('1d');
    await env.workers.fireTimers();
    await env.workers.sendMail();
    return { childId, told: await env.mail.expectOne({ to: parentEmail, template: 'parental-consent-age-up' }) };
  }

  it('after a revocation the parent is told the deletion date, can still ask for the dashboard, and its page offers only deletion', async () => {
    const { childId, parentEmail, link } = await registerChild();
    await consentAndActivate(link, ['personalized_content']);
    const revokeLink = local(env.mail.linkIn(await env.mail.expectOne({ to: parentEmail, template: 'parental-consent-confirmation' })));
    expect((await submit(revokeLink, [])).status).toBe(200);
    const wf = await workflowOf(childId);
    expect(wf.stateValue).toBe('revoked');
    await env.workers.sendMail();
    const notice = await env.mail.expectOne({ to: parentEmail, template: 'parental-consent-revoked' });
    expect(notice.text).toContain(`until ${dateText(new Date(env.clock.now().getTime() + 30 * 86_400_000))}`);
    expect(notice.text).toContain('needs to register again');
    // The age-up timer is gone; the retention's is the only one left.
    expect((await m().findBy(Timer, { workflowId: wf.id, status: 'pending' })).map((t) => t.name)).toEqual(['retention']);

    await env.gql(REQUEST_DASHBOARD, { input: { email: parentEmail } });
    await env.workers.sendMail();
    const mail = await env.mail.expectOne({ to: parentEmail, template: 'parent-dashboard' });
    expect(mail.text).toContain('You revoked your consent earlier');
    const dashboard = local(env.mail.linkIn(mail));
    const before = await rowCounts(env);
    const { body } = await open(dashboard);
    expect(await rowCounts(env)).toEqual(before);
    expect(body).toContain(`username: kid_${n}`);
    expect(body).toContain('your child needs to register again');
    expect(body).toContain('name="action" value="delete"');
    for (const offered of ['value="permissions"', 'value="revoke"', 'name="feature"']) expect(body).not.toContain(offered);
    // A forged permissions answer is refused and changes nothing; the link still works for the deletion.
    const forged = await submit(dashboard, [['feature', 'personalized_content'], ['action', 'permissions']]);
    expect(forged.status).toBe(409);
    expect(await rowCounts(env)).toEqual(before);
    const deleted = await submit(dashboard, [['action', 'delete']]);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toContain('We have deleted your child’s data');
    await expectErased(childId, parentEmail, /^parental-consent\.parent_request$/);
  });

  it('a revoked child’s data is erased when PARENTAL_REVOKED_RETENTION (30 days) ends, if the parent did not delete it sooner', async () => {
    const { childId, parentEmail, link } = await registerChild();
    await consentAndActivate(link, []);
    expect((await submit(local(env.mail.linkIn(await env.mail.expectOne({ to: parentEmail, template: 'parental-consent-confirmation' }))), [])).status).toBe(200);
    env.clock.advance('29d');
    await env.workers.fireTimers();
    expect((await workflowOf(childId)).stateValue).toBe('revoked');
    expect((await m().findOneByOrFail(Subject, { id: childId })).status).toBe('restricted');
    env.clock.advance('1d');
    await env.workers.fireTimers();
    await expectErased(childId, parentEmail, /^parental-consent\.retention_ended$/);
  });

  it('age-up: the parent gets a one-use handover link for the teen; GET changes nothing; the teen keeps one setting, drops one, switches one on: the teen’s own consent records', async () => {
    const staff = await createStaff(env, await createAdmin(env));
    const dob = bornToTurn(13, 40);
    const { childId, parentEmail, link } = await registerChild({ username: 'almost_thirteen' }, { dateOfBirth: dob, country: 'US' });
    expect((await submit(link, [['account', 'yes'], ['feature', 'personalized_content'], ['feature', 'public_profile'], ['decision', 'consent']])).status).toBe(200);
    const DECIDE = `mutation($input: DecideParentalVerificationInput!) { decideParentalVerification(input: $input) { __typename } }`;
    await env.gql(DECIDE, { input: { workflowId: (await workflowOf(childId)).id, approve: true, note: 'Signed form checked' } }, { token: staff.token });
    env.clock.advance('24h');
    await env.workers.fireTimers();
    expect((await workflowOf(childId)).stateValue).toBe('active');
    env.clock.advance('38d');
    await env.workers.fireTimers();
    expect((await workflowOf(childId)).stateValue).toBe('active');
    env.clock.advance('1d');
    await env.workers.fireTimers();
    await env.workers.sendMail();
    expect((await workflowOf(childId)).stateValue).toBe('awaiting_teen_confirmation');
    expect((await m().findOneByOrFail(GuardianLink, { childId })).status).toBe('aged_up');
    expect((await m().findOneByOrFail(Subject, { id: childId })).status).toBe('active');
    const due = new Date(env.clock.now().getTime() + 30 * 86_400_000);
    // The site's service account (staff sessions last SESSION_TTL: a fresh one 40 days later).
    const service = await createStaff(env, await createAdmin(env));
    expect((await env.gql(CHILD_ACCOUNT, { c: childId }, { token: service.token })).data.childAccount).toEqual({
      __typename: 'ChildAccountState', status: 'ACTIVE', consentStatus: 'AGED_UP', awaitingTeenConfirmation: true, teenConfirmationDueAt: due.toISOString(),
    });
    const told = await env.mail.expectOne({ to: parentEmail, template: 'parental-consent-age-up' });
    expect(told.text).toContain('has turned 13');
    expect(told.text).toContain('Please give the link below to almost_thirteen');
    expect(told.text).toContain(`until ${dateText(due)}`);
    // Until the teen answers, the parent's consents stand on the teen's account, re-stated by the system.
    expect((await consentsOf(childId)).filter((r) => r.givenBy === 'system').map((r) => r.purpose).sort()).toEqual(['child.collection', 'child.feature.personalized_content', 'child.feature.public_profile']);

    const handover = local(env.mail.linkIn(told));
    const token = handover.split('/l/')[1];
    const before = await rowCounts(env);
    const { res, body } = await open(handover);
    const PREVIEW = `query($t: String!) { actionLink(token: $t) { ... on ActionLink { purpose choices { name value checked } } } }`;
    const preview = (await env.gql(PREVIEW, { t: token })).data.actionLink;
    expect(await rowCounts(env)).toEqual(before);
    expect(res.status).toBe(200);
    expect(body).toContain('Hi almost_thirteen! You are now old enough to decide about your own data.');
    expect(body).toContain('name="feature" value="personalized_content" checked');
    expect(body).toContain('name="feature" value="public_profile" checked');
    expect(body).toContain('name="feature" value="community_posting">');
    expect(body).toContain('Your parent had this on.');
    expect(preview).toEqual({
      purpose: 'teen-handover',
      choices: [
        { name: 'feature', value: 'public_profile', checked: true },
        { name: 'feature', value: 'community_posting', checked: false },
        { name: 'feature', value: 'personalized_content', checked: true },
      ],
    });

    const answered = await submit(handover, [['feature', 'public_profile'], ['feature', 'community_posting'], ['decision', 'confirm']]);
    expect(answered.status).toBe(200);
    expect(answered.body).toContain('Your settings are saved.');
    expect((await workflowOf(childId)).stateValue).toBe('aged_up');
    const own = (await consentsOf(childId)).filter((r) => r.givenBy === 'self');
    expect(own.map((r) => [r.purpose, r.decision, r.method])).toEqual([
      ['child.collection', 'granted', 'email_link'],
      ['child.feature.public_profile', 'granted', 'email_link'],
      ['child.feature.community_posting', 'granted', 'email_link'],
      ['child.feature.personalized_content', 'withdrawn', 'email_link'],
    ]);
    expect(own.every((r) => r.evidence.via === 'teen-handover')).toBe(true);
    expect(await m().countBy(ConsentRecord, { subjectId: childId, givenBy: 'self', givenBySubjectId: childId })).toBe(4);
    expect(await m().countBy(AuditEvent, { action: 'child.teen_confirm', subjectId: childId })).toBe(1);
    // The teen's own withdrawal reaches the recipients subscribed to consent_withdrawn.
    await env.workers.sendMail();
    const withdrawn = receiver.notices().filter((b) => b.type === 'consent_withdrawn' && b.subjectId === childId);
    expect(withdrawn).toEqual([expect.objectContaining({ data: { purposes: ['child.feature.personalized_content'], givenBy: 'self', method: 'email_link' } })]);
    expect((await env.gql(CHILD_ACCOUNT, { c: childId }, { token: service.token })).data.childAccount).toMatchObject({ awaitingTeenConfirmation: false, teenConfirmationDueAt: null });
    expect((await submit(handover, [['decision', 'confirm']])).status).toBe(410);
  });

  it('France: the mail says joint consent ends at 15; the apps’ GraphQL twin takes the teen’s answer as fields; incomplete fields change nothing', async () => {
    const { childId, told } = await handedOver(15, 'FR');
    expect(told.text).toContain('has turned 15. Until now you and your child consented together');
    const token = env.mail.linkIn(told).split('/l/')[1];
    const CONFIRM = `mutation($t: String!, $f: [ActionLinkFieldInput!]) { confirmActionLink(input: { token: $t, fields: $f }) { __typename ... on ActionLink { message } ... on ErrorResult { errorCode message } ${INVALID_INPUT} } }`;
    const before = await rowCounts(env);
    const records = await m().count(ConsentRecord);
    const incomplete = await env.gql(CONFIRM, { t: token, f: [{ name: 'feature', values: ['sell_everything'] }] });
    expect(incomplete.data.confirmActionLink).toMatchObject({ __typename: 'ActionLinkIncompleteError', errorCode: 'ACTION_LINK_INCOMPLETE' });
    const badName = await env.gql(CONFIRM, { t: token, f: [{ name: 'Robert"); DROP', values: [] }] });
    expectInvalidInput(badName);
    expect(await rowCounts(env)).toEqual(before);
    expect(await m().count(ConsentRecord)).toBe(records);
    const done = await env.gql(CONFIRM, { t: token, f: [{ name: 'feature', values: ['community_posting'] }] });
    expect(done.data.confirmActionLink).toEqual({ __typename: 'ActionLink', message: 'Your settings are saved. They are now your own choices.' });
    expect((await workflowOf(childId)).stateValue).toBe('aged_up');
    expect((await consentsOf(childId)).filter((r) => r.givenBy === 'self').map((r) => [r.purpose, r.decision])).toEqual([
      ['child.collection', 'granted'], // the child's half of the joint consent, at registration
      ['child.collection', 'granted'], // the teen's own, on the handover page
      ['child.feature.community_posting', 'granted'],
      ['child.feature.personalized_content', 'withdrawn'],
    ]);
  });

  it('a handover link never used: at its expiry the settings stay as they are (audited) and the workflow ends', async () => {
    const { childId, told } = await handedOver(13, 'US');
    expect(told.text).not.toContain('consented together');
    const records = await consentsOf(childId);
    env.clock.advance('30d');
    await env.workers.fireTimers();
    const wf = await workflowOf(childId);
    expect(wf).toMatchObject({ stateValue: 'aged_up', status: 'done' });
    expect(await consentsOf(childId)).toEqual(records);
    const lapsed = await m().findBy(AuditEvent, { action: 'child.teen_confirmation_lapsed', subjectId: childId });
    expect(lapsed.map((a) => JSON.parse(a.details))).toEqual([{ kept: ['personalized_content'] }]);
    expect((await fetch(local(env.mail.linkIn(told)))).status).toBe(410);
  });

  it('a consent still pending at the birthday has no age-up timer yet; the parent’s later consent activates and hands over to the teen at once', async () => {
    const { childId, parentEmail, link } = await registerChild({}, { dateOfBirth: bornToTurn(13, 5), country: 'US' });
    env.clock.advance('7d');
    await env.workers.fireTimers();
    const wf = await workflowOf(childId);
    expect(wf.stateValue).toBe('awaiting_consent');
    expect((await m().findBy(Timer, { workflowId: wf.id, status: 'pending' })).map((t) => t.name).sort()).toEqual(['expiry', 'reminder']);
    await consentAndActivate(link, []);
    await env.workers.fireTimers();
    await env.workers.sendMail();
    expect((await workflowOf(childId)).stateValue).toBe('awaiting_teen_confirmation');
    await env.mail.expectOne({ to: parentEmail, template: 'parental-consent-confirmation' });
    await env.mail.expectOne({ to: parentEmail, template: 'parental-consent-age-up' });
  });

  it('bad input: unknown device, a device the gate called adult, another date of birth, a taken username: typed errors, nothing written', async () => {
    const adultDevice = 'parent-flow-adult-device-01';
    await env.gql(AGE_GATE, { input: { dateOfBirth: { day: 1, month: 1, year: 1990 }, country: 'US', deviceId: adultDevice } });
    const childDevice = 'parent-flow-child-device-01';
    await env.gql(AGE_GATE, { input: { dateOfBirth: childDob, country: 'US', deviceId: childDevice } });
    const { childId } = await registerChild();
    const taken = (await m().findOneByOrFail(Profile, { subjectId: childId })).username!;
    const before = { ...(await rowCounts(env)), subjects: await m().count(Subject), links: await m().count(GuardianLink), consents: await m().count(ConsentRecord) };
    const input = { username: 'newkid', parentEmail: 'p@example.test', dateOfBirth: childDob, locale: 'en' };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...input, deviceId: 'never-seen-device-000001' }, 'AGE_GATE_DECISION_MISSING'],
      [{ ...input, deviceId: adultDevice, dateOfBirth: { day: 1, month: 1, year: 1990 } }, 'AGE_GATE_DECISION_MISSING'],
      [{ ...input, deviceId: childDevice, dateOfBirth: { day: 6, month: 6, year: 2016 } }, 'DATE_OF_BIRTH_MISMATCH'],
      [{ ...input, deviceId: childDevice, username: taken }, 'USERNAME_TAKEN'],
    ];
    for (const [given, code] of cases) {
      const res = await env.gql(REGISTER_CHILD, { input: given });
      expect(res.data.registerChild.errorCode).toBe(code);
    }
    const invalid = await env.gql(REGISTER_CHILD, { input: { ...input, deviceId: childDevice, parentEmail: 'not an email' } });
    expectInvalidInput(invalid, 'input.parentEmail');
    expect({ ...(await rowCounts(env)), subjects: await m().count(Subject), links: await m().count(GuardianLink), consents: await m().count(ConsentRecord) }).toEqual(before);
  });

  it('binds registration to the username the gate was asked with: another one is a typed error, nothing written, taken or not', async () => {
    const { childId } = await registerChild();
    const taken = (await m().findOneByOrFail(Profile, { subjectId: childId })).username!;
    const deviceId = 'parent-flow-bound-device-01';
    await env.gql(AGE_GATE, { input: { dateOfBirth: childDob, country: 'US', deviceId, identifier: 'bound_kid' } });
    const counted = async () => ({ ...(await rowCounts(env)), subjects: await m().count(Subject), profiles: await m().count(Profile), links: await m().count(GuardianLink) });
    const before = await counted();
    const input = { deviceId, parentEmail: 'bound-parent@example.test', dateOfBirth: childDob, locale: 'en' };
    // A username the gate never saw is refused before anyone looks whether it is taken: the same answer for both.
    for (const username of ['other_kid', taken]) {
      const res = await env.gql(REGISTER_CHILD, { input: { ...input, username } });
      expect(res.data.registerChild.errorCode).toBe('USERNAME_MISMATCH');
      expect(res.data.registerChild.message).not.toContain('bound_kid');
    }
    expect(await counted()).toEqual(before);
    // The bound one (case-insensitive, as the gate matches it) registers.
    const ok = await env.gql(REGISTER_CHILD, { input: { ...input, username: 'Bound_Kid' } });
    expect(ok.data.registerChild.__typename).toBe('ChildRegistration');
    // A typo at the gate: asking again with the right username binds the same answer to it too.
    await env.gql(AGE_GATE, { input: { dateOfBirth: childDob, country: 'US', deviceId, identifier: 'second_name' } });
    expect((await env.gql(REGISTER_CHILD, { input: { ...input, username: 'second_name' } })).data.registerChild.__typename).toBe('ChildRegistration');
  });

  it('limits registration attempts per device (RATE_LIMIT_REGISTER_CHILD_DEVICE, 5 per 15 minutes): the bound username and date cannot be guessed', async () => {
    const deviceId = 'parent-flow-guess-device-01';
    await env.gql(AGE_GATE, { input: { dateOfBirth: childDob, country: 'US', deviceId, identifier: 'secret_kid' } });
    const input = { deviceId, parentEmail: 'guess-parent@example.test', dateOfBirth: childDob, locale: 'en' };
    for (let i = 0; i < 5; i++) {
      expect((await env.gql(REGISTER_CHILD, { input: { ...input, username: `guess_${i}` } })).data.registerChild.errorCode).toBe('USERNAME_MISMATCH');
    }
    // Even the right guess is now refused, so guessing tells nothing.
    expect((await env.gql(REGISTER_CHILD, { input: { ...input, username: 'secret_kid' } })).data.registerChild.errorCode).toBe('RATE_LIMITED');
    env.clock.advance('15m');
    expect((await env.gql(REGISTER_CHILD, { input: { ...input, username: 'secret_kid' } })).data.registerChild.__typename).toBe('ChildRegistration');
  });

  it('anti-retry through registration: after registering, an adult date on the same device still answers parental consent required', async () => {
    const { childId } = await registerChild();
    const deviceId = `parent-flow-device-${String(n).padStart(6, '0')}`;
    const retriedBefore = await m().countBy(AgeGateCheck, { retried: true });
    const retry = await env.gql(`mutation($input: AgeGateInput!) { ageGate(input: $input) { ... on AgeGateDecision { outcome repeated } } }`, {
      input: { dateOfBirth: { day: 1, month: 1, year: 1990 }, country: 'US', deviceId },
    });
    expect(retry.data.ageGate).toEqual({ outcome: 'PARENTAL_CONSENT_REQUIRED', repeated: true });
    expect(await m().countBy(AgeGateCheck, { retried: true })).toBe(retriedBefore + 1);
    // The adult date does not open an adult path either: the device's decision is still the child's.
    const again = await env.gql(REGISTER_CHILD, { input: { deviceId, username: 'grown_up', parentEmail: 'x@example.test', dateOfBirth: { day: 1, month: 1, year: 1990 }, locale: 'en' } });
    expect(again.data.registerChild.errorCode).toBe('DATE_OF_BIRTH_MISMATCH');
    expect(await m().findOneByOrFail(Subject, { id: childId })).toMatchObject({ status: 'pending_parental_consent' });
  });

  it('France’s joint consent (under 15): the child must agree (typed error otherwise, nothing written); the agreement is the child’s record, the parent is told and completes it', async () => {
    const deviceId = 'parent-flow-fr-device-0001';
    const dob = { day: 5, month: 6, year: 2013 }; // 12 on the test clock's date
    const gate = await env.gql(`mutation($input: AgeGateInput!) { ageGate(input: $input) { ... on AgeGateDecision { checkId outcome jointConsent } } }`, { input: { dateOfBirth: dob, country: 'FR', deviceId } });
    expect(gate.data.ageGate).toMatchObject({ outcome: 'PARENTAL_CONSENT_REQUIRED', jointConsent: true });
    const input = { deviceId, username: 'petit_kid', parentEmail: 'fr-parent@example.test', dateOfBirth: dob, locale: 'en' };
    const counted = async () => ({ ...(await rowCounts(env)), subjects: await m().count(Subject), links: await m().count(GuardianLink), consents: await m().count(ConsentRecord) });
    const before = await counted();
    for (const childAgrees of [undefined, null, false]) {
      const refused = await env.gql(REGISTER_CHILD, { input: { ...input, childAgrees } });
      expect(refused.data.registerChild.errorCode).toBe('JOINT_CONSENT_REQUIRED');
    }
    expect(await counted()).toEqual(before);

    const res = await env.gql(REGISTER_CHILD, { input: { ...input, childAgrees: true } });
    expect(res.data.registerChild.__typename).toBe('ChildRegistration');
    const childId = res.data.registerChild.childId as string;
    const [agreement] = await consentsOf(childId);
    expect(agreement).toMatchObject({ purpose: 'child.collection', decision: 'granted', method: 'checkbox', givenBy: 'self', evidence: { ageGateCheckId: gate.data.ageGate.checkId, jointConsent: true } });
    expect((await m().findOneByOrFail(ConsentRecord, { subjectId: childId })).givenBySubjectId).toBe(childId);
    // The child's agreement alone allows nothing: the account waits for the parent.
    expect(await m().findOneByOrFail(Subject, { id: childId })).toMatchObject({ status: 'pending_parental_consent' });

    await env.workers.sendMail();
    const notice = await env.mail.expectOne({ to: 'fr-parent@example.test', template: 'parental-consent-request' });
    const text = notice.text.replace(/\s+/g, ' ');
    expect(text).toContain('YOUR CHILD HAS AGREED: THIS CONSENT IS JOINT');
    expect(text).toContain('a child under 15 consents jointly with a holder of parental authority. Your child “petit_kid” has already agreed');
    expect(text).toContain('Loi Informatique et Libertés');
    const link = local(env.mail.linkIn(notice));
    const page = (await open(link)).body.replace(/\s+/g, ' ');
    expect(page).toContain('Your child has already agreed. This consent is joint');
    expect((await submit(link, [['account', 'yes'], ['decision', 'consent']])).status).toBe(200);
    env.clock.advance('24h');
    await env.workers.fireTimers();
    expect(await m().findOneByOrFail(Subject, { id: childId })).toMatchObject({ status: 'active' });
    const records = await consentsOf(childId);
    expect(records.map((r) => [r.purpose, r.givenBy])).toEqual([
      ['child.collection', 'self'],
      ['child.collection', 'parent'],
    ]);
    expect(records[1].evidence).toMatchObject({ jointConsent: true });
  });

  it('joint consent in German: the notice tells the parent in German', async () => {
    const deviceId = 'parent-flow-fr-device-0002';
    const dob = { day: 7, month: 8, year: 2012 };
    await env.gql(AGE_GATE, { input: { dateOfBirth: dob, country: 'FR', deviceId } });
    const res = await env.gql(REGISTER_CHILD, { input: { deviceId, username: 'kind_fr', parentEmail: 'fr-de-parent@example.test', dateOfBirth: dob, locale: 'de', childAgrees: true } });
    expect(res.data.registerChild.__typename).toBe('ChildRegistration');
    await env.workers.sendMail();
    const text = (await env.mail.expectOne({ to: 'fr-de-parent@example.test', template: 'parental-consent-request' })).text.replace(/\s+/g, ' ');
    expect(text).toContain('Ihr Kind „kind_fr“ hat bereits zugestimmt; Ihre Einwilligung vervollständigt die gemeinsame Einwilligung');
  });

  it('not joint elsewhere: a German 15-year-old registers without the child’s agreement field mattering, and the parent alone consents', async () => {
    const deviceId = 'parent-flow-de-device-0001';
    const dob = bornToTurn(16, 60); // 15 (whatever the clock says after the earlier tests): under Germany's 16
    const gate = await env.gql(`mutation($input: AgeGateInput!) { ageGate(input: $input) { ... on AgeGateDecision { outcome jointConsent } } }`, { input: { dateOfBirth: dob, country: 'DE', deviceId } });
    expect(gate.data.ageGate).toEqual({ outcome: 'PARENTAL_CONSENT_REQUIRED', jointConsent: false });
    const res = await env.gql(REGISTER_CHILD, { input: { deviceId, username: 'de_teen', parentEmail: 'de-parent@example.test', dateOfBirth: dob, locale: 'de', childAgrees: false } });
    expect(res.data.registerChild.__typename).toBe('ChildRegistration');
    const childId = res.data.registerChild.childId as string;
    expect(await consentsOf(childId)).toEqual([]);
    await env.workers.sendMail();
    const notice = await env.mail.expectOne({ to: 'de-parent@example.test', template: 'parental-consent-request' });
    expect(notice.text).not.toMatch(/gemeinsam|zugestimmt/);
    const link = local(env.mail.linkIn(notice));
    expect((await open(link)).body).not.toContain('bereits zugestimmt');
    expect((await submit(link, [['account', 'yes'], ['decision', 'consent']])).status).toBe(200);
    env.clock.advance('24h');
    await env.workers.fireTimers();
    expect(await m().findOneByOrFail(Subject, { id: childId })).toMatchObject({ status: 'active' });
    expect((await consentsOf(childId)).map((r) => [r.purpose, r.givenBy, r.evidence.jointConsent])).toEqual([['child.collection', 'parent', undefined]]);
  });

  it('limits registrations per parent address (RATE_LIMIT_REGISTER_ACCOUNT, 3 per hour): no more notices to one parent', async () => {
    const deviceId = 'parent-flow-flood-device-01';
    await env.gql(AGE_GATE, { input: { dateOfBirth: childDob, country: 'US', deviceId } });
    for (let i = 0; i < 3; i++) {
      const ok = await env.gql(REGISTER_CHILD, { input: { deviceId, username: `flood_kid_${i}`, parentEmail: 'flooded-parent@example.test', dateOfBirth: childDob, locale: 'en' } });
      expect(ok.data.registerChild.__typename).toBe('ChildRegistration');
    }
    await env.workers.sendMail();
    expect(await env.mail.find({ to: 'flooded-parent@example.test', template: 'parental-consent-request' })).toHaveLength(3);
    const before = { ...(await rowCounts(env)), subjects: await m().count(Subject) };
    const res = await env.gql(REGISTER_CHILD, { input: { deviceId, username: 'fourth_kid', parentEmail: 'Flooded-Parent@example.test', dateOfBirth: childDob, locale: 'en' } });
    expect(res.data.registerChild.errorCode).toBe('RATE_LIMITED');
    expect({ ...(await rowCounts(env)), subjects: await m().count(Subject) }).toEqual(before);
    env.clock.advance('1h');
    expect((await env.gql(REGISTER_CHILD, { input: { deviceId, username: 'fourth_kid', parentEmail: 'flooded-parent@example.test', dateOfBirth: childDob, locale: 'en' } })).data.registerChild.__typename).toBe('ChildRegistration');
  });

  it('two registrations racing for one username: one wins, the other gets UsernameTakenError (never an internal error)', async () => {
    const devices = ['race-device-00000000001', 'race-device-00000000002'];
    for (const deviceId of devices) await env.gql(AGE_GATE, { input: { dateOfBirth: childDob, country: 'US', deviceId } });
    const results = await Promise.all(
      devices.map((deviceId, i) => env.gql(REGISTER_CHILD, { input: { deviceId, username: 'same_name', parentEmail: `race-${i}@example.test`, dateOfBirth: childDob, locale: 'en' } })),
    );
    expect(results.map((r) => r.errors)).toEqual([undefined, undefined]);
    expect(results.map((r) => r.data.registerChild.__typename).sort()).toEqual(['ChildRegistration', 'UsernameTakenError']);
    expect(await m().countBy(Profile, { username: 'same_name' })).toBe(1);
  });

  it('answers the same whether or not the parent’s email is known', async () => {
    const first = await registerChild({ parentEmail: 'same-parent@example.test' });
    const second = await env.gql(AGE_GATE, { input: { dateOfBirth: childDob, country: 'US', deviceId: 'parent-flow-sibling-000001' } });
    expect(second.data.ageGate.outcome).toBe('PARENTAL_CONSENT_REQUIRED');
    const res = await env.gql(REGISTER_CHILD, { input: { deviceId: 'parent-flow-sibling-000001', username: 'sibling_kid', parentEmail: 'same-parent@example.test', dateOfBirth: childDob, locale: 'en' } });
    expect(Object.keys(res.data.registerChild).sort()).toEqual(['__typename', 'childId', 'status']);
    expect(res.data.registerChild).toMatchObject({ __typename: 'ChildRegistration', status: 'PENDING_PARENTAL_CONSENT' });
    expect(res.data.registerChild.childId).not.toBe(first.childId);
  });
});
