import { randomUUID } from 'node:crypto';
import { In, type EntityManager } from 'typeorm';
import type { Clock } from '../../clock';
import type { Database } from '../../db/database';
import { selectOne } from '../../db/statements';
import { ConsentRecord, Subject } from '../../entities';
import { DomainError, ErrorCode } from '../../errors';
import { REGULATORY_DEADLINES, type BusinessCalendar } from '../../policy';
import { CCPA_OPT_OUT, type CcpaOptOutInput } from '../../workflows/ccpa-opt-out/ccpa-opt-out.machine';
import type { WorkflowRuntime } from '../../workflows/runtime/workflow-runtime';
import type { AuditService } from '../audit/audit.service';
import { auditOrigin, type CallContext } from '../call-context';
import type { ConsentService } from '../consent/consent.service';
import { normalizeEmail } from '../identity/session.service';
import type { PrivacyRequestService } from '../privacy-request.service';
import type { RecipientService } from '../webhooks/recipient.service';
import { decideSaleShare } from '../processing/processing-decision';
import type { SubjectAgeService } from './subject-age.service';
import type { DeviceOptOutService } from './device-opt-out.service';

export const SALE_SHARE = 'sale_share';

/** How an opt-out came in (ConsentRecord.method; PrivacyRequest.manner, 11 CCR 7101). */
export type OptOutMethod = 'settings' | 'email_link' | 'gpc';

/** A call that may carry a Global Privacy Control signal and an app device id. */
export interface GpcCallContext extends CallContext {
  gpc?: boolean;
  deviceId?: string;
}

export interface SaleShareState {
  subjectId: string;
  /** Sale/sharing is off: an opt-out, or a minor without the opt-in the law asks for. */
  optedOut: boolean;
  /** The latest decision on record, if any. */
  decision?: string;
  method?: string;
  givenBy?: string;
  decidedAt?: Date;
  /** When the person may first be asked to opt back in (12 months after the opt-out, Cal. Civ. Code 1798.135(c)(4)); null when asking is not restricted. */
  optInPromptAllowedAt: Date | null;
  /** Consumers known to be under 16 (11 CCR 7070): sale/sharing only with an opt-in (self at 13–15, parent under 13). */
  optInRequired: boolean;
  /** The privacy request that runs the downstream notices of the latest opt-out, if one was opened. */
  requestId?: string;
}

interface Target {
  subjectId?: string;
  deviceId?: string;
}

const CACHE_TTL_MS = 10 * 60_000;

/**
 * CCPA opt-out of sale/sharing (Cal. Civ. Code 1798.120, 1798.135; 11 CCR 7025, 7026, 7060(b)).
 * An opt-out takes effect for Consentry at once (a denied `sale_share` consent record) and opens a
 * privacy request whose `ccpa-opt-out` workflow makes it effective downstream within 15 business
 * days. Nobody is asked to prove who they are. Repeating an opt-out writes nothing.
 *
 * Global Privacy Control is checked on every GraphQL request that carries `Sec-GPC: 1`: a per-process
 * cache of targets known to be opted out keeps that to no query at all on the hot path, one indexed
 * read for a new target, and a write only when something changes. A device (no person behind it that
 * we know) is recorded by DeviceOptOutService: one record, no privacy request, recipients told in a digest.
 */
