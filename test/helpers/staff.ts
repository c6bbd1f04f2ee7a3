import { isDomainError } from '../../src/errors';
import { enableMfa, PASSWORD, register, uniqueEmail, type SignedIn } from './identity';
import type { TestEnv } from './test-env';

/** An admin made as in production: `admin:create`'s service, the one-time setup through the API, then TOTP. */
export async function createAdmin(env: TestEnv): Promise<SignedIn> {
  const email = uniqueEmail('admin');
  const created = await env.app.services.subjects.createAdmin({ email, displayName: 'Admin' });
  if (isDomainError(created)) throw new Error(created.message);
  const res = await env.gql('mutation($input: SetupAccountInput!) { setupAccount(input: $input) { __typename ... on AuthPayload { token subjectId sessionId } } }', {
    input: { token: created.setupToken, password: PASSWORD },
  });
  const payload = res.data.setupAccount;
  if (payload.__typename !== 'AuthPayload') throw new Error(`setupAccount failed: ${JSON.stringify(res.body)}`);
  const admin: SignedIn = { email, password: PASSWORD, token: payload.token, subjectId: payload.subjectId, sessionId: payload.sessionId };
  await enableMfa(env, admin);
  return admin;
}

/** A privacy staff member with MFA, given the role by an admin. */
export async function createStaff(env: TestEnv, admin: SignedIn, options: { mfa?: boolean } = {}): Promise<SignedIn> {
  const staff = await register(env, { displayName: 'Privacy Officer' });
  const res = await env.gql('mutation($id: ID!) { grantRole(input: { subjectId: $id, role: STAFF }) { __typename } }', { id: staff.subjectId }, { token: admin.token });
  if (res.data?.grantRole?.__typename !== 'RoleAssignment') throw new Error(`grantRole failed: ${JSON.stringify(res.body)}`);
  if (options.mfa !== false) await enableMfa(env, staff);
  return staff;
}

/** A service key issued by an admin through the API (`csk_…`). */
export async function createServiceKey(env: TestEnv, admin: SignedIn, name = 'test-service'): Promise<string> {
  const res = await env.gql('mutation($input: CreateServiceKeyInput!) { createServiceKey(input: $input) { __typename ... on CreatedServiceKey { key } } }', {
    input: { name, description: 'A service of the site, in a test.' },
  }, { token: admin.token });
  const key = res.data?.createServiceKey?.key;
  if (!key) throw new Error(`createServiceKey failed: ${JSON.stringify(res.body)}`);
  return key;
}
