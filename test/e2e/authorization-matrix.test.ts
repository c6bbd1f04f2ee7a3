import { GraphQLObjectType } from 'graphql';
import { Role } from '../../src/auth/roles';
import { buildGraphQLSchema } from '../../src/schema/build-schema';
import { enableMfa, PASSWORD, register, uniqueEmail, type SignedIn } from '../helpers/identity';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

/**
 * Every Query and Mutation field, run as every kind of caller. A field of the schema without a row
 * here fails the test: a new operation must say who may call it.
 *
 *   ok               no GraphQL error (a result-union error such as NotFoundError is still "allowed")
 *   FORBIDDEN        signed in, but not allowed
 *   UNAUTHENTICATED  needs a session
 */
/** `null`: the field answers null with no error (`me`, `guardian` for a caller who is not that person). */
type Outcome = 'ok' | 'null' | 'FORBIDDEN' | 'UNAUTHENTICATED';
const CALLERS = ['anonymous', 'subject', 'otherSubject', 'guardian', 'staffWithoutMfa', 'staff', 'admin', 'service'] as const;
type Caller = (typeof CALLERS)[number];

/** The subject whose data the operations aim at (the `subject` caller's own). */
interface Target {
  subjectId: string;
  sessionId: string;
}

interface Row {
  query: string;
  variables?: (target: Target) => Record<string, unknown>;
  expect: Record<Caller, Outcome>;
}

/**
 * `service` calls with a service key (csk_…): it may read what is public and call processingAllowed,
 * and nothing else: no mutation (public ones neither) but setSubjectExternalId, nothing for "any
 * signed-in caller", no staff queue.
 */
const everyone: Record<Caller, Outcome> = { anonymous: 'ok', subject: 'ok', otherSubject: 'ok', guardian: 'ok', staffWithoutMfa: 'ok', staff: 'ok', admin: 'ok', service: 'ok' };
const everyoneButServices: Record<Caller, Outcome> = { ...everyone, service: 'FORBIDDEN' };
const signedIn: Record<Caller, Outcome> = { ...everyone, anonymous: 'UNAUTHENTICATED', service: 'FORBIDDEN' };
const staffOnly: Record<Caller, Outcome> = { anonymous: 'UNAUTHENTICATED', subject: 'FORBIDDEN', otherSubject: 'FORBIDDEN', guardian: 'FORBIDDEN', staffWithoutMfa: 'FORBIDDEN', staff: 'ok', admin: 'ok', service: 'FORBIDDEN' };
const staffAndServices: Record<Caller, Outcome> = { ...staffOnly, service: 'ok' };
const guardianOnly: Record<Caller, Outcome> = { ...staffOnly, guardian: 'ok', staff: 'FORBIDDEN', admin: 'FORBIDDEN' };
const adminOnly: Record<Caller, Outcome> = { ...staffOnly, staff: 'FORBIDDEN' };
const servicesOnly: Record<Caller, Outcome> = { ...staffOnly, staff: 'FORBIDDEN', admin: 'FORBIDDEN', service: 'ok' };

