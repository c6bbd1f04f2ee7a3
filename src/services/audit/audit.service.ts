import { createHash, createHmac } from 'node:crypto';
import { Brackets, type EntityManager } from 'typeorm';
import type { Clock } from '../../clock';
import type { Database } from '../../db/database';
import { insertRow, selectOne, updateRows } from '../../db/statements';
import { AuditEvent, AuditHead } from '../../entities';
import { auditEventPersonalData } from '../../entities/audit-event.entity';
import { RequestError } from '../../errors';
import { canonicalJson } from '../../util/canonical-json';
import type { CallContext } from '../call-context';

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

/**
 * The part of a row that its hash covers: everything but the hash itself and the three direct
 * identifiers (actorId, subjectId, ip). In their place the hash covers keyed pseudonyms of them
 * (actorRef, subjectRef, ipRef), which stay when a subject is erased: erasure nulls the direct
 * identifiers, the hashed content does not change, and the chain stays valid. Editing a direct
 * identifier that is still present is caught by verification (it no longer matches its pseudonym).
 */
export function hashedContent(row: Omit<AuditEvent, 'hash'>): string {
  return canonicalJson({
    seq: row.seq,
    occurredAt: new Date(row.occurredAt).toISOString(),
    actorRef: row.actorRef,
    actorRole: row.actorRole,
    action: row.action,
    subjectRef: row.subjectRef,
    categories: row.categories,
    fields: row.fields,
    operation: row.operation,
    requestId: row.requestId,
    ipRef: row.ipRef,
    details: row.details,
  });
}

export function chainHash(prevHash: string, content: string): string {
  return createHash('sha256').update(prevHash).update(content).digest('hex');
}

export interface AuditTrailQuery {
  subjectId?: string;
  actions?: string[];
  from?: Date;
  to?: Date;
  /** Newest first: rows with seq below this cursor. */
  beforeSeq?: number;
  limit: number;
}

export interface AuditTrailPageQuery {
  subjectId: string;
  actions?: string[];
  from?: Date;
  to?: Date;
  first: number;
  /** Opaque cursor: the endCursor of the previous page. */
  after?: string;
}

export interface AuditTrailPage {
  rows: AuditEvent[];
  hasMore: boolean;
  endCursor: string | null;
}

export function encodeCursor(seq: number): string {
  return Buffer.from(`seq:${seq}`).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const match = /^seq:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new RequestError('BAD_USER_INPUT', 'after is not a cursor of this list.');
  return Number(match[1]);
}

export type AuditChainBreakReason = 'row_missing' | 'previous_hash_mismatch' | 'content_hash_mismatch' | 'pseudonym_mismatch' | 'tail_missing';

export interface AuditChainReport {
  ok: boolean;
  checked: number;
  firstBrokenSeq: number | null;
  /** Why the first broken row does not verify (null when ok). */
  reason: AuditChainBreakReason | null;
}


/** One entry on its way into the chain: everything but its place (seq, previous hash, hash). */
type PendingEntry = Omit<AuditEvent, 'seq' | 'prevHash' | 'hash'>;

/** What a transaction appended, and the subjects it erased (whose direct identifiers its entries drop). */
interface Pending {
  entries: PendingEntry[];
  erased: Set<string>;
}

const PENDING = Symbol('audit entries of a transaction');

/**
 * Appends to the hash-chained audit trail inside the caller's transaction, so the entry commits
 * with the change it records or not at all.
 *
 * The chain's head row is the one row every audited write touches, so it is locked only for the
 * append itself: `append` keeps the entry with the transaction, and the entries of a transaction
 * are chained as its last statements before COMMIT (Database.perTransaction): lock the head (FOR
 * UPDATE on MySQL; SQLite transactions are serial), insert the rows, move the head, commit. A
 * transaction that is slow, or whose process freezes, before that point holds nothing the others
 * need, and the head is never held while waiting for another lock (so it cannot be part of a
 * deadlock). Entries keep the time and order in which they were appended; the chain and its
 * verification are unchanged.
 */
