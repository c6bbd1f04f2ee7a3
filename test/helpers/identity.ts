import { randomBytes } from 'node:crypto';
import { authenticator } from 'otplib';
import type { TestEnv } from './test-env';

/** Helpers to create accounts and sessions through the API, as apps do. */

export const PASSWORD = 'correct horse battery staple';

export interface SignedIn {
  email: string;
  password: string;
  token: string;
  subjectId: string;
  sessionId: string;
  totpSecret?: string;
}

const REGISTER = `mutation($input: RegisterSubjectInput!) { registerSubject(input: $input) {
  __typename ... on RegistrationPending { sentTo } ... on ErrorResult { errorCode message } ... on WeakPasswordError { reasons } ... on RateLimitedError { retryAfterSeconds } ... on InvalidInputError { fields { field problem message } } } }`;

export const CONFIRM_REGISTRATION = `mutation($input: ConfirmRegistrationInput!) { confirmRegistration(input: $input) {
  __typename ... on AuthPayload { id token subjectId sessionId expiresAt } ... on ErrorResult { errorCode message } ... on RateLimitedError { retryAfterSeconds } } }`;

export const SIGN_IN = `mutation($input: SignInInput!) { signIn(input: $input) {
  __typename ... on AuthPayload { id token subjectId sessionId expiresAt } ... on ErrorResult { errorCode message } ... on RateLimitedError { retryAfterSeconds } } }`;

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}.${randomBytes(4).toString('hex')}@example.com`;
}

/**
 * Registers as an app does (issue 11 §10): registerSubject, then the sign-up link from the mail
 * (the outbox worker runs the registration job and sends it) with confirmRegistration, which signs in.
 */
export async function register(env: TestEnv, overrides: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<SignedIn> {
  const { deviceName, ...fields } = overrides;
  const input = { email: uniqueEmail(), password: PASSWORD, displayName: 'Ada Lovelace', locale: 'en-GB', country: 'GB', ...fields };
  const res = await env.gql(REGISTER, { input }, { headers });
  const pending = res.data?.registerSubject;
  if (pending?.__typename !== 'RegistrationPending') throw new Error(`registerSubject failed: ${JSON.stringify(res.body)}`);
  const token = await registrationToken(env, pending.sentTo);
  const confirmed = await env.gql(CONFIRM_REGISTRATION, { input: { token, password: input.password, ...(deviceName ? { deviceName } : {}) } }, { headers });
  const result = confirmed.data?.confirmRegistration;
  if (result?.__typename !== 'AuthPayload') throw new Error(`confirmRegistration failed: ${JSON.stringify(confirmed.body)}`);
  return { email: String(input.email), password: String(input.password), token: result.token, subjectId: result.subjectId, sessionId: result.sessionId };
}

/** The token of the sign-up link that the registration just asked for mails to an address (runs the outbox worker). */
export async function registrationToken(env: TestEnv, email: string): Promise<string> {
  const before = new Set((await env.mail.find({ to: email, template: 'registration-confirm' })).map((mail) => mail.file));
  await env.workers.sendMail();
  const mails = (await env.mail.find({ to: email, template: 'registration-confirm' })).filter((mail) => !before.has(mail.file));
  if (mails.length !== 1) throw new Error(`expected one new sign-up mail to ${email}, found ${mails.length}`);
  return env.mail.linkIn(mails[0]).split('/').pop()!;
}

export function registerRaw(env: TestEnv, input: Record<string, unknown>, headers: Record<string, string> = {}) {
  return env.gql(REGISTER, { input }, { headers });
}

export function signIn(env: TestEnv, input: Record<string, unknown>, headers: Record<string, string> = {}) {
  return env.gql(SIGN_IN, { input }, { headers });
}

/** The code an authenticator app shows at the test clock's time. */
export function totpCode(env: TestEnv, secret: string, offsetMs = 0): string {
  return authenticator.clone({ epoch: env.clock.now().getTime() + offsetMs }).generate(secret);
}

/** Turns on TOTP for a signed-in subject through the API; returns the secret and recovery codes. */
export async function enableMfa(env: TestEnv, user: SignedIn): Promise<{ secret: string; recoveryCodes: string[] }> {
  const enrol = await env.gql('mutation { enrollTotp { __typename ... on TotpEnrollment { secret otpauthUri } ... on ErrorResult { errorCode } } }', {}, { token: user.token });
  const secret = enrol.data.enrollTotp.secret;
  if (!secret) throw new Error(`enrollTotp failed: ${JSON.stringify(enrol.body)}`);
  const confirm = await env.gql('mutation($code: String!) { confirmTotp(input: { code: $code }) { __typename ... on RecoveryCodes { recoveryCodes } ... on ErrorResult { errorCode } } }', { code: totpCode(env, secret) }, { token: user.token });
  const recoveryCodes = confirm.data.confirmTotp.recoveryCodes;
  if (!recoveryCodes) throw new Error(`confirmTotp failed: ${JSON.stringify(confirm.body)}`);
  user.totpSecret = secret;
  return { secret, recoveryCodes };
}

/** Row counts of the given tables (to prove a refused input wrote nothing). */
export async function counts(env: TestEnv, tables: string[]): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of tables) {
    const rows = await env.app.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`);
    result[table] = Number(rows[0].n);
  }
  return result;
}
