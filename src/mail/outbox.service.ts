import { randomUUID } from 'node:crypto';
import { In, type EntityManager } from 'typeorm';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Database } from '../db/database';
import { insertRow, updateRows } from '../db/statements';
import { OutboxMessage } from '../entities';
import type { OutboxChannel, OutboxStatus } from '../entities/outbox-message.entity';
import { DomainError, ErrorCode } from '../errors';
import type { AuditService } from '../services/audit/audit.service';

/** Who is asking (staff operations are audited). */
export interface StaffCaller {
  actorId?: string | null;
  requestId?: string | null;
  ip?: string | null;
}

export interface EnqueueEmailInput {
  to: string;
  template: string;
  locale: string;
  params: Record<string, unknown>;
  workflowId?: string | null;
  subjectId?: string | null;
  /**
   * The last mail to a person being erased: once it is sent, or given up as dead, the row forgets
   * the address (recipient "[erased]") and its parameters; a dead one can then not be retried.
   */
  forgetRecipientWhenSent?: boolean;
}

export interface EnqueueWebhookInput {
  recipientId: string;
  url: string;
  /** The event kind (erasure, opt_out, …), shown to staff like a mail's template. */
  event: string;
  /** The exact JSON body to POST: stored once, so every retry sends the same bytes. */
  body: string;
  workflowId?: string | null;
  /** Null for notices about an erased subject: erasure deletes the subject's outbox rows. */
  subjectId?: string | null;
}

export interface EnqueueJobInput {
  /** What to do (the registered handler's name), shown to staff like a mail's template. */
  kind: string;
  /** The address the work is for. */
  address: string;
  params: Record<string, unknown>;
}

/** Called inside the transaction that marks a message sent. */
export type SentHook = (em: EntityManager, row: OutboxMessage) => Promise<void>;

/** Which dead messages a bulk retry takes (all of them when empty), and at most how many. */
export interface DeadMessageFilter {
  channel?: OutboxChannel;
  template?: string;
  limit: number;
}

/** The most dead messages one bulk retry takes (a bounded transaction; call again for more). */
export const MAX_BULK_RETRY = 500;

export interface OutboxPage {
  items: OutboxMessage[];
  endCursor: string | null;
  hasNextPage: boolean;
}

/** Exponential backoff with jitter: base·2^(n-1), capped, then a random 50–100 % of it. */
export function retryDelay(attempts: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const capped = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(capped * (0.5 + random() / 2));
}

/** Keys of params that carry a secret (link tokens): removed once the message is sent. */
const SECRET_PARAMS = ['link'];
/** Marks a mail whose recipient address (and parameters) are blanked once it is sent or dead. */
const FORGET_RECIPIENT = '_forgetRecipientWhenSent';
export const FORGOTTEN_RECIPIENT = '[erased]';

const forgets = (row: Pick<OutboxMessage, 'params'>) => (JSON.parse(row.params) as Record<string, unknown>)[FORGET_RECIPIENT] === true;

/** What a mail marked FORGET_RECIPIENT keeps once it is done with (sent or dead): no address, no parameters, an error without the address. */
function forgotten(row: Pick<OutboxMessage, 'recipient'>, lastError: string | null): Pick<OutboxMessage, 'recipient' | 'params' | 'lastError'> {
  return { recipient: FORGOTTEN_RECIPIENT, params: '{}', lastError: lastError === null ? null : lastError.split(row.recipient).join(FORGOTTEN_RECIPIENT) };
}

/**
 * The outbox: rows written in the transaction of the change that caused them, claimed and sent by
 * the outbox worker after commit. Claims use FOR UPDATE SKIP LOCKED on MySQL, so every process can
 * run the worker and each row goes to one of them.
 */