export class AuditService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    /** Keys the pseudonyms the hash chain covers: derived from APP_SECRET. */
    private readonly pseudonymKey: string,
  ) {}

  /** The keyed pseudonym of an identifier (HMAC-SHA-256); null stays null. */
  ref(value: string | null | undefined): string | null {
    if (value === null || value === undefined) return null;
    return createHmac('sha256', this.pseudonymKey).update(value).digest('hex');
  }

  /**
   * Records `entry` with the transaction `em` belongs to: chained just before it commits (see the
   * class). Outside a transaction of the service's Database (a migration, a script's own
   * transaction) it is chained at once, in `em`.
   */
  async append(em: EntityManager, entry: AuditEntry): Promise<void> {
    const pending = this.pendingOf(em);
    if (pending) pending.entries.push(this.pending(entry));
    else await this.chain(em, { entries: [this.pending(entry)], erased: new Set() });
  }

  /** The entries waiting for the commit of `em`'s transaction (undefined outside one). */
  private pendingOf(em: EntityManager): Pending | undefined {
    return this.db.perTransaction(em, PENDING, (): Pending => ({ entries: [], erased: new Set() }), (tx, pending) => this.chain(tx, pending));
  }

  private pending(entry: AuditEntry): PendingEntry {
    return {
      occurredAt: new Date(Math.floor(this.clock.now().getTime())),
      actorId: entry.actorId ?? null,
      actorRole: entry.actorRole,
      action: entry.action,
      subjectId: entry.subjectId ?? null,
      actorRef: this.ref(entry.actorId),
      subjectRef: this.ref(entry.subjectId),
      ipRef: this.ref(entry.ip),
      categories: JSON.stringify(entry.categories ?? []),
      fields: JSON.stringify(entry.fields ?? []),
      operation: entry.operation ?? null,
      requestId: entry.requestId ?? null,
      ip: entry.ip ?? null,
      details: JSON.stringify(entry.details ?? {}),
    };
  }

  /**
   * Chains entries after the head: lock it, insert each row, move it once. Entries naming a subject
   * erased in the same transaction lose the direct identifiers, as its committed rows did.
   */
  private async chain(em: EntityManager, { entries, erased }: Pending): Promise<void> {
    if (!entries.length) return;
    const head = await this.lockHead(em);
    let { seq, hash } = head;
    for (const pending of entries) {
      const entry = { ...pending };
      if (entry.actorId !== null && erased.has(entry.actorId)) Object.assign(entry, { actorId: null, ip: null });
      if (entry.subjectId !== null && erased.has(entry.subjectId)) entry.subjectId = null;
      const row: Omit<AuditEvent, 'hash'> = { seq: seq + 1, ...entry, prevHash: hash };
      const event = { ...row, hash: chainHash(hash, hashedContent(row)) };
      await insertRow(em, AuditEvent, event);
      ({ seq, hash } = event);
    }
    await updateRows(em, AuditHead, { seq, hash }, { id: 1 });
  }

  /** Appends in a transaction of its own (for reads, which change nothing else). */
  record(entry: AuditEntry): Promise<void> {
    return this.db.transaction((em) => this.append(em, entry));
  }

  /** A page of the trail, newest first, filtered by subject, actions and time. Fetches limit + 1 to tell whether more follow. */
  async trail(query: AuditTrailQuery): Promise<{ rows: AuditEvent[]; hasMore: boolean }> {
    const qb = this.db.manager.getRepository(AuditEvent).createQueryBuilder('e');
    if (query.subjectId !== undefined) qb.andWhere('e.subjectId = :subjectId', { subjectId: query.subjectId });
    if (query.actions?.length) qb.andWhere('e.action IN (:...actions)', { actions: query.actions });
    if (query.from) qb.andWhere('e.occurredAt >= :from', { from: query.from });
    if (query.to) qb.andWhere('e.occurredAt < :to', { to: query.to });
    if (query.beforeSeq !== undefined) qb.andWhere(new Brackets((w) => w.where('e.seq < :before', { before: query.beforeSeq })));
    const rows = await qb.orderBy('e.seq', 'DESC').take(query.limit + 1).getMany();
    return { rows: rows.slice(0, query.limit), hasMore: rows.length > query.limit };
  }

  /**
   * A page of one subject's trail for the API, and an audit event for the read itself (written
   * after the query, so it shows on the next page load and never shifts the cursor). Read as
   * `subject`, the trail is the caller's own and other people's identifiers (staff ids and their
   * addresses) are left out; read as staff, everything is shown.
   */
  async readTrail(ctx: CallContext, query: AuditTrailPageQuery, actingRole: string): Promise<AuditTrailPage> {
    if (!ctx.actor) throw new RequestError('UNAUTHENTICATED', 'Sign in first.');
    if (actingRole === 'subject' && query.subjectId !== ctx.actor.subjectId) throw new RequestError('FORBIDDEN', 'You can only read your own audit trail.');
    const { rows, hasMore } = await this.trail({
      subjectId: query.subjectId,
      actions: query.actions,
      from: query.from,
      to: query.to,
      beforeSeq: query.after === undefined ? undefined : decodeCursor(query.after),
      limit: query.first,
    });
    await this.record({
      actorId: ctx.actor.subjectId,
      actorRole: actingRole,
      action: 'audit.read',
      subjectId: query.subjectId,
      categories: ['technical'],
      fields: ['auditTrail'],
      operation: actingRole === 'subject' ? 'me.auditTrail' : 'auditTrail',
      requestId: ctx.requestId ?? null,
      ip: ctx.ip ?? null,
      details: { returned: rows.length },
    });
    const self = ctx.actor.subjectId;
    const shown =
      actingRole === 'subject'
        ? rows.map((r) => (r.actorId === self ? r : Object.assign(new AuditEvent(), { ...r, actorId: null, ip: null })))
        : rows;
    return { rows: shown, hasMore, endCursor: rows.length ? encodeCursor(rows[rows.length - 1].seq) : null };
  }

  /**
   * Walks the whole chain in order and reports the first row that does not verify: a gap in the
   * sequence (a deleted row), a wrong previous hash, a hash that does not match the content (an
   * edited row), a direct identifier that does not match its pseudonym, or a head that does not
   * match the last row (deleted tail).
   */
  async verifyChain(batchSize = 1000): Promise<AuditChainReport> {
    const repo = this.db.manager.getRepository(AuditEvent);
    let prev = GENESIS_HASH;
    let expected = 1;
    const broken = (seq: number, reason: AuditChainBreakReason): AuditChainReport => ({ ok: false, checked: expected - 1, firstBrokenSeq: seq, reason });
    for (;;) {
      const rows = await repo.createQueryBuilder('e').where('e.seq >= :from', { from: expected }).orderBy('e.seq', 'ASC').take(batchSize).getMany();
      for (const row of rows) {
        if (row.seq !== expected) return broken(expected, 'row_missing');
        if (row.prevHash !== prev) return broken(row.seq, 'previous_hash_mismatch');
        if (chainHash(prev, hashedContent(row)) !== row.hash) return broken(row.seq, 'content_hash_mismatch');
        for (const [id, ref] of [
          [row.actorId, row.actorRef],
          [row.subjectId, row.subjectRef],
          [row.ip, row.ipRef],
        ] as const) {
          if (id !== null && this.ref(id) !== ref) return broken(row.seq, 'pseudonym_mismatch');
        }
        prev = row.hash;
        expected++;
      }
      if (rows.length < batchSize) break;
    }
    const head = await this.db.manager.getRepository(AuditHead).findOneBy({ id: 1 });
    const last = expected - 1;
    if ((head?.seq ?? 0) !== last || (head?.hash ?? GENESIS_HASH) !== prev) return broken(last + 1, 'tail_missing');
    return { ok: true, checked: last, firstBrokenSeq: null, reason: null };
  }

  /**
   * Pseudonymizes an erased subject's rows: nulls their direct identifiers; the chain stays valid.
   * Entries of the same transaction, chained at its commit, are pseudonymized as they are written.
   */
  async pseudonymizeSubject(em: EntityManager, subjectId: string): Promise<void> {
    await (auditEventPersonalData.erasure as Extract<typeof auditEventPersonalData.erasure, { strategy: 'pseudonymize' }>).apply(em, subjectId);
    this.pendingOf(em)?.erased.add(subjectId);
  }

  private async lockHead(em: EntityManager): Promise<AuditHead> {
    const find = () => selectOne(em, AuditHead, { id: 1 }, { lock: this.db.rowLocks });
    const head = await find();
    if (head) return head;
    await em.createQueryBuilder().insert().into(AuditHead).values({ id: 1, seq: 0, hash: GENESIS_HASH }).orIgnore().execute();
    return (await find())!;
  }
}
