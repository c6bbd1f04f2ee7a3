import { randomUUID } from 'node:crypto';
import { IsNull } from 'typeorm';
import type { Clock } from '../../clock';
import type { Database } from '../../db/database';
import { LegalHold } from '../../entities';
import { DomainError, ErrorCode } from '../../errors';
import { Subject } from '../../entities';
import type { AuditService } from '../audit/audit.service';
import { auditOrigin, staffRole, type CallContext } from '../call-context';
import type { PolicyService } from '../policy.service';


/**
 * Legal holds: staff keep a subject's data from erasure and retention purges for a reason the
 * policy names (legal obligation, dispute resolution, security investigation), and release it
 * when the reason ends. Both are audited against the subject.
 */
export class LegalHoldService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly policy: PolicyService,
  ) {}

  async place(ctx: CallContext, input: { subjectId: string; reason: string; note: string }): Promise<LegalHold | DomainError> {
    const reasons = this.policy.policy.retentionExceptions.map((e) => e.key);
    if (!reasons.includes(input.reason)) {
      return new DomainError(ErrorCode.INVALID_HOLD_REASON_ERROR, `A hold needs one of the policy's reasons: ${reasons.join(', ')}.`);
    }
    return this.db.transaction(async (em) => {
      if (!(await em.getRepository(Subject).existsBy({ id: input.subjectId }))) return new DomainError(ErrorCode.NOT_FOUND_ERROR, 'No subject with that id.');
      const hold = Object.assign(new LegalHold(), {
        id: randomUUID(),
        subjectId: input.subjectId,
        reason: input.reason,
        note: input.note,
        placedBy: ctx.actor!.subjectId,
        placedAt: this.clock.now(),
        releasedBy: null,
        releasedAt: null,
      });
      await em.insert(LegalHold, hold);
      await this.audit.append(em, {
        ...auditOrigin(ctx, staffRole(ctx.actor)),
        action: 'legal_hold.place',
        subjectId: input.subjectId,
        operation: 'placeLegalHold',
        details: { holdId: hold.id, reason: hold.reason },
      });
      return hold;
    });
  }

  async release(ctx: CallContext, holdId: string): Promise<LegalHold | DomainError> {
    return this.db.transaction(async (em) => {
      const hold = await em.getRepository(LegalHold).findOneBy({ id: holdId });
      if (!hold) return new DomainError(ErrorCode.NOT_FOUND_ERROR, 'No legal hold with that id.');
      if (hold.releasedAt) return new DomainError(ErrorCode.HOLD_ALREADY_RELEASED_ERROR, 'This hold was already released.');
      const now = this.clock.now();
      const changed = await em.update(LegalHold, { id: holdId, releasedAt: IsNull() }, { releasedAt: now, releasedBy: ctx.actor!.subjectId });
      if (!changed.affected) return new DomainError(ErrorCode.HOLD_ALREADY_RELEASED_ERROR, 'This hold was already released.');
      await this.audit.append(em, {
        ...auditOrigin(ctx, staffRole(ctx.actor)),
        action: 'legal_hold.release',
        subjectId: hold.subjectId,
        operation: 'releaseLegalHold',
        details: { holdId, reason: hold.reason },
      });
      return Object.assign(hold, { releasedAt: now, releasedBy: ctx.actor!.subjectId });
    });
  }

  /** The holds in force on a subject (erasure and purges keep the data while any exists). */
  active(subjectId: string): Promise<LegalHold[]> {
    return this.db.manager.getRepository(LegalHold).find({ where: { subjectId, releasedAt: IsNull() }, order: { placedAt: 'ASC' } });
  }

  all(subjectId: string): Promise<LegalHold[]> {
    return this.db.manager.getRepository(LegalHold).find({ where: { subjectId }, order: { placedAt: 'ASC' } });
  }
}