export class OutboxService {
  private readonly host: string;
  private readonly sentHooks: SentHook[] = [];

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly config: Config,
    private readonly audit: AuditService,
  ) {
    this.host = new URL(config.publicUrl).hostname || 'localhost';
  }

  async enqueueEmail(em: EntityManager, input: EnqueueEmailInput): Promise<OutboxMessage> {
    return this.enqueue(em, (id) => ({
      channel: 'email',
      recipient: input.to,
      template: input.template,
      locale: input.locale,
      params: JSON.stringify(input.forgetRecipientWhenSent ? { ...input.params, [FORGET_RECIPIENT]: true } : input.params),
      messageId: `<${id}@${this.host}>`,
      workflowId: input.workflowId ?? null,
      subjectId: input.subjectId ?? null,
    }));
  }

  /** A signed webhook to a downstream recipient, sent by the outbox worker's webhook channel. */
  async enqueueWebhook(em: EntityManager, input: EnqueueWebhookInput): Promise<OutboxMessage> {
    return this.enqueue(em, (id) => ({
      channel: 'webhook',
      recipient: input.url,
      template: input.event,
      locale: 'en',
      params: JSON.stringify({ recipientId: input.recipientId, body: input.body }),
      messageId: id,
      workflowId: input.workflowId ?? null,
      subjectId: input.subjectId ?? null,
    }));
  }

  /**
   * Work on behalf of an address, done by the outbox worker's `job` channel after commit: a request
   * that must answer the same, in the same time, whether or not the address is known writes only
   * this row (issue 11 §10).
   */
  async enqueueJob(em: EntityManager, input: EnqueueJobInput): Promise<OutboxMessage> {
    return this.enqueue(em, (id) => ({
      channel: 'job',
      recipient: input.address,
      template: input.kind,
      locale: 'en',
      params: JSON.stringify(input.params),
      messageId: id,
      workflowId: null,
      subjectId: null,
    }));
  }

  /**
   * Deletes a claimed job row in the transaction that did its work, so the work and its completion
   * commit together (exactly once) and no address stays behind. False when this claim no longer
   * holds the row (its lease ran out and another process took it): the caller rolls back.
   */
  async completeJob(em: EntityManager, row: OutboxMessage): Promise<boolean> {
    const result = await em.delete(OutboxMessage, { id: row.id, status: 'sending', attempts: row.attempts });
    return (result.affected ?? 0) === 1;
  }

  /** One queued row, due now, in the caller's transaction. */
  private async enqueue(
    em: EntityManager,
    fields: (id: string) => Pick<OutboxMessage, 'channel' | 'recipient' | 'template' | 'locale' | 'params' | 'messageId' | 'workflowId' | 'subjectId'>,
  ): Promise<OutboxMessage> {
    const now = this.clock.now();
    const id = randomUUID();
    const row = Object.assign(new OutboxMessage(), {
      id,
      ...fields(id),
      status: 'queued' as const,
      attempts: 0,
      nextAttemptAt: now,
      lastError: null,
      createdAt: now,
      updatedAt: now,
      sentAt: null,
    });
    await insertRow(em, OutboxMessage, row);
    return row;
  }

  /**
   * Claims up to `limit` due rows for one send lease (OUTBOX_SEND_TIMEOUT): queued ones whose retry
   * time has come, and sending ones whose lease ran out (their sender died or froze mid-send: the
   * outcome is unknown, so they are sent again with the same Message-ID). A claim of a queued row is
   * a new attempt; taking over an expired lease is not (it is the same attempt, still without an
   * outcome), so a slow or stopped sender never uses up a message's attempts. A queued row already
   * out of attempts (OUTBOX_MAX_ATTEMPTS lowered) becomes dead instead.
   *
   * The lease's end (`nextAttemptAt` while sending) is the claim's fence: every later write by the
   * holder (sent, failed, renewed) applies only while the row still has it, and a new claim always
   * sets a later one.
   */
  async claim(limit: number): Promise<OutboxMessage[]> {
    return this.db.transaction(async (em) => {
      const now = this.clock.now();
      let qb = em
        .getRepository(OutboxMessage)
        .createQueryBuilder('m')
        .where('m.status IN (:...statuses)', { statuses: ['queued', 'sending'] })
        .andWhere('m.nextAttemptAt <= :now', { now })
        .orderBy('m.nextAttemptAt', 'ASC')
        .addOrderBy('m.id', 'ASC')
        .limit(limit);
      if (this.db.rowLocks) qb = qb.setLock('pessimistic_write').setOnLocked('skip_locked');
      const rows = await qb.getMany();
      const claimed: OutboxMessage[] = [];
      for (const row of rows) {
        if (row.status === 'queued' && row.attempts >= this.config.OUTBOX_MAX_ATTEMPTS) {
          await em.update(OutboxMessage, { id: row.id }, { status: 'dead', updatedAt: now, ...(forgets(row) ? forgotten(row, row.lastError) : {}) });
          continue;
        }
        claimed.push(row);
      }
      if (!claimed.length) return claimed;
      // One UPDATE per kind of row (usually one: all queued), for the whole claim (the rows are
      // locked, or the transaction is serial on SQLite).
      const lease = { status: 'sending' as const, nextAttemptAt: new Date(now.getTime() + this.config.OUTBOX_SEND_TIMEOUT), updatedAt: now };
      const fresh = claimed.filter((row) => row.status === 'queued').map((row) => row.id);
      const takenOver = claimed.filter((row) => row.status !== 'queued').map((row) => row.id);
      if (fresh.length) await em.createQueryBuilder().update(OutboxMessage).set({ ...lease, attempts: () => 'attempts + 1' }).where({ id: In(fresh) }).execute();
      if (takenOver.length) await em.createQueryBuilder().update(OutboxMessage).set(lease).where({ id: In(takenOver) }).execute();
      for (const row of claimed) Object.assign(row, lease, { attempts: row.status === 'queued' ? row.attempts + 1 : row.attempts });
      return claimed;
    });
  }

  /**
   * Extends the send lease of rows this claim still holds (a batch whose mails take long: the lease
   * must outlast every send, or another process would take the rest over and send them again).
   * Answers the rows still held, with their new lease; the others have been taken over (this process
   * stalled past its lease) and are the new holder's to send.
   */
  async renewLease(rows: OutboxMessage[]): Promise<OutboxMessage[]> {
    if (!rows.length) return rows;
    return this.db.transaction(async (em) => {
      const now = this.clock.now();
      const held = await this.held(em, rows);
      if (!held.length) return held;
      const nextAttemptAt = new Date(now.getTime() + this.config.OUTBOX_SEND_TIMEOUT);
      await em.update(OutboxMessage, { id: In(held.map((row) => row.id)) }, { nextAttemptAt, updatedAt: now });
      for (const row of held) Object.assign(row, { nextAttemptAt, updatedAt: now });
      return held;
    });
  }

  /** Less than half of a claimed row's send lease is left: time to renew it before the next send. */
  leaseRunningOut(row: OutboxMessage): boolean {
    return row.nextAttemptAt.getTime() - this.clock.now().getTime() < this.config.OUTBOX_SEND_TIMEOUT / 2;
  }

  /** Of `rows` (as this claim left them), those the claim still holds: locked (MySQL), still sending, same lease. */
  private async held(em: EntityManager, rows: OutboxMessage[]): Promise<OutboxMessage[]> {
    let qb = em
      .getRepository(OutboxMessage)
      .createQueryBuilder('m')
      .select(['m.id', 'm.status', 'm.nextAttemptAt'])
      .where({ id: In(rows.map((row) => row.id)) });
    if (this.db.rowLocks) qb = qb.setLock('pessimistic_write');
    const current = new Map((await qb.getMany()).map((row) => [row.id, row]));
    return rows.filter((row) => {
      const now = current.get(row.id);
      return now?.status === 'sending' && now.nextAttemptAt.getTime() === row.nextAttemptAt.getTime();
    });
  }

  /**
   * Records successful sends, in one transaction (one commit for a batch of mails), for the rows
   * this claim still holds, and drops secrets from their params. If that transaction fails (e.g. one
   * row's sent hook throws), each row is recorded in its own, so one bad row does not send the
   * others again; the first error is then rethrown.
   */
  async markSent(rows: OutboxMessage | OutboxMessage[]): Promise<void> {
    const all = Array.isArray(rows) ? rows : [rows];
    if (!all.length) return;
    if (all.length > 1) {
      try {
        await this.db.transaction((em) => this.recordSent(em, all));
        return;
      } catch {
        // Fall through: one at a time.
      }
    }
    let failure: unknown;
    for (const row of all) {
      try {
        await this.db.transaction((em) => this.recordSent(em, [row]));
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure) throw failure;
  }

  private async recordSent(em: EntityManager, rows: OutboxMessage[]): Promise<void> {
    const now = this.clock.now();
    // The rows still claimed by this attempt (another process may have taken over a row whose lease
    // ran out, and then the row is its to record).
    const held = await this.held(em, rows);
    const sent = { status: 'sent' as const, sentAt: now, updatedAt: now };
    const plain: string[] = [];
    for (const row of held) {
      const params = JSON.parse(row.params) as Record<string, unknown>;
      const secrets = SECRET_PARAMS.filter((key) => key in params);
      const forget = params[FORGET_RECIPIENT] === true;
      if (!secrets.length && !(FORGET_RECIPIENT in params)) {
        plain.push(row.id);
        continue;
      }
      for (const key of secrets) params[key] = '[sent]';
      delete params[FORGET_RECIPIENT];
      await em.update(OutboxMessage, { id: row.id }, { ...sent, params: JSON.stringify(params), ...(forget ? forgotten(row, row.lastError) : {}) });
    }
    if (plain.length) await em.update(OutboxMessage, { id: In(plain) }, sent);
    for (const row of held) for (const hook of this.sentHooks) await hook(em, row);
  }

  /**
   * Runs `hook` in the transaction that marks a message sent, once per message (e.g. to tell the
   * workflow that queued a webhook that it was delivered). A hook that throws rolls the mark back:
   * the message is sent again after its lease, with the same id, so receivers dedupe it.
   */
  onSent(hook: SentHook): void {
    this.sentHooks.push(hook);
  }

  /** Records a failed attempt: back to queued after a backoff, or dead when out of attempts. */
  async markFailed(row: OutboxMessage, error: Error): Promise<OutboxStatus> {
    const now = this.clock.now();
    const dead = row.attempts >= this.config.OUTBOX_MAX_ATTEMPTS;
    const status: OutboxStatus = dead ? 'dead' : 'queued';
    const nextAttemptAt = dead ? now : new Date(now.getTime() + retryDelay(row.attempts, this.config.OUTBOX_RETRY_BASE, this.config.OUTBOX_RETRY_MAX));
    const lastError = error.message.slice(0, 2000);
    // Only while this claim still holds the row (its lease): a process that took it over decides.
    await this.db.transaction((em) =>
      updateRows(em, OutboxMessage, { status, nextAttemptAt, lastError, updatedAt: now, ...(dead && forgets(row) ? forgotten(row, lastError) : {}) }, { id: row.id, status: 'sending', nextAttemptAt: row.nextAttemptAt }),
    );
    return status;
  }

  /** Staff: messages, newest first, optionally of some statuses; cursor = the last row's id. */
  async list(filter: { statuses?: OutboxStatus[]; first: number; after?: string | null }, by: StaffCaller = {}): Promise<OutboxPage> {
    const qb = this.db.manager.getRepository(OutboxMessage).createQueryBuilder('m');
    if (filter.statuses?.length) qb.where({ status: In(filter.statuses) });
    if (filter.after) {
      const cursor = await this.db.manager.findOneBy(OutboxMessage, { id: filter.after });
      if (cursor) {
        qb.andWhere('(m.createdAt < :at OR (m.createdAt = :at AND m.id < :id))', { at: cursor.createdAt, id: cursor.id });
      }
    }
    const rows = await qb.orderBy('m.createdAt', 'DESC').addOrderBy('m.id', 'DESC').limit(filter.first + 1).getMany();
    const items = rows.slice(0, filter.first);
    // Recipients are personal data: staff reads are audited.
    await this.audit.record({ actorId: by.actorId, actorRole: 'staff', action: 'outbox.read', fields: ['recipient'], operation: 'outbox', requestId: by.requestId, ip: by.ip, details: { count: items.length } });
    return { items, hasNextPage: rows.length > filter.first, endCursor: items.length ? items[items.length - 1].id : null };
  }

  /**
   * Staff: sends dead messages again now, each with a fresh set of attempts: the longest dead first,
   * at most `limit` (up to MAX_BULK_RETRY) per call, so one transaction stays short; `hasMore` says
   * whether more match. Messages another staff retry is taking at the same moment are left to it
   * (SKIP LOCKED on MySQL). One audit entry names the filter and every message retried.
   */
  async retryDead(filter: DeadMessageFilter, by: StaffCaller = {}): Promise<{ ids: string[]; hasMore: boolean }> {
    const limit = Math.max(1, Math.min(MAX_BULK_RETRY, Math.floor(filter.limit)));
    return this.db.transaction(async (em) => {
      let qb = em.getRepository(OutboxMessage).createQueryBuilder('m').select(['m.id']).where('m.status = :dead', { dead: 'dead' });
      if (filter.channel) qb = qb.andWhere('m.channel = :channel', { channel: filter.channel });
      if (filter.template) qb = qb.andWhere('m.template = :template', { template: filter.template });
      qb = qb.orderBy('m.nextAttemptAt', 'ASC').addOrderBy('m.id', 'ASC').limit(limit + 1);
      if (this.db.rowLocks) qb = qb.setLock('pessimistic_write').setOnLocked('skip_locked');
      const found = await qb.getMany();
      const ids = found.slice(0, limit).map((row) => row.id);
      if (ids.length) {
        const now = this.clock.now();
        await em.update(OutboxMessage, { id: In(ids), status: 'dead' }, { status: 'queued', attempts: 0, nextAttemptAt: now, updatedAt: now });
      }
      await this.audit.append(em, {
        actorId: by.actorId,
        actorRole: 'staff',
        action: 'outbox.retry_dead',
        operation: 'retryDeadOutboxMessages',
        requestId: by.requestId,
        ip: by.ip,
        details: { count: ids.length, outboxIds: ids, filter: { channel: filter.channel ?? null, template: filter.template ?? null, limit } },
      });
      return { ids, hasMore: found.length > limit };
    });
  }

  /** Staff: sends a dead (or waiting) message again now, with a fresh set of attempts. */
  async retry(id: string, by: StaffCaller = {}): Promise<OutboxMessage | DomainError> {
    return this.db.transaction(async (em) => {
      const qb = em.getRepository(OutboxMessage).createQueryBuilder('m').where('m.id = :id', { id });
      const row = await (this.db.rowLocks ? qb.setLock('pessimistic_write') : qb).getOne();
      if (!row) return new DomainError(ErrorCode.NOT_FOUND, 'No outbox message with this id exists.');
      if (row.status !== 'dead' && row.status !== 'queued') {
        return new DomainError(ErrorCode.OUTBOX_MESSAGE_NOT_RETRYABLE, `The message is ${row.status}: only dead or queued messages can be retried.`);
      }
      if (row.recipient === FORGOTTEN_RECIPIENT) {
        return new DomainError(ErrorCode.OUTBOX_MESSAGE_NOT_RETRYABLE, 'The message was the last one to an erased address, and the address is forgotten: it cannot be sent again.');
      }
      const now = this.clock.now();
      const update = { status: 'queued' as const, attempts: 0, nextAttemptAt: now, updatedAt: now };
      await em.update(OutboxMessage, { id }, update);
      await this.audit.append(em, { actorId: by.actorId, actorRole: 'staff', action: 'outbox.retry', subjectId: row.subjectId, operation: 'retryOutboxMessage', requestId: by.requestId, ip: by.ip, details: { outboxId: id, previousStatus: row.status } });
      return Object.assign(row, update);
    });
  }
}
