import { randomUUID } from 'node:crypto';
import { In, IsNull, Not, type EntityManager } from 'typeorm';
import { Role } from '../../auth/roles';
import type { Clock } from '../../clock';
import type { Config } from '../../config';
import type { Database } from '../../db/database';
import { LegalHold, PrivacyRequest, Profile, Subject, Workflow } from '../../entities';
import { DomainError, ErrorCode, isDomainError } from '../../errors';
import type { OutboxService } from '../../mail/outbox.service';
import type { Locale } from '../../util/locale';
import { ERASURE_CONFIRM_LINK, type CloseErasureParams, type ErasureContext, type ErasureInput, type ErasureRequestRef, type ErasureScope, type ExecuteErasureParams } from '../../workflows/erasure/erasure.machine';
import type { Caller, EffectContext, LinkDetails, WorkflowRegistry } from '../../workflows/runtime/workflow-registry';
import type { WorkflowRuntime } from '../../workflows/runtime/workflow-runtime';
import type { AuditService } from '../audit/audit.service';
import { auditOrigin, staffRole, type CallContext } from '../call-context';
import { SessionService } from '../identity/session.service';
import type { PersonalDataService } from '../personal-data/personal-data.service';
import type { PolicyService } from '../policy.service';
import { OPEN_STATUSES, type PrivacyRequestService } from '../privacy-request.service';
import type { RecipientNoticeService } from '../webhooks/recipient-notice.service';

export interface RequestErasureInput {
  scope: ErasureScope;
  categories?: string[] | null;
}

/** What an erasure will do, in words for the person (the link page and the last mail show it). */
export interface ErasurePlan {
  deleted: string[];
  kept: string[];
  /** Active legal holds: while any exists nothing is erased (see executeErasure). */
  holds: { reason: string; text: string }[];
}

export interface ErasureServiceDeps {
  db: Database;
  clock: Clock;
  config: Config;
  policy: PolicyService;
  audit: AuditService;
  sessions: SessionService;
  privacyRequests: PrivacyRequestService;
  workflows: WorkflowRuntime;
  personalData: PersonalDataService;
  recipientNotices: RecipientNoticeService;
  outbox: OutboxService;
}


const HEADINGS: Record<Locale, { deleted: string; kept: string; nothing: string; nothingKept: string; when: (at: string, window: string) => string; hold: string }> = {
  en: {
    deleted: 'What will be deleted',
    kept: 'What we keep, and why',
    nothing: 'Nothing of this kind is held about you.',
    nothingKept: 'Nothing: we keep none of it.',
    when: (at, window) => `If you confirm now, the erasure happens on ${at}. Until then (${window}) you can cancel it with the link we will mail you, or in the app.`,
    hold: 'A legal hold is in force on your data: while it lasts, we keep everything listed and erase nothing.',
  },
  de: {
    deleted: 'Was gelöscht wird',
    kept: 'Was wir aufbewahren, und warum',
    nothing: 'Dazu sind keine Daten über Sie gespeichert.',
    nothingKept: 'Nichts: Wir bewahren davon nichts auf.',
    when: (at, window) => `Wenn Sie jetzt bestätigen, geschieht die Löschung am ${at}. Bis dahin (${window}) können Sie sie mit dem Link, den wir Ihnen senden, oder in der App abbrechen.`,
    hold: 'Für Ihre Daten gilt eine gesetzliche Aufbewahrung: Solange sie besteht, bewahren wir alles Genannte auf und löschen nichts.',
  },
};

const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
const days = (ms: number) => (ms % 86_400_000 === 0 ? `${ms / 86_400_000} d` : `${Math.round(ms / 3_600_000)} h`);

/**
 * Erasure requests (GDPR Art 17, CCPA delete): the policy's verification (recent password and, where
 * enabled, second factor; then explicit confirmation by mail link), the `erasure` workflow, and its
 * domain effects. The execution runs inside the workflow's transaction, so it either all happens
 * (data erased, recipients notified, last mail queued, request completed) or none of it does.
 *
 * Legal holds: a hold has no narrower scope than "the subject", so a hold in force when the erasure
 * runs keeps everything (GDPR Art 17(3)(b), (e)): nothing is erased, the request closes as denied
 * with the hold's policy reason as its basis, and the subject is told which reason (never staff's
 * note). They can ask again when the hold is released. Deferring instead would let the request
 * run past its 30-day deadline with no answer (Art 12(4) wants reasons within the month).
 */
