import type { AuditEvent as AuditEventRow } from '../../entities';
import { encodeCursor, type AuditTrailPage } from '../../services/audit/audit.service';
import { toConnection } from '../common/connection';
import { AuditActorRole, AuditEvent, AuditEventConnection } from './audit.types';

const ACTOR_ROLES = new Set<string>(Object.values(AuditActorRole));

export function toAuditEvent(row: AuditEventRow): AuditEvent {
  return Object.assign(new AuditEvent(), {
    seq: row.seq,
    occurredAt: new Date(row.occurredAt),
    actorId: row.actorId,
    // Every stored role is one of the enum's; an unknown one (never written today) reads as the system.
    actorRole: ACTOR_ROLES.has(row.actorRole) ? (row.actorRole as AuditActorRole) : AuditActorRole.SYSTEM,
    action: row.action,
    subjectId: row.subjectId,
    categories: JSON.parse(row.categories),
    fields: JSON.parse(row.fields),
    operation: row.operation,
    requestId: row.requestId,
    ip: row.ip,
  });
}

export function toAuditConnection(page: AuditTrailPage): AuditEventConnection {
  return toConnection({ items: page.rows.map((row) => ({ cursor: encodeCursor(row.seq), node: toAuditEvent(row) })), hasNextPage: page.hasMore });
}