const ANY = '__typename';
const MATRIX: Record<string, Row> = {
  'Query.privacyPolicy': { query: '{ privacyPolicy { id } }', expect: everyone },
  'Query.dataCategory': { query: '{ dataCategory(key: "account") { __typename } }', expect: everyone },
  'Query.me': { query: '{ me { id externalId sessions { id } auditTrail(first: 1) { edges { node { seq } } } } }', expect: { ...signedIn, anonymous: 'null' } },
  'Query.auditTrail': { query: 'query($s: ID!) { auditTrail(subjectId: $s) { edges { node { seq } } } }', variables: (t) => ({ s: t.subjectId }), expect: staffOnly },
  'Query.verifyAuditChain': { query: '{ verifyAuditChain { ok } }', expect: staffOnly },
  'Mutation.registerSubject': {
    query: `mutation($i: RegisterSubjectInput!) { registerSubject(input: $i) { ${ANY} } }`,
    variables: () => ({ i: { email: uniqueEmail('matrix'), password: PASSWORD, displayName: 'Matrix', locale: 'en', country: 'US' } }),
    expect: everyoneButServices,
  },
  'Mutation.confirmRegistration': { query: `mutation { confirmRegistration(input: { token: "${'x'.repeat(43)}", password: "${PASSWORD}" }) { ${ANY} } }`, expect: everyoneButServices },
  'Mutation.signIn': { query: `mutation { signIn(input: { email: "nobody@example.com", password: "not the password" }) { ${ANY} } }`, expect: everyoneButServices },
  'Mutation.setupAccount': { query: `mutation { setupAccount(input: { token: "${'x'.repeat(43)}", password: "${PASSWORD}" }) { ${ANY} } }`, expect: everyoneButServices },
  'Mutation.signOut': { query: 'mutation { signOut }', expect: signedIn },
  'Mutation.signOutEverywhere': { query: 'mutation { signOutEverywhere }', expect: signedIn },
  'Mutation.revokeSession': { query: `mutation($id: ID!) { revokeSession(input: { sessionId: $id }) { ${ANY} } }`, variables: (t) => ({ id: t.sessionId }), expect: signedIn },
  'Mutation.changePassword': { query: `mutation { changePassword(input: { currentPassword: "wrong password", newPassword: "another fine passphrase" }) { ${ANY} } }`, expect: signedIn },
  'Mutation.reauthenticate': { query: `mutation { reauthenticate(input: { password: "wrong password" }) { ${ANY} } }`, expect: signedIn },
  'Mutation.updateProfile': { query: `mutation { updateProfile(input: { bio: "hello" }) { ${ANY} } }`, expect: signedIn },
  'Mutation.enrollTotp': { query: `mutation { enrollTotp { ${ANY} } }`, expect: signedIn },
  'Mutation.confirmTotp': { query: `mutation { confirmTotp(input: { code: "000000" }) { ${ANY} } }`, expect: signedIn },
  'Mutation.disableTotp': { query: `mutation { disableTotp { ${ANY} } }`, expect: signedIn },
  'Mutation.regenerateRecoveryCodes': { query: `mutation { regenerateRecoveryCodes { ${ANY} } }`, expect: signedIn },
  'Mutation.grantRole': { query: `mutation($s: ID!) { grantRole(input: { subjectId: $s, role: GUARDIAN }) { ${ANY} } }`, variables: (t) => ({ s: t.subjectId }), expect: adminOnly },
  'Query.cookieConsent': { query: '{ cookieConsent(deviceId: "matrix-device-000000001") { needsDecision } }', expect: everyone },
  'Mutation.recordCookieConsent': {
    query: `mutation { recordCookieConsent(input: { deviceId: "matrix-device-000000001", choices: [{ category: "functional", granted: false }, { category: "analytics", granted: false }, { category: "performance", granted: false }] }) { ${ANY} } }`,
    expect: everyoneButServices,
  },
  'Mutation.ageGate': { query: `mutation { ageGate(input: { dateOfBirth: { day: 1, month: 2, year: 1990 }, deviceId: "matrix-device-000000002" }) { ${ANY} } }`, expect: everyoneButServices },
  'Mutation.recordConsent': { query: `mutation { recordConsent(input: { purpose: "marketing.email", granted: false }) { ${ANY} } }`, expect: signedIn },
  'Mutation.withdrawConsent': { query: `mutation { withdrawConsent(input: { purpose: "marketing.email" }) { ${ANY} } }`, expect: signedIn },
  'Query.legalHolds': { query: 'query($s: ID!) { legalHolds(subjectId: $s) { id } }', variables: (t) => ({ s: t.subjectId }), expect: staffOnly },
  'Mutation.placeLegalHold': {
    query: `mutation($s: ID!) { placeLegalHold(input: { subjectId: $s, reason: "nope", note: "matrix" }) { ${ANY} } }`,
    variables: (t) => ({ s: t.subjectId }),
    expect: staffOnly,
  },
  'Mutation.releaseLegalHold': { query: `mutation { releaseLegalHold(input: { holdId: "no-such-hold" }) { ${ANY} } }`, expect: staffOnly },
  'Query.recipients': { query: '{ recipients { id } }', expect: staffOnly },
  'Mutation.registerRecipient': {
    query: `mutation { registerRecipient(input: { name: "matrix", description: "m", webhookUrl: "https://example.com/h", events: [] }) { ${ANY} } }`,
    expect: adminOnly,
  },
  'Mutation.setRecipientActive': { query: `mutation { setRecipientActive(input: { recipientId: "no-such-recipient", active: false }) { ${ANY} } }`, expect: adminOnly },
  'Query.outbox': { query: '{ outbox { edges { node { id } } } }', expect: staffOnly },
  'Mutation.registerChild': {
    query: `mutation { registerChild(input: { deviceId: "matrix-device-000000003", username: "matrixkid", parentEmail: "parent@example.com", dateOfBirth: { day: 1, month: 2, year: 2018 }, locale: "en" }) { ${ANY} } }`,
    expect: everyoneButServices,
  },
  'Mutation.requestParentDashboard': { query: `mutation { requestParentDashboard(input: { email: "matrix-parent@example.com" }) { ${ANY} } }`, expect: everyoneButServices },
  'Query.parentalVerificationQueue': { query: '{ parentalVerificationQueue { workflowId } }', expect: staffOnly },
  'Mutation.submitParentalVerification': {
    query: `mutation { submitParentalVerification(input: { token: "${'x'.repeat(43)}", callRequest: { channel: PHONE_CALL, contact: "+1 555 0100" } }) { ${ANY} } }`,
    expect: everyoneButServices,
  },
  'Query.parentalVerificationDocument': { query: `{ parentalVerificationDocument(evidenceId: "00000000-0000-4000-8000-000000000000") { ${ANY} } }`, expect: staffOnly },
  'Query.childAccount': { query: `query($c: ID!) { childAccount(childId: $c) { ${ANY} } }`, variables: (t) => ({ c: t.subjectId }), expect: staffAndServices },
  'Mutation.decideParentalVerification': {
    query: `mutation { decideParentalVerification(input: { workflowId: "00000000-0000-4000-8000-000000000000", approve: true, note: "matrix" }) { ${ANY} } }`,
    expect: staffOnly,
  },
  'Mutation.retryOutboxMessage': { query: `mutation { retryOutboxMessage(input: { messageId: "00000000-0000-4000-8000-000000000000" }) { ${ANY} } }`, expect: staffOnly },
  'Mutation.retryDeadOutboxMessages': { query: `mutation { retryDeadOutboxMessages(input: { template: "matrix-none", limit: 1 }) { ${ANY} } }`, expect: staffOnly },
  'Query.actionLink': { query: `{ actionLink(token: "${'x'.repeat(43)}") { ${ANY} } }`, expect: everyone },
  'Mutation.confirmActionLink': { query: `mutation { confirmActionLink(input: { token: "${'x'.repeat(43)}" }) { ${ANY} } }`, expect: everyoneButServices },
  'Mutation.requestEmailChange': { query: `mutation { requestEmailChange(input: { newEmail: "matrix-new@example.com" }) { ${ANY} } }`, expect: signedIn },
  'Mutation.optOutOfSale': { query: `mutation { optOutOfSale { ${ANY} } }`, expect: signedIn },
  'Mutation.optOutOfSaleByEmail': { query: `mutation { optOutOfSaleByEmail(input: { email: "nobody@example.com" }) { ${ANY} } }`, expect: everyoneButServices },
  'Mutation.optInToSale': { query: `mutation { optInToSale { ${ANY} } }`, expect: signedIn },
  'Query.processingAllowed': { query: `query($s: ID!) { processingAllowed(subjectId: $s, purpose: "sale_share") { ${ANY} } }`, variables: (t) => ({ s: t.subjectId }), expect: staffAndServices },
  'Query.privacyRequests': { query: '{ privacyRequests(overdue: true) { edges { node { id } } } }', expect: staffOnly },
  'Mutation.requestErasure': { query: `mutation { requestErasure(input: { scope: CATEGORIES, categories: ["no_such_category"] }) { ${ANY} } }`, expect: signedIn },
  'Mutation.cancelErasure': { query: `mutation { cancelErasure(input: { requestId: "no-such-request" }) { ${ANY} } }`, expect: signedIn },
  'Mutation.retryErasure': { query: `mutation { retryErasure(input: { requestId: "no-such-request" }) { ${ANY} } }`, expect: staffOnly },
  'Mutation.revokeRole': { query: `mutation($s: ID!) { revokeRole(input: { subjectId: $s, role: GUARDIAN }) { ${ANY} } }`, variables: (t) => ({ s: t.subjectId }), expect: adminOnly },
  // After revokeRole: grantRole above makes the `subject` caller a guardian until then.
  'Mutation.signInAsParent': { query: `mutation { signInAsParent(input: { token: "${'x'.repeat(43)}" }) { ${ANY} } }`, expect: everyoneButServices },
  'Query.guardian': {
    query: '{ guardian { children { childId } } }',
    expect: { anonymous: 'null', subject: 'null', otherSubject: 'null', guardian: 'ok', staffWithoutMfa: 'null', staff: 'null', admin: 'null', service: 'FORBIDDEN' },
  },
  'Mutation.setChildFeature': { query: `mutation { setChildFeature(input: { childId: "00000000-0000-4000-8000-000000000000", feature: "personalized_content", granted: true }) { ${ANY} } }`, expect: guardianOnly },
  'Mutation.revokeChildConsent': { query: `mutation { revokeChildConsent(input: { childId: "00000000-0000-4000-8000-000000000000" }) { ${ANY} } }`, expect: guardianOnly },
  'Mutation.deleteChildData': { query: `mutation { deleteChildData(input: { childId: "00000000-0000-4000-8000-000000000000" }) { ${ANY} } }`, expect: guardianOnly },
  // Any signed-in caller may try to link its own account (the dashboard link is the proof); the result says whether it may.
  'Mutation.linkGuardianAccount': { query: `mutation { linkGuardianAccount(input: { token: "${'y'.repeat(43)}" }) { ${ANY} } }`, expect: signedIn },
  'Mutation.unlinkGuardianAccount': { query: `mutation { unlinkGuardianAccount { ${ANY} } }`, expect: signedIn },
  'Mutation.createServiceKey': { query: `mutation { createServiceKey(input: { name: "matrix", description: "m", expiresInDays: 0 }) { ${ANY} } }`, expect: adminOnly },
  'Query.serviceKeys': { query: '{ serviceKeys { id prefix } }', expect: adminOnly },
  'Mutation.revokeServiceKey': { query: `mutation { revokeServiceKey(input: { keyId: "00000000-0000-4000-8000-000000000000" }) { ${ANY} } }`, expect: adminOnly },
  'Mutation.setSubjectExternalId': {
    query: `mutation($s: ID!) { setSubjectExternalId(input: { subjectId: $s, externalId: "matrix-user-1" }) { ${ANY} } }`,
    variables: (t) => ({ s: t.subjectId }),
    expect: servicesOnly,
  },
  'Query.subjectExternalId': { query: `query($s: ID!) { subjectExternalId(subjectId: $s) { ${ANY} } }`, variables: (t) => ({ s: t.subjectId }), expect: servicesOnly },
};