export class ErasureService {
  constructor(private readonly deps: ErasureServiceDeps) {}

  /** Registers the workflow's domain effects and the confirmation page's details. */
  register(registry: WorkflowRegistry): void {
    registry.registerEffect('markErasureConfirmed', (em, p, ctx) => this.markConfirmed(em, p as unknown as ErasureRequestRef, ctx));
    registry.registerEffect('closeErasureRequest', (em, p) => this.closeUnexecuted(em, p as unknown as CloseErasureParams));
    registry.registerEffect('markErasureFailed', (em, p, ctx) => this.markFailed(em, p as unknown as ErasureRequestRef, ctx));
    registry.registerEffect('markErasureRetried', (em, p) => this.deps.privacyRequests.setStatus(em, (p as unknown as ErasureRequestRef).requestId, 'in_progress'));
    registry.registerEffect('executeErasure', (em, p, ctx) => this.execute(em, p as unknown as ExecuteErasureParams, ctx));
    registry.registerLinkDetails(ERASURE_CONFIRM_LINK, (em, at) => this.confirmPageDetails(em, at.workflowId, at.locale, at.now));
  }

  /** The signed-in subject asks to erase the account or some categories. Writes nothing unless it succeeds. */
  async request(ctx: CallContext, input: RequestErasureInput): Promise<PrivacyRequest | DomainError> {
    const actor = SessionService.actorOf(ctx);
    const categories = [...new Set(input.categories ?? [])];
    const known = this.deps.policy.view().dataCategories.map((c) => c.key);
    if (input.scope === 'account' && categories.length) {
      return new DomainError(ErrorCode.INVALID_ERASURE_CATEGORIES, 'An account erasure covers every category: leave categories out, or choose scope CATEGORIES.');
    }
    if (input.scope === 'categories') {
      const unknown = categories.filter((c) => !known.includes(c));
      if (!categories.length || unknown.length) {
        return new DomainError(ErrorCode.INVALID_ERASURE_CATEGORIES, `Choose one or more of the policy's data categories: ${known.join(', ')}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}.`, { unknown });
      }
    }
    const window = this.deps.config.ERASURE_REAUTH_WINDOW;
    const stepUp = this.deps.sessions.requireRecent(ctx, 'password', window) ?? (actor.mfaEnabled ? this.deps.sessions.requireRecent(ctx, 'second_factor', window) : null);
    if (stepUp) return stepUp;

    return this.deps.db.transaction(async (em) => {
      const qb = em.getRepository(Subject).createQueryBuilder('s').where('s.id = :id', { id: actor.subjectId });
      const subject = await (this.deps.db.rowLocks ? qb.setLock('pessimistic_write') : qb).getOneOrFail();
      const open = await em.findOne(PrivacyRequest, { where: { subjectId: subject.id, type: 'erasure', status: In([...OPEN_STATUSES]) } });
      if (open) return new DomainError(ErrorCode.ERASURE_ALREADY_REQUESTED, 'You already have an erasure request in progress: confirm or cancel it first.', { requestId: open.id });
      const request = await this.deps.privacyRequests.open(em, {
        type: 'erasure',
        subjectId: subject.id,
        manner: 'api',
        status: 'awaiting_confirmation',
        details: { scope: input.scope, categories },
        actor: { id: actor.subjectId, role: Role.SUBJECT, requestId: ctx.requestId, ip: ctx.ip },
      });
      const workflowInput: ErasureInput = {
        requestId: request.id,
        subjectId: subject.id,
        email: subject.email,
        locale: subject.locale,
        scope: input.scope,
        categories,
        confirmTtl: this.deps.config.ERASURE_CONFIRM_TTL,
        cancelWindow: this.deps.config.ERASURE_CANCEL_WINDOW,
      };
      const workflow = await this.deps.workflows.startIn(em, { machineId: 'erasure', subjectId: subject.id, input: workflowInput as unknown as Record<string, unknown> }, this.caller(ctx, 'requestErasure'));
      const verification = JSON.stringify(['password_confirmation', 'identity_verification', ...(actor.mfaEnabled ? ['second_factor'] : [])]);
      await em.update(PrivacyRequest, { id: request.id }, { workflowId: workflow.id, verification });
      return Object.assign(request, { workflowId: workflow.id, verification });
    });
  }

