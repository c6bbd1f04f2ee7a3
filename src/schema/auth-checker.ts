import type { AuthCheckerFn } from 'type-graphql';
import { Role } from '../auth/roles';
import { RequestError } from '../errors';
import type { RequestContext } from './context';

const PRIVILEGED = new Set([Role.STAFF, Role.ADMIN]);

/**
 * `@Authorized()` needs a signed-in actor; `@Authorized(Role.STAFF, …)` one of the roles. Staff and
 * admin act only with a second factor enabled: without it their privileged roles do not count.
 * Anonymous → UNAUTHENTICATED; signed in without the role → FORBIDDEN.
 */
export const authChecker: AuthCheckerFn<RequestContext, Role> = ({ context }, roles) => {
  const actor = context.actor;
  if (!actor) throw new RequestError('UNAUTHENTICATED', 'Sign in first: this needs a valid session (Authorization: Bearer <token>).');
  if (roles.length === 0) return true;
  const effective = actor.roles.filter((r) => !PRIVILEGED.has(r) || actor.mfaEnabled);
  if (roles.some((r) => effective.includes(r))) return true;
  if (roles.some((r) => PRIVILEGED.has(r) && actor.roles.includes(r))) {
    throw new RequestError('FORBIDDEN', 'Staff and admin accounts must enable two-factor authentication before they can act.');
  }
  return false;
};
