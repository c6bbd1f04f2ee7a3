import { Role, type Actor } from '../auth/roles';
import type { AuditEntry } from './audit/audit.service';

/**
 * What a service method needs to know about the call: who asks, from where, under which request
 * id. The GraphQL RequestContext satisfies it; pages, workers and the CLI build their own.
 */
export interface CallContext {
  actor?: Actor;
  requestId?: string;
  ip?: string;
  userAgent?: string;
}

/** The role an actor acts in when reaching another subject's data as staff (admin when not staff; service with a service key). */
export function staffRole(actor: Actor | undefined): string {
  if (!actor) return 'anonymous';
  if (actor.serviceKey) return Role.SERVICE;
  return actor.roles.includes(Role.STAFF) ? Role.STAFF : actor.roles.includes(Role.ADMIN) ? Role.ADMIN : Role.SUBJECT;
}

/** The who/where part of an audit entry from a call. */
export function auditOrigin(ctx: CallContext, actorRole: string): Pick<AuditEntry, 'actorId' | 'actorRole' | 'requestId' | 'ip'> {
  return { actorId: ctx.actor?.subjectId ?? null, actorRole: ctx.actor ? actorRole : 'anonymous', requestId: ctx.requestId ?? null, ip: ctx.ip ?? null };
}