  /** The subject cancels their own erasure request (by id, or the one in progress), before confirming or within the cancel window. */
  async cancel(ctx: CallContext, requestId: string | null): Promise<PrivacyRequest | DomainError> {
    const actor = SessionService.actorOf(ctx);
    return this.deps.db.transaction(async (em) => {
      const request = requestId
        ? await em.findOneBy(PrivacyRequest, { id: requestId, subjectId: actor.subjectId, type: 'erasure' })
        : await em.findOneBy(PrivacyRequest, { subjectId: actor.subjectId, type: 'erasure', status: In([...OPEN_STATUSES]) });
      if (!request?.workflowId) return new DomainError(ErrorCode.NOT_FOUND, 'You have no erasure request with that id.');
      const result = await this.deps.workflows.deliverIn(em, request.workflowId, { id: `cancel:${randomUUID()}`, type: 'erasure.cancel' }, this.caller(ctx, 'cancelErasure'));
      if (isDomainError(result)) return new DomainError(ErrorCode.ERASURE_NOT_CANCELLABLE, `This request can no longer be cancelled: it is ${request.status}.`, { status: request.status });
      return em.findOneByOrFail(PrivacyRequest, { id: request.id });
    });
  }

  /** Staff: runs a failed erasure again (now, from a timer; a new failure lands in `failed` again). */
  async retry(ctx: CallContext, requestId: string): Promise<PrivacyRequest | DomainError> {
    return this.deps.db.transaction(async (em) => {
      const request = await em.findOneBy(PrivacyRequest, { id: requestId, type: 'erasure' });
      if (!request?.workflowId) return new DomainError(ErrorCode.NOT_FOUND, 'No erasure request with that id.');
      if (request.status !== 'failed') return new DomainError(ErrorCode.ERASURE_NOT_RETRYABLE, `Only failed erasures can be retried; this one is ${request.status}.`, { status: request.status });
      const result = await this.deps.workflows.deliverIn(em, request.workflowId, { id: `retry:${randomUUID()}`, type: 'erasure.retry' }, { ...this.caller(ctx, 'retryErasure'), actorRole: staffRole(ctx.actor) });
      if (isDomainError(result)) return new DomainError(ErrorCode.ERASURE_NOT_RETRYABLE, 'The erasure workflow does not accept a retry now.', { status: request.status });
      await this.deps.audit.append(em, { ...auditOrigin(ctx, staffRole(ctx.actor)), action: 'erasure.retry', subjectId: request.subjectId, operation: 'retryErasure', details: { requestId } });
      return em.findOneByOrFail(PrivacyRequest, { id: requestId });
    });
  }

