import type { AuthCheckerFn } from 'type-graphql';
import { Role } from '../auth/roles';
import { RequestError } from '../errors';
import type { RequestContext } from './context';

const PRIVILEGED = new Set([Role.STAFF, Role.ADMIN]);

const AUTH_FAILURE_MESSAGE = {
  invalid: 'The session token is not valid. Sign in again.',
  expired: 'Your session has expired. Sign in again.',
  revoked: 'This session was ended. Sign in again.',
} as const;

/**
 * `@Authorized()` needs a signed-in actor; `@Authorized(Role.STAFF, …)` one of the roles. Staff and
 * admin act only with a second factor enabled: without it their privileged roles do not count.
 * Anonymous → UNAUTHENTICATED; signed in without the role → FORBIDDEN.
 */
export const authChecker: AuthCheckerFn<RequestContext, Role> = ({ context }, roles) => {
  const actor = context.actor;
  if (!actor) {
    const why = context.authFailure ? AUTH_FAILURE_MESSAGE[context.authFailure] : 'Sign in first: this needs a valid session (Authorization: Bearer <token>).';
    throw new RequestError('UNAUTHENTICATED', why);
  }
  if (roles.length === 0) return true;
  const effective = actor.roles.filter((r) => !PRIVILEGED.has(r) || actor.mfaEnabled);
  if (roles.some((r) => effective.includes(r))) return true;
  if (roles.some((r) => PRIVILEGED.has(r) && actor.roles.includes(r))) {
    throw new RequestError('FORBIDDEN', 'Staff and admin accounts must enable two-factor authentication before they can act.');
  }
  return false;
};
