import { AuditEvent, ConsentRecord, GuardianLink, OutboxMessage, Profile, Session, Subject } from '../../src/entities';
import { expectInvalidInput, INVALID_INPUT } from '../helpers/invalid-input';
import { register } from '../helpers/identity';
import { createAdmin, createStaff } from '../helpers/staff';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { startRegisteredReceiver, type RegisteredReceiver } from '../helpers/webhook-receiver';
import { rowCounts } from '../helpers/workflow-fixtures';

const AGE_GATE = `mutation($input: AgeGateInput!) { ageGate(input: $input) { __typename } }`;
const REGISTER_CHILD = `mutation($input: RegisterChildInput!) { registerChild(input: $input) { ... on ChildRegistration { childId } } }`;
const REQUEST = `mutation($input: RequestParentDashboardInput!) { requestParentDashboard(input: $input) { __typename } }`;
const SIGN_IN = `mutation($token: String!) { signInAsParent(input: { token: $token }) { __typename ... on AuthPayload { token subjectId } ... on ErrorResult { errorCode } } }`;
const DASHBOARD = `{ guardian { children { childId username status consentStatus permissions { feature disclosure granted } consents { purpose granted } data { category fields { entity name value } } } } }`;
const CHILD = `childId status consentStatus permissions { feature granted } consents { purpose granted }`;
const SET_FEATURE = `mutation($c: ID!, $f: String!, $g: Boolean!) { setChildFeature(input: { childId: $c, feature: $f, granted: $g }) { __typename ... on GuardianChild { ${CHILD} } ... on ErrorResult { errorCode message } ${INVALID_INPUT} } }`;
const REVOKE = `mutation($c: ID!) { revokeChildConsent(input: { childId: $c }) { __typename ... on GuardianChild { ${CHILD} } ... on ErrorResult { errorCode } } }`;
const DELETE = `mutation($c: ID!) { deleteChildData(input: { childId: $c }) { __typename ... on ChildDataDeleted { childId } ... on ErrorResult { errorCode } } }`;
const LINK = `mutation($token: String!) { linkGuardianAccount(input: { token: $token }) { __typename ... on GuardianAccountLinked { childIds } ... on ErrorResult { errorCode message } } }`;
const UNLINK = `mutation { unlinkGuardianAccount { __typename ... on GuardianAccountUnlinked { childIds } ... on ErrorResult { errorCode } } }`;
const CHILDREN = '{ guardian { children { childId } } }';
const DELETE_HELD = `mutation($c: ID!) { deleteChildData(input: { childId: $c }) { __typename ... on ChildDataDeleted { childId keptForLegalHold } ... on ErrorResult { errorCode } } }`;
const PLACE_HOLD = `mutation($input: PlaceLegalHoldInput!) { placeLegalHold(input: $input) { __typename ... on LegalHold { id } } }`;
const RELEASE_HOLD = `mutation($id: ID!) { releaseLegalHold(input: { holdId: $id }) { __typename ... on LegalHold { id releasedAt } } }`;
const HOLDS = `query($id: ID!, $all: Boolean!) { legalHolds(subjectId: $id, includeReleased: $all) { reason releasedAt waiting } }`;
const ALLOWED = `query($s: ID!, $p: String!) { processingAllowed(subjectId: $s, purpose: $p) { ... on ProcessingDecision { allowed reason } } }`;

/**
 * The parent dashboard over GraphQL: sign-in with the one-use dashboard link mailed to the verified
 * parent address (GET of the link changes nothing), then review, features, revoke and delete, each
 * audited and only for the parent's own children.
 */
