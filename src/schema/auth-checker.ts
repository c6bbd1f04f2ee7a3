import type { AuthCheckerFn } from 'type-graphql';
import { Role } from '../auth/roles';
import { RequestError } from '../errors';
import type { RequestContext } from './context';

const PRIVILEGED = new Set([Role.STAFF, Role.ADMIN]);

const AUTH_FAILURE_MESSAGE = {
  invalid: 'The session token is not valid. Sign in again.',
  expired: 'Your session has expired. Sign in again.',
  revoked: 'This session was ended. Sign in again.',
  service_key_invalid: 'The service key is not valid.',
  service_key_expired: 'The service key has expired. Ask an admin for a new one.',
  service_key_revoked: 'The service key was revoked. Ask an admin for a new one.',
} as const;

/**
 * `@Authorized()` needs a signed-in person; `@Authorized(Role.STAFF, …)` one of the roles; a service
 * key reaches only fields that name Role.SERVICE. Staff and admin act only with a second factor
 * enabled on the account and proved in this session (its assurance): otherwise their privileged
 * roles do not count.
 * Anonymous → UNAUTHENTICATED; signed in without the role → FORBIDDEN.
 */
export const authChecker: AuthCheckerFn<RequestContext, Role> = ({ context }, roles) => {
  const actor = context.actor;
  if (!actor) {
    const why = context.authFailure ? AUTH_FAILURE_MESSAGE[context.authFailure] : 'Sign in first: this needs a valid session (Authorization: Bearer <token>).';
    throw new RequestError('UNAUTHENTICATED', why);
  }
  // A service key reaches only what names the service role: never "any signed-in caller" (me, own data).
  if (actor.serviceKey) {
    if (roles.includes(Role.SERVICE)) return true;
    throw new RequestError('FORBIDDEN', 'A service key may call only the operations for services (processingAllowed).');
  }
  if (roles.length === 0) return true;
  // The service role counts only with a service key, never on a person's session.
  // Staff power needs two-factor on the account and proved in this session: a session opened with the
  // password only (e.g. before two-factor was turned on) never acts as staff.
  const privileged = actor.mfaEnabled && actor.assurance === 'second_factor';
  const effective = actor.roles.filter((r) => r !== Role.SERVICE && (!PRIVILEGED.has(r) || privileged));
  if (roles.some((r) => effective.includes(r))) return true;
  if (roles.some((r) => PRIVILEGED.has(r) && actor.roles.includes(r))) {
    if (!actor.mfaEnabled) throw new RequestError('FORBIDDEN', 'Staff and admin accounts must enable two-factor authentication before they can act.');
    throw new RequestError('FORBIDDEN', 'This session was opened without the second factor: sign in again with a code from your authenticator app (or reauthenticate with one) before acting as staff or admin.');
  }
  return false;
};

/**
 * For the nullable "who am I" fields (`me`, `guardian`): whether a person is signed in. A caller who sent
 * no credentials gets `false` (the field answers null, the rest of the response stands); credentials that
 * failed (expired, revoked, unknown) are still UNAUTHENTICATED, so an app knows to sign in again; a service
 * key is FORBIDDEN, as on every field for people.
 */
export function signedInPerson(context: RequestContext): boolean {
  if (!context.actor && !context.authFailure) return false;
  authChecker({ context } as Parameters<typeof authChecker>[0], []);
  return true;
}
