import type { AuditEvent as AuditEventRow } from '../../entities';
import type { AuditTrailPage } from '../../services/audit/audit.service';
import { AuditEvent, AuditEventConnection } from './audit.types';

export function toAuditEvent(row: AuditEventRow): AuditEvent {
  return Object.assign(new AuditEvent(), {
    seq: row.seq,
    occurredAt: new Date(row.occurredAt),
    actorId: row.actorId,
    actorRole: row.actorRole,
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
  return { nodes: page.rows.map(toAuditEvent), pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasMore } };
}