describe('guardian dashboard (GraphQL)', () => {
  let env: TestEnv;
  let n = 0;
  let receiver: RegisteredReceiver;
  beforeAll(async () => {
    env = await createTestEnv();
    receiver = await startRegisteredReceiver(env, ['erasure', 'consent_withdrawn']);
  });
  afterAll(async () => {
    await env?.stop();
    await receiver?.close();
  });
  /** The webhooks delivered from now on (what earlier steps queued is delivered and dropped first). */
  async function webhooksFrom() {
    await env.workers.sendMail();
    receiver.received.length = 0;
    return async () => {
      await env.workers.sendMail();
      return receiver.notices();
    };
  }
  const m = () => env.app.dataSource.manager;
  const local = (link: string) => link.replace(env.app.config.publicUrl, env.url);
  const childDob = { day: 5, month: 6, year: 2016 };

  /** A child with an active consent (email plus, personalized content) and the parent's address. */
  async function activeChild(parentEmail = `gparent-${n + 1}@example.test`, locale = 'en') {
    const i = ++n;
    const deviceId = `guardian-flow-device-${String(i).padStart(6, '0')}`;
    await env.gql(AGE_GATE, { input: { dateOfBirth: childDob, country: 'US', deviceId } });
    const res = await env.gql(REGISTER_CHILD, { input: { deviceId, username: `gkid_${i}`, parentEmail, dateOfBirth: childDob, locale } });
    const childId = res.data.registerChild.childId as string;
    await env.workers.sendMail();
    // Mails are files named by outbox id (random): this child's notice is the one naming it.
    const notice = (await env.mail.find({ to: parentEmail, template: 'parental-consent-request' })).find((mail) => new RegExp(`gkid_${i}(?!\\d)`).test(mail.text))!;
    const link = local(env.mail.linkIn(notice));
    const page = await fetch(link);
    const body = await page.text();
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0];
    const csrf = /name="csrf" value="([^"]+)"/.exec(body)![1];
    const form = new URLSearchParams([['csrf', csrf], ['account', 'yes'], ['feature', 'personalized_content'], ['decision', 'consent']]).toString();
    expect((await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body: form })).status).toBe(200);
    env.clock.advance('24h');
    await env.workers.fireTimers();
    await env.workers.sendMail();
    return { childId, parentEmail };
  }

  /** Asks for the dashboard link and returns the newest one's token. */
  async function dashboardToken(parentEmail: string) {
    const before = new Set((await env.mail.find({ to: parentEmail, template: 'parent-dashboard' })).map((mail) => env.mail.linkIn(mail)));
    await env.gql(REQUEST, { input: { email: parentEmail } });
    await env.workers.sendMail();
    const link = (await env.mail.find({ to: parentEmail, template: 'parent-dashboard' })).map((mail) => env.mail.linkIn(mail)).find((l) => !before.has(l))!;
    return { link: local(link), token: link.split('/').pop()! };
  }

  async function signIn(parentEmail: string) {
    const { token } = await dashboardToken(parentEmail);
    const res = await env.gql(SIGN_IN, { token });
    expect(res.data.signInAsParent.__typename).toBe('AuthPayload');
    return res.data.signInAsParent as { token: string; subjectId: string };
  }

  it('signs a parent in with the dashboard link: GET changes nothing, the mutation creates a guardian-only parent subject once; the link works once', async () => {
    const { childId, parentEmail } = await activeChild();
    const { link, token } = await dashboardToken(parentEmail);
    const before = await rowCounts(env);
    expect((await fetch(link)).status).toBe(200);
    expect(await rowCounts(env)).toEqual(before);

    const res = await env.gql(SIGN_IN, { token });
    expect(res.data.signInAsParent.__typename).toBe('AuthPayload');
    const parentId = res.data.signInAsParent.subjectId as string;
    const parent = await m().findOneByOrFail(Subject, { id: parentId });
    expect(parent).toMatchObject({ email: parentEmail, roles: 'guardian', passwordHash: null, status: 'active' });
    expect(await m().findOneByOrFail(GuardianLink, { childId })).toMatchObject({ parentSubjectId: parentId });
    expect((await env.gql(SIGN_IN, { token })).data.signInAsParent.errorCode).toBe('ACTION_TOKEN_USED');
    expect((await env.gql(SIGN_IN, { token: 'x'.repeat(43) })).data.signInAsParent.errorCode).toBe('ACTION_TOKEN_INVALID');

    // A second sign-in reuses the parent subject.
    const again = await signIn(parentEmail);
    expect(again.subjectId).toBe(parentId);
    // The session is a guardian's only: subject operations of a normal account are not for it.
    expect((await env.gql('{ guardian { children { childId } } }', {}, { token: again.token })).data.guardian.children).toEqual([{ childId }]);
  });

  it('never opens an existing password account with the same address: the parent gets a separate guardian subject', async () => {
    const account = await register(env);
    const email = (await m().findOneByOrFail(Subject, { id: account.subjectId })).email;
    await activeChild(email);
    const parent = await signIn(email);
    expect(parent.subjectId).not.toBe(account.subjectId);
    expect(await m().findOneByOrFail(Subject, { id: account.subjectId })).toMatchObject({ roles: 'subject' });
    expect((await m().findOneByOrFail(Subject, { id: parent.subjectId })).email).toMatch(/^guardian\+.*@parents\.invalid$/);
    // Not a parent: guardian answers null (issue 12), no error.
    expect(await env.gql('{ guardian { children { childId } } }', {}, { token: account.token })).toMatchObject({ data: { guardian: null }, errors: undefined });
  });

  it('answers me, updateProfile and changePassword properly for a parent signed in with the link (issue 11 §13)', async () => {
    const { parentEmail } = await activeChild();
    const parent = await signIn(parentEmail);
    const me = await env.gql('{ me { id email roles displayName profile { username interests professionalCredentials } mfaEnabled sessions { assurance current } saleShare { optedOut } } }', {}, { token: parent.token });
    expect(me.errors).toBeUndefined();
    expect(me.data.me).toMatchObject({
      id: parent.subjectId,
      email: parentEmail,
      roles: ['GUARDIAN'],
      profile: { username: null, interests: [], professionalCredentials: [] },
      mfaEnabled: false,
      sessions: [{ assurance: 'EMAIL_LINK', current: true }],
    });
    const before = await rowCounts(env);
    const profile = await m().countBy(Profile, { subjectId: parent.subjectId });
    const update = await env.gql('mutation { updateProfile(input: { displayName: "Mum", bio: "hello" }) { __typename ... on ErrorResult { errorCode message } } }', {}, { token: parent.token });
    expect(update.errors).toBeUndefined();
    expect(update.data.updateProfile).toMatchObject({ __typename: 'ParentLinkAccessError', errorCode: 'PARENT_LINK_ACCESS', message: expect.stringMatching(/linkGuardianAccount/) });
    const change = await env.gql('mutation { changePassword(input: { currentPassword: "whatever it was", newPassword: "a brand new passphrase" }) { __typename ... on ErrorResult { errorCode } } }', {}, { token: parent.token });
    expect(change.errors).toBeUndefined();
    expect(change.data.changePassword).toEqual({ __typename: 'ParentLinkAccessError', errorCode: 'PARENT_LINK_ACCESS' });
    expect(await rowCounts(env)).toEqual(before);
    expect(await m().countBy(Profile, { subjectId: parent.subjectId })).toBe(profile);
    expect(await m().findOneByOrFail(Subject, { id: parent.subjectId })).toMatchObject({ displayName: 'Parent', passwordHash: null });
    // The session still works: nothing was ended.
    expect((await env.gql(CHILDREN, {}, { token: parent.token })).errors).toBeUndefined();
  });

  it('shows the child’s permissions, consents and actual data, audited as the guardian’s read', async () => {
    const { childId, parentEmail } = await activeChild();
    const { token } = await signIn(parentEmail);
    const res = await env.gql(DASHBOARD, {}, { token });
    expect(res.errors).toBeUndefined();
    const [child] = res.data.guardian.children;
    expect(child).toMatchObject({ childId, username: `gkid_${n}`, status: 'ACTIVE', consentStatus: 'ACTIVE' });
    expect(child.permissions).toContainEqual({ feature: 'personalized_content', disclosure: false, granted: true });
    expect(child.permissions).toContainEqual({ feature: 'public_profile', disclosure: true, granted: false });
    expect(child.consents).toContainEqual({ purpose: 'child.feature.personalized_content', granted: true });
    const fields = child.data.flatMap((d: { fields: { name: string; value: string }[] }) => d.fields);
    expect(fields).toContainEqual(expect.objectContaining({ name: 'username', value: `gkid_${n}` }));
    expect(fields).toContainEqual(expect.objectContaining({ name: 'parentEmail', value: parentEmail }));
    const reads = await m().findBy(AuditEvent, { action: 'guardian.child.read', subjectId: childId });
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ actorRole: 'guardian' });
  });

  it('switches features: non-disclosing on and off; a disclosing one on is a typed error and nothing is written', async () => {
    const { childId, parentEmail } = await activeChild();
    const { token } = await signIn(parentEmail);
    const off = await env.gql(SET_FEATURE, { c: childId, f: 'personalized_content', g: false }, { token });
    expect(off.data.setChildFeature.permissions).toContainEqual({ feature: 'personalized_content', granted: false });
    expect(await m().findOneByOrFail(GuardianLink, { childId })).toMatchObject({ permissions: '[]' });
    const on = await env.gql(SET_FEATURE, { c: childId, f: 'personalized_content', g: true }, { token });
    expect(on.data.setChildFeature.permissions).toContainEqual({ feature: 'personalized_content', granted: true });
    const records = await m().find(ConsentRecord, { where: { subjectId: childId }, order: { id: 'ASC' } });
    expect(records.slice(-2).map((r) => [r.purpose, r.decision])).toEqual([
      ['child.feature.personalized_content', 'withdrawn'],
      ['child.feature.personalized_content', 'granted'],
    ]);
    expect(await m().countBy(AuditEvent, { action: 'guardian.child.feature', subjectId: childId })).toBe(2);

    const before = await rowCounts(env);
    const audits = await m().count(AuditEvent);
    const disclosing = await env.gql(SET_FEATURE, { c: childId, f: 'public_profile', g: true }, { token });
    expect(disclosing.data.setChildFeature.errorCode).toBe('FEATURE_NEEDS_VERIFICATION');
    const unknown = await env.gql(SET_FEATURE, { c: childId, f: 'sell_everything', g: true }, { token });
    expect(unknown.data.setChildFeature.errorCode).toBe('UNKNOWN_CHILD_FEATURE');
    const badId = await env.gql(SET_FEATURE, { c: 'not-a-uuid', f: 'personalized_content', g: true }, { token });
    expectInvalidInput(badId);
    const badFeature = await env.gql(SET_FEATURE, { c: childId, f: 'Robert"); DROP TABLE', g: true }, { token });
    expectInvalidInput(badFeature);
    expect(await rowCounts(env)).toEqual(before);
    expect(await m().count(AuditEvent)).toBe(audits);
  });

  it('another guardian’s child is not found and nothing changes', async () => {
    const mine = await activeChild();
    const theirs = await activeChild();
    const { token } = await signIn(mine.parentEmail);
    await signIn(theirs.parentEmail);
    const before = await rowCounts(env);
    const audits = await m().count(AuditEvent);
    expect((await env.gql(SET_FEATURE, { c: theirs.childId, f: 'personalized_content', g: false }, { token })).data.setChildFeature.errorCode).toBe('NOT_FOUND');
    expect((await env.gql(REVOKE, { c: theirs.childId }, { token })).data.revokeChildConsent.errorCode).toBe('NOT_FOUND');
    expect((await env.gql(DELETE, { c: theirs.childId }, { token })).data.deleteChildData.errorCode).toBe('NOT_FOUND');
    expect(await rowCounts(env)).toEqual(before);
    expect(await m().count(AuditEvent)).toBe(audits);
    expect(await m().findOneByOrFail(Subject, { id: theirs.childId })).toMatchObject({ status: 'active' });
    const children = (await env.gql('{ guardian { children { childId } } }', {}, { token })).data.guardian.children;
    expect(children).toEqual([{ childId: mine.childId }]);
  });

  it('revoke: the child is restricted and its consents withdrawn; a second revoke is not accepted', async () => {
    const { childId, parentEmail } = await activeChild();
    const { token } = await signIn(parentEmail);
    const res = await env.gql(REVOKE, { c: childId }, { token });
    expect(res.data.revokeChildConsent).toMatchObject({ __typename: 'GuardianChild', status: 'RESTRICTED', consentStatus: 'REVOKED' });
    expect(res.data.revokeChildConsent.consents.every((c: { granted: boolean }) => !c.granted)).toBe(true);
    expect(await m().findOneByOrFail(Subject, { id: childId })).toMatchObject({ status: 'restricted' });
    expect(await m().countBy(AuditEvent, { action: 'guardian.child.revoke', subjectId: childId })).toBe(1);
    expect((await env.gql(REVOKE, { c: childId }, { token })).data.revokeChildConsent.errorCode).toBe('WORKFLOW_EVENT_NOT_ACCEPTED');
  });

  it('a parent’s withdrawals reach recipients subscribed to consent_withdrawn: a feature switched off, then the revocation (one signed notice each)', async () => {
    const { childId, parentEmail } = await activeChild();
    const { token } = await signIn(parentEmail);
    const webhooks = await webhooksFrom();
    expect((await env.gql(SET_FEATURE, { c: childId, f: 'personalized_content', g: false }, { token })).data.setChildFeature.__typename).toBe('GuardianChild');
    expect(await webhooks()).toEqual([
      expect.objectContaining({ type: 'consent_withdrawn', subjectId: childId, data: { purposes: ['child.feature.personalized_content'], givenBy: 'parent', method: 'email_link' } }),
    ]);
    const next = await webhooksFrom();
    expect((await env.gql(REVOKE, { c: childId }, { token })).data.revokeChildConsent.consentStatus).toBe('REVOKED');
    expect(await next()).toEqual([expect.objectContaining({ type: 'consent_withdrawn', subjectId: childId, data: { purposes: ['child.collection'], givenBy: 'parent', method: 'email_link' } })]);
  });

  it('after a revocation processingAllowed answers CONSENT_REVOKED for every purpose (the account too) but keeping what the law requires', async () => {
    const staff = await createStaff(env, await createAdmin(env));
    const ALLOWED = `query($s: ID!, $p: String!) { processingAllowed(subjectId: $s, purpose: $p) { __typename ... on ProcessingDecision { allowed reason explanation } } }`;
    const decide = async (s: string, p: string) => (await env.gql(ALLOWED, { s, p }, { token: staff.token })).data.processingAllowed;
    const { childId, parentEmail } = await activeChild();
    expect(await decide(childId, 'account')).toMatchObject({ allowed: true, reason: 'CONTRACT' });
    const { token } = await signIn(parentEmail);
    expect((await env.gql(REVOKE, { c: childId }, { token })).data.revokeChildConsent).toMatchObject({ consentStatus: 'REVOKED' });
    const purposes = env.app.services.processing.list().map((p) => p.key);
    expect(purposes).toEqual(expect.arrayContaining(['account', 'security', 'marketing.email', 'sale_share', 'transaction_records']));
    for (const purpose of purposes) {
      const decision = await decide(childId, purpose);
      if (purpose === 'transaction_records') expect(decision).toMatchObject({ allowed: true, reason: 'LEGAL_OBLIGATION' });
      else expect({ purpose, ...decision }).toMatchObject({ purpose, allowed: false, reason: 'CONSENT_REVOKED', explanation: expect.stringContaining('only kept until it is erased') });
    }
  });

  it('after a revocation: the parent signs in again, sees the data and only DELETE with the scheduled date; feature changes are refused; deleteChildData erases', async () => {
    const { childId, parentEmail } = await activeChild();
    const first = await signIn(parentEmail);
    expect((await env.gql(REVOKE, { c: childId }, { token: first.token })).data.revokeChildConsent).toMatchObject({ consentStatus: 'REVOKED' });
    // A new dashboard link is still mailed for a revoked child and signs the parent in (COPPA §312.6(a)(2)).
    const { token } = await signIn(parentEmail);
    const VIEW = `{ guardian { children { childId status consentStatus allowedActions scheduledDeletionAt data { category } } } }`;
    const [child] = (await env.gql(VIEW, {}, { token })).data.guardian.children;
    expect(child).toMatchObject({ childId, status: 'RESTRICTED', consentStatus: 'REVOKED', allowedActions: ['DELETE'], scheduledDeletionAt: new Date(env.clock.now().getTime() + 30 * 86_400_000).toISOString() });
    expect(child.data.length).toBeGreaterThan(0);
    const before = await rowCounts(env);
    const refused = await env.gql(SET_FEATURE, { c: childId, f: 'personalized_content', g: true }, { token });
    expect(refused.data.setChildFeature).toMatchObject({ errorCode: 'WORKFLOW_EVENT_NOT_ACCEPTED', message: expect.stringContaining('your child needs to register again') });
    const disclosing = await env.gql(SET_FEATURE, { c: childId, f: 'public_profile', g: true }, { token });
    expect(disclosing.data.setChildFeature).toMatchObject({ errorCode: 'WORKFLOW_EVENT_NOT_ACCEPTED', message: expect.stringContaining('your child needs to register again') });
    expect((await env.gql(REVOKE, { c: childId }, { token })).data.revokeChildConsent).toMatchObject({ errorCode: 'WORKFLOW_EVENT_NOT_ACCEPTED' });
    expect(await rowCounts(env)).toEqual(before);
    const res = await env.gql(DELETE, { c: childId }, { token });
    expect(res.data.deleteChildData).toEqual({ __typename: 'ChildDataDeleted', childId });
    expect(await m().findOneByOrFail(Subject, { id: childId })).toMatchObject({ status: 'erased' });
    expect(await m().countBy(GuardianLink, { childId })).toBe(0);
    expect(await m().countBy(Subject, { email: parentEmail })).toBe(0);
  });

  it('an active child lists every action and no scheduled deletion', async () => {
    const { parentEmail } = await activeChild();
    const { token } = await signIn(parentEmail);
    const [child] = (await env.gql(`{ guardian { children { allowedActions scheduledDeletionAt } } }`, {}, { token })).data.guardian.children;
    expect(child).toEqual({ allowedActions: ['CHANGE_PERMISSIONS', 'REVOKE', 'DELETE'], scheduledDeletionAt: null });
  });

  it('delete: the child’s data and the parent’s address are erased through the registry', async () => {
    const { childId, parentEmail } = await activeChild();
    const { token } = await signIn(parentEmail);
    const res = await env.gql(DELETE, { c: childId }, { token });
    expect(res.data.deleteChildData).toEqual({ __typename: 'ChildDataDeleted', childId });
    expect(await m().findOneByOrFail(Subject, { id: childId })).toMatchObject({ status: 'erased' });
    expect(await m().countBy(GuardianLink, { childId })).toBe(0);
    expect(await m().countBy(Profile, { subjectId: childId })).toBe(0);
    const ref = env.app.services.audit.ref(childId);
    const erase = (await m().findBy(AuditEvent, { action: 'subject.erase' })).filter((a) => JSON.parse(a.details).subjectRef === ref);
    expect(erase).toHaveLength(1);
    expect(await m().countBy(AuditEvent, { action: 'guardian.child.delete' })).toBeGreaterThan(0);
    // The parent subject existed only for this child: it is erased too, with its sessions.
    expect(await m().countBy(Subject, { email: parentEmail })).toBe(0);
    expect((await env.gql(DELETE, { c: childId }, { token })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  /** Presses a button of a link page like a browser (the form's fields, the CSRF cookie and field). */
  async function press(link: string, fields: [string, string][]) {
    const page = await fetch(link);
    const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())![1];
    const body = new URLSearchParams([['csrf', csrf], ...fields]).toString();
    return fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: (page.headers.get('set-cookie') ?? '').split(';')[0] }, body });
  }
  const erasureOf = (subjectId: string, reason: string) => expect.objectContaining({ type: 'erasure', subjectId, data: { scope: 'account', categories: null, reason } });

  it('the dashboard page’s delete erases the parent’s passwordless subject and its session too, tells recipients, and mails a confirmation in the parent’s language that forgets the address once sent', async () => {
    const { childId, parentEmail } = await activeChild(undefined, 'de');
    const parent = await signIn(parentEmail);
    const { link } = await dashboardToken(parentEmail);
    const webhooks = await webhooksFrom();
    expect((await press(link, [['action', 'delete']])).status).toBe(200);

    expect(await m().findOneByOrFail(Subject, { id: childId })).toMatchObject({ status: 'erased' });
    expect(await m().findOneByOrFail(Subject, { id: parent.subjectId })).toMatchObject({ status: 'erased', roles: '' });
    expect(await m().countBy(Subject, { email: parentEmail })).toBe(0);
    expect(await m().countBy(Session, { subjectId: parent.subjectId })).toBe(0);
    expect((await env.gql(CHILDREN, {}, { token: parent.token })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    // Until it is sent, the confirmation is the one row that still holds the address (and no subject).
    expect((await m().findBy(OutboxMessage, { recipient: parentEmail })).map((r) => [r.template, r.subjectId])).toEqual([['parental-data-deleted', null]]);

    expect(await webhooks()).toEqual(expect.arrayContaining([erasureOf(childId, 'parent_request'), erasureOf(parent.subjectId, 'guardian_without_children')]));
    const mail = await env.mail.expectOne({ to: parentEmail, template: 'parental-data-deleted' });
    expect(mail.subject).toBe('Wir haben die Daten Ihres Kindes bei m-exe.com gelöscht');
    expect(mail.text).toContain(`Wie gewünscht haben wir alles gelöscht, was wir über das Konto Ihres Kindes „gkid_${n}“ bei m-exe.com gespeichert hatten, und Ihre E-Mail-Adresse dazu.`);
    expect(mail.text).toContain('Ihre Anmeldung in der Elternübersicht ist ebenfalls beendet.');
    expect(mail.text).toContain('Dies ist die letzte E-Mail an diese Adresse');
    expect(await m().findOneByOrFail(OutboxMessage, { id: mail.outboxId })).toMatchObject({ status: 'sent', recipient: '[erased]', params: '{}', subjectId: null });
    expect(await m().countBy(OutboxMessage, { recipient: parentEmail })).toBe(0);
  });

  it('keeps the parent’s subject while it guards another child of the address; the last deletion erases it', async () => {
    const parentEmail = `gparent-two-${n}@example.test`;
    const first = await activeChild(parentEmail);
    const second = await activeChild(parentEmail);
    const parent = await signIn(parentEmail);
    expect((await env.gql(DELETE_HELD, { c: first.childId }, { token: parent.token })).data.deleteChildData).toEqual({ __typename: 'ChildDataDeleted', childId: first.childId, keptForLegalHold: false });
    expect(await m().findOneByOrFail(Subject, { id: parent.subjectId })).toMatchObject({ status: 'active', email: parentEmail });
    expect((await env.gql(CHILDREN, {}, { token: parent.token })).data.guardian.children).toEqual([{ childId: second.childId }]);
    await env.workers.sendMail();
    const kept = await env.mail.expectOne({ to: parentEmail, template: 'parental-data-deleted' });
    expect(kept.text).toContain('We keep your email address only for your other child’s account.');
    expect(kept.text).not.toContain('last mail');

    expect((await env.gql(DELETE_HELD, { c: second.childId }, { token: parent.token })).data.deleteChildData.keptForLegalHold).toBe(false);
    expect(await m().findOneByOrFail(Subject, { id: parent.subjectId })).toMatchObject({ status: 'erased' });
    expect(await m().countBy(Session, { subjectId: parent.subjectId })).toBe(0);
  });

  it('a legal hold on the child keeps everything when the parent deletes: restricted, CONSENT_REVOKED, the parent told the hold’s reason, staff see what waits; releasing the hold erases it, tells recipients and the parent', async () => {
    const staff = await createStaff(env, await createAdmin(env));
    const { childId, parentEmail } = await activeChild();
    const parent = await signIn(parentEmail);
    const hold = (await env.gql(PLACE_HOLD, { input: { subjectId: childId, reason: 'dispute_resolution', note: 'Case 77: complaint about a post' } }, { token: staff.token })).data.placeLegalHold;
    const webhooks = await webhooksFrom();

    const res = await env.gql(DELETE_HELD, { c: childId }, { token: parent.token });
    expect(res.data.deleteChildData).toEqual({ __typename: 'ChildDataDeleted', childId, keptForLegalHold: true });
    expect(await m().findOneByOrFail(Subject, { id: childId })).toMatchObject({ status: 'restricted' });
    expect(await m().countBy(Profile, { subjectId: childId })).toBe(1);
    expect(await m().findOneByOrFail(GuardianLink, { childId })).toMatchObject({ status: 'erasure_held', heldErasure: 'parent_request', parentEmail });
    expect((await env.gql(ALLOWED, { s: childId, p: 'account' }, { token: staff.token })).data.processingAllowed).toEqual({ allowed: false, reason: 'CONSENT_REVOKED' });
    expect(await m().countBy(AuditEvent, { action: 'child.erasure_held', subjectId: childId })).toBe(1);
    // Nothing was erased: no erasure notice; the consents the deletion ended are withdrawn.
    expect(await webhooks()).toEqual([expect.objectContaining({ type: 'consent_withdrawn', subjectId: childId, data: expect.objectContaining({ purposes: ['child.collection', 'child.feature.personalized_content'] }) })]);
    const told = await env.mail.expectOne({ to: parentEmail, template: 'parental-data-deleted' });
    expect(told.subject).toBe('Your child’s data on m-exe.com is kept for now');
    expect(told.text).toContain('Kept: Dispute resolution');
    expect(told.text).not.toContain('Case 77');
    // The parent still sees the child (nothing left to do); staff see what the hold keeps waiting.
    const VIEW = '{ guardian { children { childId status consentStatus allowedActions } } }';
    expect((await env.gql(VIEW, {}, { token: parent.token })).data.guardian.children).toEqual([{ childId, status: 'RESTRICTED', consentStatus: 'ERASURE_HELD', allowedActions: [] }]);
    expect((await env.gql(DELETE_HELD, { c: childId }, { token: parent.token })).data.deleteChildData.errorCode).toBe('WORKFLOW_EVENT_NOT_ACCEPTED');
    expect((await env.gql(HOLDS, { id: childId, all: false }, { token: staff.token })).data.legalHolds).toEqual([{ reason: 'dispute_resolution', releasedAt: null, waiting: ['child_erasure:parent_request'] }]);

    const after = await webhooksFrom();
    expect((await env.gql(RELEASE_HOLD, { id: hold.id }, { token: staff.token })).data.releaseLegalHold.__typename).toBe('LegalHold');
    expect(await m().findOneByOrFail(Subject, { id: childId })).toMatchObject({ status: 'erased' });
    expect(await m().countBy(GuardianLink, { childId })).toBe(0);
    expect(await m().countBy(Profile, { subjectId: childId })).toBe(0);
    expect(await m().findOneByOrFail(Subject, { id: parent.subjectId })).toMatchObject({ status: 'erased' });
    expect(await after()).toEqual(expect.arrayContaining([erasureOf(childId, 'parent_request'), erasureOf(parent.subjectId, 'guardian_without_children')]));
    const done = (await env.mail.find({ to: parentEmail, template: 'parental-data-deleted' })).filter((mail) => mail.outboxId !== told.outboxId);
    expect(done).toHaveLength(1);
    expect(done[0].text).toContain('The legal hold that kept it has ended: we have now deleted everything we held about');
    expect(await m().countBy(OutboxMessage, { recipient: parentEmail })).toBe(0);
    expect((await env.gql(HOLDS, { id: childId, all: true }, { token: staff.token })).data.legalHolds).toEqual([expect.objectContaining({ waiting: [] })]);
  });

  it('a legal hold on the parent’s passwordless subject keeps it after its last child is erased, until the hold is released', async () => {
    const staff = await createStaff(env, await createAdmin(env));
    const { childId, parentEmail } = await activeChild();
    const parent = await signIn(parentEmail);
    const hold = (await env.gql(PLACE_HOLD, { input: { subjectId: parent.subjectId, reason: 'security_investigation', note: 'Account takeover report' } }, { token: staff.token })).data.placeLegalHold;
    expect((await env.gql(DELETE_HELD, { c: childId }, { token: parent.token })).data.deleteChildData.keptForLegalHold).toBe(false);
    expect(await m().findOneByOrFail(Subject, { id: childId })).toMatchObject({ status: 'erased' });
    expect(await m().findOneByOrFail(Subject, { id: parent.subjectId })).toMatchObject({ status: 'active', email: parentEmail });
    expect((await env.gql(HOLDS, { id: parent.subjectId, all: false }, { token: staff.token })).data.legalHolds).toEqual([expect.objectContaining({ waiting: ['guardian_erasure'] })]);
    const webhooks = await webhooksFrom();
    await env.gql(RELEASE_HOLD, { id: hold.id }, { token: staff.token });
    expect(await m().findOneByOrFail(Subject, { id: parent.subjectId })).toMatchObject({ status: 'erased' });
    expect(await m().countBy(Session, { subjectId: parent.subjectId })).toBe(0);
    expect(await webhooks()).toEqual([erasureOf(parent.subjectId, 'guardian_without_children')]);
  });

  describe('a parent’s own account, linked', () => {
    const linkState = async (childId: string) => (await m().findOneByOrFail(GuardianLink, { childId })).guardianAccountId;
    const rolesOf = async (subjectId: string) => (await m().findOneByOrFail(Subject, { id: subjectId })).roles;

    it('links with a dashboard link (never by email match): the account’s own session is the guardian, revoke works; unlink takes the role away', async () => {
      const account = await register(env); // its email is not the parent address: only the mailed link proves control of that
      const { childId, parentEmail } = await activeChild();
      expect(await env.gql(CHILDREN, {}, { token: account.token })).toMatchObject({ data: { guardian: null }, errors: undefined });

      const { token } = await dashboardToken(parentEmail);
      const linked = await env.gql(LINK, { token }, { token: account.token });
      expect(linked.data.linkGuardianAccount).toEqual({ __typename: 'GuardianAccountLinked', childIds: [childId] });
      expect(await rolesOf(account.subjectId)).toBe('subject,guardian');
      expect(await linkState(childId)).toBe(account.subjectId);
      // No passwordless parent subject was made for the address: the account is the parent's.
      expect(await m().countBy(Subject, { email: parentEmail })).toBe(0);
      expect(await m().countBy(AuditEvent, { action: 'guardian.account_link', subjectId: childId, actorId: account.subjectId })).toBe(1);
      expect(await m().countBy(AuditEvent, { action: 'guardian.account_link', subjectId: account.subjectId })).toBe(1);
      // The link was used: once only, for linking or for signing in.
      expect((await env.gql(LINK, { token }, { token: account.token })).data.linkGuardianAccount.errorCode).toBe('ACTION_TOKEN_USED');
      expect((await env.gql(SIGN_IN, { token })).data.signInAsParent.errorCode).toBe('ACTION_TOKEN_USED');

      // The same session, no new sign-in: roles are read per request.
      expect((await env.gql(CHILDREN, {}, { token: account.token })).data.guardian.children).toEqual([{ childId }]);
      const revoked = await env.gql(REVOKE, { c: childId }, { token: account.token });
      expect(revoked.data.revokeChildConsent).toMatchObject({ __typename: 'GuardianChild', status: 'RESTRICTED', consentStatus: 'REVOKED' });
      expect(await m().findOneByOrFail(AuditEvent, { action: 'guardian.child.revoke', subjectId: childId })).toMatchObject({ actorId: account.subjectId, actorRole: 'guardian' });

      const unlinked = await env.gql(UNLINK, {}, { token: account.token });
      expect(unlinked.data.unlinkGuardianAccount).toEqual({ __typename: 'GuardianAccountUnlinked', childIds: [childId] });
      expect(await rolesOf(account.subjectId)).toBe('subject');
      expect(await linkState(childId)).toBeNull();
      expect(await m().countBy(AuditEvent, { action: 'guardian.account_unlink', subjectId: childId })).toBe(1);
      expect(await env.gql(CHILDREN, {}, { token: account.token })).toMatchObject({ data: { guardian: null }, errors: undefined });
      expect((await env.gql(DELETE, { c: childId }, { token: account.token })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
      expect((await env.gql(UNLINK, {}, { token: account.token })).data.unlinkGuardianAccount.errorCode).toBe('NOT_FOUND');
    });

    it('a further child of the same address joins the linked account once the parent consents for it, not before', async () => {
      const account = await register(env);
      const { childId, parentEmail } = await activeChild();
      const { token } = await dashboardToken(parentEmail);
      expect((await env.gql(LINK, { token }, { token: account.token })).data.linkGuardianAccount.__typename).toBe('GuardianAccountLinked');
      // A second child of the same address: registration alone (anyone may type an address) links nothing.
      const deviceId = `guardian-flow-device-${String(++n).padStart(6, '0')}`;
      await env.gql(AGE_GATE, { input: { dateOfBirth: childDob, country: 'US', deviceId } });
      const res = await env.gql(REGISTER_CHILD, { input: { deviceId, username: `gkid_second_${n}`, parentEmail, dateOfBirth: childDob, locale: 'en' } });
      const secondId = res.data.registerChild.childId as string;
      expect(await linkState(secondId)).toBeNull();
      // The parent consents for it through its own notice's link (the address proven again).
      await env.workers.sendMail();
      const notice = (await env.mail.find({ to: parentEmail, template: 'parental-consent-request' })).find((mail) => mail.text.includes(`gkid_second_${n}`))!;
      const link = local(env.mail.linkIn(notice));
      const page = await fetch(link);
      const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())![1];
      const form = new URLSearchParams([['csrf', csrf], ['account', 'yes'], ['decision', 'consent']]).toString();
      expect((await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: (page.headers.get('set-cookie') ?? '').split(';')[0] }, body: form })).status).toBe(200);
      env.clock.advance('24h');
      await env.workers.fireTimers();
      expect(await linkState(secondId)).toBe(account.subjectId);
      const listed = (await env.gql(CHILDREN, {}, { token: account.token })).data.guardian.children.map((c: { childId: string }) => c.childId);
      expect(listed.sort()).toEqual([childId, secondId].sort());
    });

    it('keeps the address’s passwordless parent subject working beside the linked account; deleting the last child erases that subject, never the account', async () => {
      const account = await register(env);
      const { childId, parentEmail } = await activeChild();
      const parent = await signIn(parentEmail);
      const { token } = await dashboardToken(parentEmail);
      expect((await env.gql(LINK, { token }, { token: account.token })).data.linkGuardianAccount.__typename).toBe('GuardianAccountLinked');
      for (const t of [parent.token, account.token]) expect((await env.gql(CHILDREN, {}, { token: t })).data.guardian.children).toEqual([{ childId }]);
      // A dashboard link still signs in as the passwordless subject, never as the password account.
      expect((await signIn(parentEmail)).subjectId).toBe(parent.subjectId);

      expect((await env.gql(DELETE, { c: childId }, { token: account.token })).data.deleteChildData).toEqual({ __typename: 'ChildDataDeleted', childId });
      expect(await m().findOneByOrFail(Subject, { id: childId })).toMatchObject({ status: 'erased' });
      expect(await m().findOneByOrFail(Subject, { id: parent.subjectId })).toMatchObject({ status: 'erased' });
      expect(await m().findOneByOrFail(Subject, { id: account.subjectId })).toMatchObject({ status: 'active', roles: 'subject' });
      expect((await env.gql('{ me { id } }', {}, { token: account.token })).data.me.id).toBe(account.subjectId);
    });

    it('a used, unknown or wrong-purpose link, or an account that may not link: typed errors, nothing written, the link not used up', async () => {
      const account = await register(env);
      const { childId, parentEmail } = await activeChild();
      const parent = await signIn(parentEmail); // a passwordless dashboard session
      // A consent-page link of another child (purpose parental-consent) is not a dashboard link.
      const deviceId = 'guardian-link-wrong-purpose-01';
      await env.gql(AGE_GATE, { input: { dateOfBirth: childDob, country: 'US', deviceId } });
      await env.gql(REGISTER_CHILD, { input: { deviceId, username: 'pending_kid', parentEmail: 'pending-parent@example.test', dateOfBirth: childDob, locale: 'en' } });
      await env.workers.sendMail();
      const consentToken = env.mail.linkIn(await env.mail.expectOne({ to: 'pending-parent@example.test', template: 'parental-consent-request' })).split('/').pop()!;
      const { token } = await dashboardToken(parentEmail);

      const before = { ...(await rowCounts(env)), links: JSON.stringify(await m().find(GuardianLink, { order: { id: 'ASC' } })), roles: await rolesOf(account.subjectId) };
      const cases: [string, string, string][] = [
        [consentToken, account.token, 'ACTION_TOKEN_INVALID'],
        ['z'.repeat(43), account.token, 'ACTION_TOKEN_INVALID'],
        [token, parent.token, 'GUARDIAN_ACCOUNT_NOT_ELIGIBLE'],
      ];
      for (const [given, session, code] of cases) {
        expect((await env.gql(LINK, { token: given }, { token: session })).data.linkGuardianAccount.errorCode).toBe(code);
      }
      expect((await env.gql(LINK, { token }, {})).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      expect({ ...(await rowCounts(env)), links: JSON.stringify(await m().find(GuardianLink, { order: { id: 'ASC' } })), roles: await rolesOf(account.subjectId) }).toEqual(before);
      // The refused attempts did not use the link up; the consent link still works for its own purpose.
      expect((await env.gql(LINK, { token }, { token: account.token })).data.linkGuardianAccount.childIds).toEqual([childId]);
      expect((await fetch(`${env.url}/l/${consentToken}`)).status).toBe(200);
    });
  });
});