export class OptOutService {
  private readonly optedOut = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly consent: ConsentService,
    private readonly requests: PrivacyRequestService,
    private readonly workflows: WorkflowRuntime,
    private readonly recipients: RecipientService,
    private readonly ages: SubjectAgeService,
    private readonly audit: AuditService,
    private readonly calendar: BusinessCalendar,
    private readonly devices: DeviceOptOutService,
    private readonly cacheSize = 10_000,
  ) {}

  /** The signed-in person opts out (method settings). Idempotent. */
  async optOutSelf(ctx: GpcCallContext): Promise<SaleShareState> {
    const subjectId = ctx.actor!.subjectId;
    this.remember(await this.db.transaction((em) => this.optOutIn(em, ctx, { subjectId }, 'settings')));
    return this.state(subjectId);
  }

  /**
   * Opt-out by email address, without signing in and without verification (11 CCR 7060(b)), in the
   * caller's transaction: the address job of optOutOfSaleByEmail (OptOutByEmailService), run after
   * the request has answered, so neither the answer nor its time shows whether the address is known
   * (issue 11 §10). When an account uses the address it is opted out and a notice goes to the
   * address; otherwise nothing is written or sent.
   */
  async optOutByEmailIn(em: EntityManager, ctx: GpcCallContext, email: string): Promise<void> {
    const address = normalizeEmail(email);
    const subject = await em.getRepository(Subject).findOne({ where: { email: address }, select: { id: true, status: true, locale: true } });
    if (!subject || subject.status === 'erased') return;
    // Not remembered in the GPC cache: this runs in a worker, before its transaction commits.
    await this.optOutIn(em, ctx, { subjectId: subject.id }, 'email_link', { email: address, locale: subject.locale });
  }

  /**
   * Applies a Global Privacy Control signal (11 CCR 7025): opts out the signed-in subject (their own
   * record and `ccpa_opt_out` request, once) and the device (one record, once, no request: see
   * DeviceOptOutService), asking for nothing. Known targets cost nothing (a per-process cache).
   */
  async applyGpc(ctx: GpcCallContext): Promise<void> {
    if (!ctx.gpc) return;
    const work: Promise<void>[] = [];
    if (ctx.actor && !this.cached(`s:${ctx.actor.subjectId}`)) {
      const subjectId = ctx.actor.subjectId;
      work.push(this.once(`s:${subjectId}`, () => this.db.transaction((em) => this.optOutIn(em, ctx, { subjectId }, 'gpc')).then((keys) => this.remember(keys))));
    }
    if (ctx.deviceId) {
      const key = `d:${this.consent.deviceKey(ctx.deviceId)}`;
      const deviceId = ctx.deviceId;
      if (!this.cached(key)) {
        work.push(
          this.once(key, async () => {
            // Over the per-IP bound nothing is recorded and nothing remembered: a later request of the device records it.
            if ((await this.devices.optOut({ deviceId, ip: ctx.ip, requestId: ctx.requestId })) !== 'limited') this.remember([key]);
          }),
        );
      }
    }
    await Promise.all(work);
  }

  /** Runs `work` once per key at a time in this process: parallel signals of one target share it. */
  private once(key: string, work: () => Promise<void>): Promise<void> {
    let running = this.inFlight.get(key);
    if (!running) {
      running = work().finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, running);
    }
    return running;
  }

  /** The person opts back in themselves (allowed at any time; only asking them is limited). Under 13, a parent decides. */
  async optInSelf(ctx: GpcCallContext): Promise<SaleShareState | DomainError> {
    const subjectId = ctx.actor!.subjectId;
    const age = await this.ages.rule(subjectId);
    if (age && age.age < age.parentalConsentUnder) {
      return new DomainError(ErrorCode.SALE_OPT_IN_NOT_ALLOWED, 'Under 13, only a parent can allow the sale or sharing of a child’s personal information (11 CCR 7070(b)).');
    }
    await this.db.transaction(async (em) => {
      await this.consent.record(em, { subjectId }, {
        purpose: SALE_SHARE,
        decision: 'granted',
        method: 'settings',
        givenBy: 'self',
        // A consent given while the browser sends GPC is the consumer's informed choice against the
        // signal (11 CCR 7025(c)(3)): the signal no longer overrides it.
        evidence: { requestId: ctx.requestId ?? null, gpcPresent: !!ctx.gpc },
      });
      await this.audit.append(em, { ...auditOrigin(ctx, 'subject'), action: 'consent.record', subjectId, categories: ['preference'], fields: [SALE_SHARE], operation: 'optInToSale' });
    });
    this.optedOut.delete(`s:${subjectId}`);
    return this.state(subjectId);
  }

  /** The subject's own sale/share state; the read is audited (preference data). */
  async subjectState(ctx: CallContext, subjectId: string): Promise<SaleShareState> {
    const state = await this.state(subjectId);
    await this.audit.record({ ...auditOrigin(ctx, 'subject'), action: 'consent.read', subjectId, categories: ['preference'], fields: ['saleShare'], operation: 'saleShare' });
    return state;
  }

  /** Sale/sharing for a subject: the latest decision, whether an opt-in is needed, when asking again is allowed. */
  async state(subjectId: string, em: EntityManager = this.db.manager): Promise<SaleShareState> {
    const [records, age] = await Promise.all([
      em.getRepository(ConsentRecord).find({ where: { subjectId, purpose: In([SALE_SHARE, 'child.disclosure']) }, order: { id: 'DESC' } }),
      this.ages.rule(subjectId, em),
    ]);
    const latest = new Map<string, ConsentRecord>();
    for (const r of records) if (!latest.has(r.purpose)) latest.set(r.purpose, r);
    const sale = latest.get(SALE_SHARE);
    const optedOut = !decideSaleShare({ age, latest }).allowed;
    const lastOptOut = records.find((r) => r.purpose === SALE_SHARE && r.decision === 'denied');
    const wait = REGULATORY_DEADLINES.find((d) => d.key === 'ccpa_opt_in_wait')!.period;
    const evidence = lastOptOut ? (JSON.parse(lastOptOut.evidence) as { privacyRequestId?: string }) : {};
    return {
      subjectId,
      optedOut,
      decision: sale?.decision,
      method: sale?.method,
      givenBy: sale?.givenBy,
      decidedAt: sale?.recordedAt,
      optInPromptAllowedAt: optedOut && lastOptOut ? this.calendar.addPeriod(lastOptOut.recordedAt, wait) : null,
      optInRequired: !!age && (age.age < age.saleOptInUnder || age.age < age.parentalConsentUnder),
      requestId: evidence.privacyRequestId,
    };
  }

  /**
   * Records the opt-out for every target not already opted out, opens one privacy request and starts
   * its workflow, all in the caller's transaction. Nothing is written when every target is opted out.
   * Answers the cache keys of the targets, to remember once the transaction has committed.
   */
  private async optOutIn(em: EntityManager, ctx: GpcCallContext, target: Target, method: OptOutMethod, notice?: { email: string; locale: string }): Promise<string[]> {
    const keys = [...(target.subjectId ? [`s:${target.subjectId}`] : []), ...(target.deviceId ? [`d:${this.consent.deviceKey(target.deviceId)}`] : [])];
    // One opt-out per subject, also when two processes get the same subject's signal at once: its row is
    // the lock (FOR UPDATE on MySQL; SQLite transactions are serial already).
    if (target.subjectId && this.db.rowLocks) await selectOne(em, Subject, { id: target.subjectId }, { lock: true });
    const todo: Target = {};
    if (target.subjectId && (await this.needsOptOut(em, { subjectId: target.subjectId }, method))) todo.subjectId = target.subjectId;
    if (target.deviceId && (await this.needsOptOut(em, { deviceId: target.deviceId }, method))) todo.deviceId = target.deviceId;
    if (!todo.subjectId && !todo.deviceId) return keys;

    const workflowId = randomUUID();
    const manner = method === 'settings' ? 'api' : method;
    const request = await this.requests.open(em, {
      type: 'ccpa_opt_out',
      subjectId: todo.subjectId ?? null,
      manner,
      status: 'in_progress',
      workflowId,
      details: { method, device: !!todo.deviceId, subject: !!todo.subjectId },
      actor: { id: ctx.actor?.subjectId ?? null, role: ctx.actor ? 'subject' : 'anonymous', requestId: ctx.requestId, ip: ctx.ip },
    });
    const evidence = { privacyRequestId: request.id, requestId: ctx.requestId ?? null };
    for (const t of [todo.subjectId ? { subjectId: todo.subjectId } : undefined, todo.deviceId ? { deviceId: todo.deviceId } : undefined]) {
      if (!t) continue;
      await this.consent.record(em, t, { purpose: SALE_SHARE, decision: 'denied', method, givenBy: 'self', evidence });
    }
    const recipients = await this.recipients.subscribedTo('opt_out', em);
    const input: CcpaOptOutInput = {
      requestId: request.id,
      subjectId: todo.subjectId ?? null,
      deviceId: todo.deviceId ?? null,
      method,
      recipientIds: recipients.map((r) => r.id),
      deadlineMs: Math.max(0, request.dueAt.getTime() - this.clock.now().getTime()),
      noticeEmail: notice?.email ?? null,
      locale: notice?.locale,
    };
    await this.workflows.startIn(em, { machineId: CCPA_OPT_OUT, id: workflowId, subjectId: todo.subjectId ?? null, input: input as unknown as Record<string, unknown> }, {
      actorId: ctx.actor?.subjectId ?? null,
      actorRole: ctx.actor ? 'subject' : 'anonymous',
      requestId: ctx.requestId,
      ip: ctx.ip,
      operation: method === 'gpc' ? 'Sec-GPC' : method === 'email_link' ? 'optOutOfSaleByEmail' : 'optOutOfSale',
    });
    return keys;
  }

  /** Whether a target still needs an opt-out recorded. GPC does not override an opt-in given while the signal was on. */
  private async needsOptOut(em: EntityManager, target: { subjectId: string } | { deviceId: string }, method: OptOutMethod): Promise<boolean> {
    const latest = await this.latest(em, target);
    if (!latest) return true;
    if (latest.decision !== 'granted') return false;
    if (method !== 'gpc') return true;
    const evidence = JSON.parse(latest.evidence) as { gpcPresent?: boolean };
    return !(latest.givenBy === 'self' && evidence.gpcPresent === true);
  }

  /** The latest sale_share record of a subject or device: one read on the (subjectId|deviceKey, purpose) index. */
  private latest(em: EntityManager, target: { subjectId: string } | { deviceId: string }): Promise<ConsentRecord | null> {
    const where = 'subjectId' in target ? { subjectId: target.subjectId, purpose: SALE_SHARE } : { deviceKey: this.consent.deviceKey(target.deviceId), purpose: SALE_SHARE };
    return em.getRepository(ConsentRecord).findOne({ where, order: { id: 'DESC' } });
  }

  private cached(key: string): boolean {
    const until = this.optedOut.get(key);
    if (until === undefined) return false;
    if (until > this.clock.now().getTime()) return true;
    this.optedOut.delete(key);
    return false;
  }

  /** Targets known to be opted out, for CACHE_TTL_MS (an opt-in in another process is seen after that); oldest dropped first. */
  private remember(keys: string[]): void {
    for (const key of keys) {
      this.optedOut.delete(key);
      this.optedOut.set(key, this.clock.now().getTime() + CACHE_TTL_MS);
      if (this.optedOut.size > this.cacheSize) this.optedOut.delete(this.optedOut.keys().next().value!);
    }
  }
}