describe('authorization matrix', () => {
  let env: TestEnv;
  const users = {} as Record<Exclude<Caller, 'anonymous' | 'service'>, SignedIn>;
  let serviceKey: string;
  let target: Target;

  beforeAll(async () => {
    // Many rows try made-up link tokens from one client: the per-client link-guess limit must not decide their outcome.
    env = await createTestEnv({ env: { RATE_LIMIT_SIGN_IN_IP: '1000/1m', RATE_LIMIT_REGISTER_IP: '1000/1m', RATE_LIMIT_SIGN_IN_ACCOUNT: '1000/1m', LINK_RATE_LIMIT: '1000' } });
    const { subjects } = env.app.services;
    for (const caller of CALLERS) {
      if (caller === 'anonymous' || caller === 'service') continue;
      users[caller] = await register(env);
    }
    await subjects.setRole({}, users.guardian.subjectId, Role.GUARDIAN, true);
    await subjects.setRole({}, users.staffWithoutMfa.subjectId, Role.STAFF, true);
    await subjects.setRole({}, users.staff.subjectId, Role.STAFF, true);
    await subjects.setRole({}, users.admin.subjectId, Role.ADMIN, true);
    await enableMfa(env, users.staff);
    await enableMfa(env, users.admin);
    target = { subjectId: users.subject.subjectId, sessionId: users.subject.sessionId };
    const issued = await env.gql('mutation { createServiceKey(input: { name: "matrix", description: "The service caller of the matrix." }) { ... on CreatedServiceKey { key } } }', {}, { token: users.admin.token });
    serviceKey = issued.data.createServiceKey.key;
  });
  afterAll(() => env?.stop());

  /** A fresh session per call, so operations that end sessions do not disturb the next row. */
  async function tokenFor(caller: Caller): Promise<string | undefined> {
    if (caller === 'anonymous') return undefined;
    if (caller === 'service') return serviceKey;
    const { sessions } = env.app.services;
    // Callers with two-factor on signed in with it (a session that proved the second factor: issue 11 §6), an
    // hour ago: step-up operations (disableTotp, …) still ask for a fresh proof, as they did before.
    const secondFactor = users[caller].totpSecret ? new Date(env.clock.now().getTime() - 3_600_000) : false;
    const issued = await env.app.db.transaction((em) => sessions.issue(em, { ip: '127.0.0.1' }, users[caller].subjectId, { password: true, secondFactor }));
    return issued.token;
  }

  it('has a row for every operation of the schema, and none for operations that do not exist', async () => {
    const schema = await buildGraphQLSchema();
    const operations = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]
      .filter((t): t is GraphQLObjectType => !!t)
      .flatMap((type) => Object.keys(type.getFields()).map((field) => `${type.name}.${field}`));
    expect(operations.filter((op) => !MATRIX[op])).toEqual([]);
    expect(Object.keys(MATRIX).filter((op) => !operations.includes(op))).toEqual([]);
  });

  const cases = Object.entries(MATRIX).flatMap(([operation, row]) => CALLERS.map((caller) => [operation, caller, row.expect[caller]] as const));

  it.each(cases)('%s as %s → %s', async (operation, caller, expected) => {
    const row = MATRIX[operation];
    const res = await env.gql(row.query, row.variables?.(target), { token: await tokenFor(caller) });
    if (expected === 'ok') {
      expect(res.errors).toBeUndefined();
      expect(res.status).toBe(200);
      expect(Object.values(res.data)).not.toContain(null);
    } else if (expected === 'null') {
      expect(res.errors).toBeUndefined();
      expect(res.status).toBe(200);
      expect(Object.values(res.data)).toEqual([null]);
    } else {
      expect(res.errors?.map((e) => e.extensions?.code)).toEqual([expected]);
    }
  });

  it('answers me and guardian as null for an anonymous caller, next to public data, with no error', async () => {
    const res = await env.gql('{ privacyPolicy { version } me { id } guardian { children { childId } } }');
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ privacyPolicy: { version: expect.any(String) }, me: null, guardian: null });
  });

  it('still answers UNAUTHENTICATED to me for a session token that is not valid (sign in again)', async () => {
    const res = await env.gql('{ me { id } }', {}, { token: 'not-a-real-session-token' });
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });

  it('lets a staff member act once two-factor authentication is on, and stops when it is off', async () => {
    const res = await env.gql('{ verifyAuditChain { ok } }', {}, { token: await tokenFor('staffWithoutMfa') });
    expect(res.errors?.[0]).toMatchObject({ message: expect.stringMatching(/two-factor/), extensions: { code: 'FORBIDDEN' } });
    expect((await env.gql('{ verifyAuditChain { ok } }', {}, { token: await tokenFor('staff') })).data.verifyAuditChain.ok).toBe(true);
  });
});