  /** What the erasure of this scope would delete and keep, from the registry, the policy and the holds in force. */
  async plan(em: EntityManager, subjectId: string, scope: ErasureScope, categories: string[]): Promise<ErasurePlan> {
    const { personalData, policy } = this.deps;
    const view = policy.view();
    const inScope = (c: string) => scope === 'account' || categories.includes(c);
    const deleted = new Map<string, string[]>();
    const kept = new Set<string>();
    const declarations = new Map(personalData.declarations().map((d) => [d.entity.name, d]));
    const text = (description: string) => description.replace(/\.$/, '');
    for (const holding of await personalData.inventory(subjectId, em)) {
      if (!inScope(holding.category)) continue;
      for (const held of holding.held) {
        const d = declarations.get(held.entity)!;
        const e = d.erasure;
        const whole = personalData.categoriesOf(d).every(inScope);
        if (e.strategy === 'delete' && whole) deleted.set(text(held.description), [...(deleted.get(text(held.description)) ?? []), holding.name.toLowerCase()]);
        else if (e.strategy === 'keep') kept.add(`${text(held.description)} (${view.retentionExceptions.find((x) => x.key === e.legalBasis)?.name ?? e.legalBasis}): ${e.retention}`);
        else if (e.strategy === 'pseudonymize' && scope === 'account') kept.add(`${text(held.description)}, without your name or contact details: ${e.reason}`);
        else kept.add(`${text(held.description)}: this also holds other data of your account; to erase it, erase the account.`);
      }
    }
    for (const c of view.dataCategories) {
      if (inScope(c.key) && c.retention.legalObligation) kept.add(`${c.name}, if we hold any: ${c.retention.description}. ${c.retention.legalObligation}`);
    }
    const holds = await em.find(LegalHold, { where: { subjectId, releasedAt: IsNull() }, order: { placedAt: 'ASC' } });
    const reasons = [...new Set(holds.map((h) => h.reason))].map((reason) => {
      const exception = view.retentionExceptions.find((x) => x.key === reason);
      return { reason, text: exception ? `${exception.name}: ${exception.description}` : reason };
    });
    return { deleted: [...deleted].map(([what, categories]) => `${what} (${categories.join(', ')})`), kept: [...kept], holds: reasons };
  }

  private caller(ctx: CallContext, operation: string): Caller {
    return { actorId: ctx.actor?.subjectId ?? null, actorRole: Role.SUBJECT, requestId: ctx.requestId ?? null, ip: ctx.ip ?? null, operation };
  }

  private async confirmPageDetails(em: EntityManager, workflowId: string, locale: Locale, now: Date): Promise<LinkDetails | undefined> {
    const workflow = await em.findOneBy(Workflow, { id: workflowId });
    if (!workflow) return undefined;
    const context = (JSON.parse(workflow.snapshot) as { context: ErasureContext }).context;
    const plan = await this.plan(em, context.subjectId, context.scope, context.categories);
    const t = HEADINGS[locale];
    const window = this.deps.config.ERASURE_CANCEL_WINDOW;
    return {
      sections: [
        { heading: t.deleted, items: plan.deleted.length ? plan.deleted : [t.nothing] },
        { heading: t.kept, items: plan.holds.length + plan.kept.length ? [...plan.holds.map((h) => h.text), ...plan.kept] : [t.nothingKept] },
      ],
      notes: [...(plan.holds.length ? [t.hold] : []), t.when(utc(new Date(now.getTime() + window)), days(window))],
    };
  }

  private async markConfirmed(em: EntityManager, p: ErasureRequestRef, ctx: EffectContext): Promise<void> {
    const request = await em.findOneByOrFail(PrivacyRequest, { id: p.requestId });
    const verification = [...new Set([...(JSON.parse(request.verification) as string[]), 'explicit_confirmation'])];
    const details = { ...(JSON.parse(request.details) as Record<string, unknown>), confirmedAt: ctx.now.toISOString(), scheduledFor: new Date(ctx.now.getTime() + this.deps.config.ERASURE_CANCEL_WINDOW).toISOString() };
    await em.update(PrivacyRequest, { id: p.requestId }, { status: 'in_progress', verification: JSON.stringify(verification), details: JSON.stringify(details), acknowledgedAt: ctx.now });
  }

  private async closeUnexecuted(em: EntityManager, p: CloseErasureParams): Promise<void> {
    const response =
      p.status === 'expired'
        ? `Not confirmed within ${days(this.deps.config.ERASURE_CONFIRM_TTL)} of the request: the request expired and nothing was erased.`
        : 'Cancelled by the subject: nothing was erased.';
    await this.deps.privacyRequests.close(em, p.requestId, { status: p.status, response });
  }

