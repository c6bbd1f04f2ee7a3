import { randomUUID } from 'node:crypto';
import { In, LessThan, type EntityManager } from 'typeorm';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import { PrivacyRequest } from '../entities';
import { BusinessCalendars, REGULATORY_DEADLINES, requestClockSpec, requestDueDate, type BusinessCalendar, type Right } from '../policy';
import type { AuditService } from './audit/audit.service';
import type { PolicyService } from './policy.service';

/** Not answered yet: `failed` (an erasure that rolled back, waiting for staff to retry) still counts against its deadline. */
export const OPEN_STATUSES = ['received', 'awaiting_confirmation', 'in_progress', 'failed'] as const;
export const CLOSED_STATUSES = ['completed', 'denied', 'cancelled', 'expired'] as const;

export interface OpenRequestInput {
  type: string;
  subjectId?: string | null;
  requesterEmail?: string | null;
  manner: string;
  status?: string;
  details?: Record<string, unknown>;
  workflowId?: string | null;
  actor?: { id?: string | null; role: string; requestId?: string; ip?: string };
}

/**
 * Privacy requests and their deadlines. The due date is the policy's promise for the right (30
 * days for access, 7 for restriction, 15 business days for a CCPA opt-out), capped by the law's
 * deadline where that is stricter; the clock and the business calendar decide the date.
 */
export class PrivacyRequestService {
  private calendars?: BusinessCalendars;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly policy: PolicyService,
    private readonly calendar: BusinessCalendar,
  ) {}

  right(type: string): Right {
    const right = this.policy.policy.rights.find((r) => r.key === type);
    if (!right) throw new Error(`no right "${type}" in the policy`);
    return right;
  }

  /** When a request of this type received at `receivedAt` must be answered (src/policy/request-clock.ts). */
  dueDate(type: string, receivedAt: Date): Date {
    const right = this.right(type);
    this.calendars ??= new BusinessCalendars(this.calendar);
    const calendar = this.calendars.for(null, right.regime);
    return requestDueDate(requestClockSpec({ right, calendar, inquiryResponse: this.policy.policy.contact.inquiryResponse }), receivedAt);
  }

  /** Opens a request inside the caller's transaction, audited. */
  async open(em: EntityManager, input: OpenRequestInput): Promise<PrivacyRequest> {
    const now = this.clock.now();
    const right = this.right(input.type);
    const request = Object.assign(new PrivacyRequest(), {
      id: randomUUID(),
      type: input.type,
      regime: right.regime,
      subjectId: input.subjectId ?? null,
      requesterEmail: input.requesterEmail ?? null,
      manner: input.manner,
      status: input.status ?? 'received',
      receivedAt: now,
      dueAt: this.dueDate(input.type, now),
      extendedDueAt: null,
      extensionReason: null,
      acknowledgedAt: null,
      verification: '[]',
      workflowId: input.workflowId ?? null,
      details: JSON.stringify(input.details ?? {}),
      respondedAt: null,
      response: null,
      denialBasis: null,
      retainUntil: null,
    });
    await em.insert(PrivacyRequest, request);
    await this.audit.append(em, {
      actorId: input.actor?.id ?? null,
      actorRole: input.actor?.role ?? 'system',
      action: 'privacy_request.open',
      subjectId: request.subjectId,
      operation: input.type,
      requestId: input.actor?.requestId,
      ip: input.actor?.ip,
      details: { requestId: request.id, type: request.type, manner: request.manner },
    });
    return request;
  }

  /** Closes a request with its answer (§7101: response date, response, basis of denial) and its retention date. */
  async close(em: EntityManager, id: string, outcome: { status: (typeof CLOSED_STATUSES)[number] | 'failed'; response: string; denialBasis?: string | null }): Promise<void> {
    const now = this.clock.now();
    const retainUntil = this.calendar.addPeriod(now, REGULATORY_DEADLINES.find((d) => d.key === 'ccpa_request_records')!.period);
    await em.update(PrivacyRequest, { id }, { status: outcome.status, respondedAt: now, response: outcome.response, denialBasis: outcome.denialBasis ?? null, retainUntil });
  }

  async setStatus(em: EntityManager, id: string, status: string): Promise<void> {
    await em.update(PrivacyRequest, { id }, { status });
  }

  /**
   * Staff: requests by due date (soonest first), optionally of some statuses, of some types, or only
   * the overdue ones (open and past the extended or original due date); cursor = the last row's id.
   * The read is audited.
   */
  async list(
    filter: { statuses?: string[]; types?: string[]; overdue?: boolean; first: number; after?: string | null },
    by: { actorId?: string | null; requestId?: string | null; ip?: string | null } = {},
  ): Promise<{ items: PrivacyRequest[]; endCursor: string | null; hasNextPage: boolean }> {
    const now = this.clock.now();
    const qb = this.db.manager.getRepository(PrivacyRequest).createQueryBuilder('r').where('1 = 1');
    if (filter.statuses?.length) qb.andWhere('r.status IN (:...statuses)', { statuses: filter.statuses });
    if (filter.types) {
      if (!filter.types.length) qb.andWhere('1 = 0');
      else qb.andWhere('r.type IN (:...types)', { types: filter.types });
    }
    if (filter.overdue !== undefined) {
      const past = 'COALESCE(r.extendedDueAt, r.dueAt) < :now';
      if (filter.overdue) qb.andWhere(`r.status IN (:...open) AND ${past}`, { open: [...OPEN_STATUSES], now });
      else qb.andWhere(`NOT (r.status IN (:...open) AND ${past})`, { open: [...OPEN_STATUSES], now });
    }
    if (filter.after) {
      const cursor = await this.db.manager.findOneBy(PrivacyRequest, { id: filter.after });
      if (cursor) qb.andWhere('(r.dueAt > :at OR (r.dueAt = :at AND r.id > :id))', { at: cursor.dueAt, id: cursor.id });
    }
    const rows = await qb.orderBy('r.dueAt', 'ASC').addOrderBy('r.id', 'ASC').limit(filter.first + 1).getMany();
    const items = rows.slice(0, filter.first);
    await this.audit.record({ actorId: by.actorId, actorRole: 'staff', action: 'privacy_request.read', fields: ['privacyRequests'], categories: ['communication'], operation: 'privacyRequests', requestId: by.requestId, ip: by.ip, details: { count: items.length } });
    return { items, hasNextPage: rows.length > filter.first, endCursor: items.length ? items[items.length - 1].id : null };
  }

  /** Open requests past their (extended) due date: the staff queue's red list. */
  async overdue(): Promise<PrivacyRequest[]> {
    const now = this.clock.now();
    const candidates = await this.db.manager.getRepository(PrivacyRequest).find({ where: { status: In([...OPEN_STATUSES]), dueAt: LessThan(now) }, order: { dueAt: 'ASC' } });
    return candidates.filter((r) => (r.extendedDueAt ?? r.dueAt).getTime() < now.getTime());
  }
}
