import type { Clock } from '../../clock';
import type { Database } from '../../db/database';
import { Subject } from '../../entities';
import { DomainError, ErrorCode } from '../../errors';
import type { AuditService } from '../audit/audit.service';
import { auditOrigin, staffRole, type CallContext } from '../call-context';
import { isUniqueViolation } from '../identity/subject.service';

/**
 * A site user id: 1–128 characters, a letter or digit first, then letters, digits and `. _ : @ | / + = -`
 * (UUIDs, numbers, `auth0|…`, `user:42` all fit). No spaces or other characters that a database
 * collation or a URL could fold into another id.
 */
export const EXTERNAL_ID_FORMAT = /^[A-Za-z0-9][A-Za-z0-9._:@|/+=-]{0,127}$/;

export interface SubjectExternalId {
  subjectId: string;
  externalId: string | null;
}

const notFound = () => new DomainError(ErrorCode.NOT_FOUND, 'No subject with that id.');

/**
 * The site's own user id of a subject (`externalId`, unique): what links Consentry's subject to the
 * site's `User` in a federated supergraph. Set with a service key (the one change a key may make),
 * read with a service key or by the subject; every change and every read by a key is audited (the
 * value itself never goes into the audit trail).
 */
export class ExternalIdService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  /** Links a subject to a site user id, replaces it, or (null) unlinks it. Setting the same value again changes nothing. */
  async set(ctx: CallContext, subjectId: string, externalId: string | null): Promise<SubjectExternalId | DomainError> {
    if (externalId !== null && !EXTERNAL_ID_FORMAT.test(externalId)) {
      return new DomainError(
        ErrorCode.INVALID_EXTERNAL_ID,
        'externalId must be 1–128 characters: a letter or digit first, then letters, digits and . _ : @ | / + = - (no spaces). Send null to unlink.',
      );
    }
    const taken = () => new DomainError(ErrorCode.EXTERNAL_ID_TAKEN, 'Another subject already carries this externalId. Unlink it there first.');
    try {
      return await this.db.transaction(async (em) => {
        const subject = await em.findOne(Subject, { where: { id: subjectId }, select: { id: true, status: true, externalId: true } });
        if (!subject || subject.status === 'erased') return notFound();
        if (subject.externalId === externalId) return { subjectId, externalId };
        if (externalId !== null) {
          const holder = await em.findOne(Subject, { where: { externalId }, select: { id: true } });
          if (holder) return taken();
        }
        await em.update(Subject, { id: subjectId }, { externalId, updatedAt: this.clock.now() });
        await this.audit.append(em, {
          ...auditOrigin(ctx, staffRole(ctx.actor)),
          action: externalId === null ? 'external_id.unlink' : 'external_id.link',
          subjectId,
          categories: ['account'],
          fields: ['externalId'],
          operation: 'setSubjectExternalId',
          details: { replaced: externalId !== null && subject.externalId !== null },
        });
        return { subjectId, externalId };
      });
    } catch (error) {
      // Two links of the same id at once: the unique index decides, the loser is told as above.
      if (isUniqueViolation(error)) return taken();
      throw error;
    }
  }

  /** A subject's site user id: for a service key (audited) or the subject itself. */
  async get(ctx: CallContext, subjectId: string): Promise<SubjectExternalId | DomainError> {
    const subject = await this.db.manager.findOne(Subject, { where: { id: subjectId }, select: { id: true, status: true, externalId: true } });
    if (!subject || subject.status === 'erased') return notFound();
    if (ctx.actor?.subjectId !== subjectId) {
      await this.audit.record({ ...auditOrigin(ctx, staffRole(ctx.actor)), action: 'external_id.read', subjectId, categories: ['account'], fields: ['externalId'], operation: 'subjectExternalId' });
    }
    return { subjectId, externalId: subject.externalId };
  }

  /** The subject that carries a site user id (exact match), or undefined. Callers decide who may ask. */
  async subjectIdFor(externalId: string): Promise<string | undefined> {
    if (!EXTERNAL_ID_FORMAT.test(externalId)) return undefined;
    const subject = await this.db.manager.findOne(Subject, { where: { externalId }, select: { id: true } });
    return subject?.id;
  }
}
