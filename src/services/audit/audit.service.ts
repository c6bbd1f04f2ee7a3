import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Clock } from '../../clock';
import type { Database } from '../../db/database';
import { AuditEvent, AuditHead } from '../../entities';
import { canonicalJson } from '../../util/canonical-json';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  actorId?: string | null;
  actorRole: string;
  action: string;
  subjectId?: string | null;
  categories?: string[];
  fields?: string[];
  operation?: string | null;
  requestId?: string | null;
  ip?: string | null;
  details?: Record<string, unknown>;
}

/** The part of a row that its hash covers (everything but the hash itself). */
export function hashedContent(row: Omit<AuditEvent, 'hash'>): string {
  return canonicalJson({
    seq: row.seq,
    occurredAt: new Date(row.occurredAt).toISOString(),
    actorId: row.actorId,
    actorRole: row.actorRole,
    action: row.action,
    subjectId: row.subjectId,
    categories: row.categories,
    fields: row.fields,
    operation: row.operation,
    requestId: row.requestId,
    ip: row.ip,
    details: row.details,
  });
}

export function chainHash(prevHash: string, content: string): string {
  return createHash('sha256').update(prevHash).update(content).digest('hex');
}

/**
 * Appends to the hash-chained audit trail inside the caller's transaction, so the entry commits
 * with the change it records or not at all. The head row is locked (FOR UPDATE on MySQL; SQLite
 * transactions are serial), so concurrent writers queue on it and the chain never forks.
 */
export class AuditService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async append(em: EntityManager, entry: AuditEntry): Promise<AuditEvent> {
    const head = await this.lockHead(em);
    const row: Omit<AuditEvent, 'hash'> = {
      seq: head.seq + 1,
      occurredAt: new Date(Math.floor(this.clock.now().getTime())),
      actorId: entry.actorId ?? null,
      actorRole: entry.actorRole,
      action: entry.action,
      subjectId: entry.subjectId ?? null,
      categories: JSON.stringify(entry.categories ?? []),
      fields: JSON.stringify(entry.fields ?? []),
      operation: entry.operation ?? null,
      requestId: entry.requestId ?? null,
      ip: entry.ip ?? null,
      details: JSON.stringify(entry.details ?? {}),
      prevHash: head.hash,
    };
    const event = { ...row, hash: chainHash(head.hash, hashedContent(row)) };
    await em.insert(AuditEvent, event);
    await em.update(AuditHead, { id: 1 }, { seq: event.seq, hash: event.hash });
    return Object.assign(new AuditEvent(), event);
  }

  /** Appends in a transaction of its own (for reads, which change nothing else). */
  record(entry: AuditEntry): Promise<AuditEvent> {
    return this.db.transaction((em) => this.append(em, entry));
  }

  private async lockHead(em: EntityManager): Promise<AuditHead> {
    const find = () => {
      const qb = em.getRepository(AuditHead).createQueryBuilder('h').where('h.id = 1');
      return (this.db.rowLocks ? qb.setLock('pessimistic_write') : qb).getOne();
    };
    const head = await find();
    if (head) return head;
    await em.createQueryBuilder().insert().into(AuditHead).values({ id: 1, seq: 0, hash: GENESIS_HASH }).orIgnore().execute();
    return (await find())!;
  }
}
