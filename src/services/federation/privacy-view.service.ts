import { In } from 'typeorm';
import { Role } from '../../auth/roles';
import type { Clock } from '../../clock';
import type { Database } from '../../db/database';
import { PrivacyRequest, Subject, type SubjectStatus } from '../../entities';
import { isDomainError, RequestError, type DomainError } from '../../errors';
import { AGE_OF_MAJORITY } from '../../policy';
import type { AuditService } from '../audit/audit.service';
import { auditOrigin, staffRole, type CallContext } from '../call-context';
import type { ConsentService, PurposeState } from '../consent/consent.service';
import type { ExternalIdService } from '../external-id/external-id.service';
import type { OptOutService, SaleShareState } from '../opt-out/opt-out.service';
import type { SubjectAgeService } from '../opt-out/subject-age.service';
import { OPEN_STATUSES } from '../privacy-request.service';
import type { ProcessingAnswer, ProcessingService } from '../processing/processing.service';

/** A subject whose privacy state the caller may read (only PrivacyViewService.forSubject/forExternalId make one). */
export interface PrivacySubject {
  readonly subjectId: string;
  readonly status: SubjectStatus;
}

/** `unknown`: no known age (treated as an adult); `child`: under the local age of digital consent (a parent decides). */
export type AgeBracket = 'unknown' | 'child' | 'teen' | 'adult';

export interface AgeStatus {
  bracket: AgeBracket;
  /** The jurisdiction whose age rules apply, when the age is known. */
  jurisdiction: string | null;
  /** Under the local age of digital consent: a parent decides (COPPA: 13). */
  parentalConsentRequired: boolean;
  /** Known to be under the sale/sharing opt-in age (CCPA: 16): sale or sharing needs an opt-in. */
  saleOptInRequired: boolean;
}

export interface OpenRequestSummary {
  id: string;
  type: string;
  status: string;
  receivedAt: Date;
  /** The extended due date when there is one, else the due date. */
  dueAt: Date;
  overdue: boolean;
}

export interface PrivacyViewDeps {
  db: Database;
  clock: Clock;
  audit: AuditService;
  externalIds: ExternalIdService;
  consent: ConsentService;
  optOut: OptOutService;
  subjectAges: SubjectAgeService;
  processing: ProcessingService;
}

/**
 * A subject's privacy state as the federation subgraph serves it (User.privacy, Subject.privacy):
 * consents, sale/sharing, age status, open requests and processing decisions, from the same services
 * as the direct API. Who may read it is decided once, when the PrivacySubject is made: a service key
 * (role service), or the person with their own session forwarded by the router. Every read of
 * personal data is audited with the caller's role.
 */
export class PrivacyViewService {
  constructor(private readonly deps: PrivacyViewDeps) {}

  /** Throws unless the caller may read some subject's privacy state at all; answers whether it is a service key. */
  private caller(ctx: CallContext): { service: boolean; subjectId: string } {
    const actor = ctx.actor;
    if (!actor) throw new RequestError('UNAUTHENTICATED', 'Send a service key, or the person’s own session (Authorization: Bearer <token>), with the request.');
    return { service: !!actor.serviceKey && actor.roles.includes(Role.SERVICE), subjectId: actor.subjectId };
  }

  private forbidden(): never {
    throw new RequestError('FORBIDDEN', 'A person may read only their own privacy settings; services read them with a service key.');
  }

  /** The subject with this Consentry id, for a service key (undefined when there is none) or the subject itself. */
  async forSubject(ctx: CallContext, subjectId: string): Promise<PrivacySubject | undefined> {
    const caller = this.caller(ctx);
    if (!caller.service && caller.subjectId !== subjectId) this.forbidden();
    const subject = await this.deps.db.manager.findOne(Subject, { where: { id: subjectId }, select: { id: true, status: true } });
    return subject ? { subjectId: subject.id, status: subject.status } : undefined;
  }

  /**
   * The subject that carries the site's user id: for a service key (undefined when none does), or
   * for the person whose own account carries it (anyone else is FORBIDDEN, whether or not the id is linked).
   */
  async forExternalId(ctx: CallContext, externalId: string): Promise<PrivacySubject | undefined> {
    const caller = this.caller(ctx);
    const subjectId = await this.deps.externalIds.subjectIdFor(externalId);
    if (!caller.service && (!subjectId || subjectId !== caller.subjectId)) this.forbidden();
    return subjectId ? this.forSubject(ctx, subjectId) : undefined;
  }

  private async audited(ctx: CallContext, subject: PrivacySubject, categories: string[], field: string, action: string): Promise<void> {
    const role = ctx.actor?.subjectId === subject.subjectId && !ctx.actor.serviceKey ? Role.SUBJECT : staffRole(ctx.actor);
    await this.deps.audit.record({ ...auditOrigin(ctx, role), action, subjectId: subject.subjectId, categories, fields: [field], operation: `privacy.${field}` });
  }

  /** The site's user id the subject carries (a read by a service key is audited). */
  async externalId(ctx: CallContext, subject: PrivacySubject): Promise<string | null> {
    const result = await this.deps.externalIds.get(ctx, subject.subjectId);
    return isDomainError(result) ? null : result.externalId;
  }

  async consents(ctx: CallContext, subject: PrivacySubject): Promise<PurposeState[]> {
    const states = await this.deps.consent.state({ subjectId: subject.subjectId });
    await this.audited(ctx, subject, ['preference'], 'consents', 'consent.read');
    return states;
  }

  async saleShare(ctx: CallContext, subject: PrivacySubject): Promise<SaleShareState> {
    const state = await this.deps.optOut.state(subject.subjectId);
    await this.audited(ctx, subject, ['preference'], 'saleShare', 'consent.read');
    return state;
  }

  /** The age lines that apply, never the age or date of birth itself. */
  async age(ctx: CallContext, subject: PrivacySubject): Promise<AgeStatus> {
    const known = await this.deps.subjectAges.rule(subject.subjectId);
    await this.audited(ctx, subject, ['account'], 'age', 'subject_age.read');
    if (!known) return { bracket: 'unknown', jurisdiction: null, parentalConsentRequired: false, saleOptInRequired: false };
    const child = known.age < known.parentalConsentUnder;
    return {
      bracket: child ? 'child' : known.age < AGE_OF_MAJORITY ? 'teen' : 'adult',
      jurisdiction: known.jurisdiction,
      parentalConsentRequired: child,
      saleOptInRequired: known.age < known.saleOptInUnder,
    };
  }

  /** Requests not answered yet, soonest due first. */
  async openRequests(ctx: CallContext, subject: PrivacySubject): Promise<OpenRequestSummary[]> {
    const rows = await this.deps.db.manager.getRepository(PrivacyRequest).find({
      where: { subjectId: subject.subjectId, status: In([...OPEN_STATUSES]) },
      order: { dueAt: 'ASC', id: 'ASC' },
    });
    await this.audited(ctx, subject, ['communication'], 'openRequests', 'privacy_request.read');
    const now = this.deps.clock.now().getTime();
    return rows.map((r) => {
      const dueAt = r.extendedDueAt ?? r.dueAt;
      return { id: r.id, type: r.type, status: r.status, receivedAt: r.receivedAt, dueAt, overdue: dueAt.getTime() < now };
    });
  }

  /** The same decision as the direct API's processingAllowed (not audited there either: it reads no personal data out). */
  processingAllowed(subject: PrivacySubject, purpose: string): Promise<ProcessingAnswer | DomainError> {
    return this.deps.processing.decide(subject.subjectId, purpose);
  }
}