  private async markFailed(em: EntityManager, p: ErasureRequestRef, ctx: EffectContext): Promise<void> {
    await this.deps.privacyRequests.setStatus(em, p.requestId, 'failed');
    await this.deps.audit.append(em, { actorRole: 'system', action: 'erasure.failed', subjectId: ctx.workflow.subjectId, operation: 'timer', details: { requestId: p.requestId, workflowId: ctx.workflow.id } });
  }

  /**
   * The erasure itself, in the workflow's transaction. Any throw rolls all of it back (and the
   * timer's onError event moves the request to `failed`): never half-erased data reported as done.
   */
  private async execute(em: EntityManager, p: ExecuteErasureParams, ctx: EffectContext): Promise<void> {
    const { privacyRequests, outbox, personalData, recipientNotices, sessions } = this.deps;
    const plan = await this.plan(em, p.subjectId, p.scope, p.categories);
    // The address now (it may have changed since the request); the request's if the account is gone already.
    const to = (await em.findOneBy(Subject, { id: p.subjectId, status: Not('erased') }))?.email ?? p.email;
    const mail = (params: Record<string, unknown>, subjectId: string | null) =>
      outbox.enqueueEmail(em, { to, template: 'erasure-completed', locale: p.locale, params: { scope: p.scope, categories: p.categories, ...params }, workflowId: ctx.workflow.id, subjectId, forgetRecipientWhenSent: subjectId === null });

    if (plan.holds.length) {
      await mail({ denied: true, kept: plan.holds.map((h) => h.text) }, p.subjectId);
      await privacyRequests.close(em, p.requestId, {
        status: 'denied',
        response: 'Nothing was erased: a legal hold is in force on the data. The subject was told the reason and may ask again when it ends.',
        denialBasis: `Legal hold (GDPR Art 17(3)(b), (e)): ${plan.holds.map((h) => h.reason).join(', ')}`,
      });
      await this.deps.audit.append(em, { actorRole: 'system', action: 'erasure.denied', subjectId: p.subjectId, operation: 'erasure', details: { requestId: p.requestId, holds: plan.holds.map((h) => h.reason) } });
      return;
    }

    // The last mail goes to the address before it is erased; queued without a subject link, so the
    // erasure below does not delete it (the outbox row is about the request, not the account).
    await mail({ deleted: plan.deleted, kept: plan.kept }, null);
    // The running workflow must outlive the erasure it performs (its row, events, timers and links
    // are found through Workflow.subjectId and would be deleted): detach it from the subject first.
    // Its snapshot forgets the address in this same transition; the runtime's closing audit entry
    // reads ctx.workflow.subjectId, so it names no subject either.
    await em.update(Workflow, { id: ctx.workflow.id }, { subjectId: null });
    ctx.workflow.subjectId = null;
    let report;
    if (p.scope === 'account') {
      await sessions.revokeAll(em, p.subjectId, 'erasure');
      report = await personalData.erase(em, p.subjectId, 'erasure');
    } else {
      report = await personalData.eraseCategories(em, p.subjectId, p.categories, 'erasure');
      // Every account has a profile row (created at registration, read by `me`): erasing the profile
      // category of an account that stays leaves it empty rather than missing.
      if (!(await em.existsBy(Profile, { subjectId: p.subjectId }))) {
        await em.insert(Profile, { subjectId: p.subjectId, username: null, pictureUrl: null, bio: null, interests: '[]', professionalCredentials: '[]', updatedAt: ctx.now });
      }
    }
    await recipientNotices.notify(em, 'erasure', {
      subjectId: p.subjectId,
      data: { scope: p.scope, categories: p.scope === 'account' ? null : p.categories, requestId: p.requestId },
      workflowId: ctx.workflow.id,
      detachFromSubject: true,
    });
    await privacyRequests.close(em, p.requestId, {
      status: 'completed',
      response: `Erased (${p.scope === 'account' ? 'account' : `categories: ${p.categories.join(', ')}`}); deleted rows: ${Object.entries(report.deleted).map(([e, n]) => `${e} ${n}`).join(', ') || 'none'}.`,
      denialBasis: plan.kept.length ? `Kept (GDPR Art 17(3)): ${plan.kept.join(' | ')}`.slice(0, 60_000) : null,
    });
  }
}
