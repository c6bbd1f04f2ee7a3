import { randomUUID } from 'node:crypto';
import { IsNull, type EntityManager } from 'typeorm';
import type { Clock } from '../../clock';
import type { Database } from '../../db/database';
import { LegalHold } from '../../entities';
import { DomainError, ErrorCode } from '../../errors';
import { Subject } from '../../entities';
import type { AuditService } from '../audit/audit.service';
import { auditOrigin, staffRole, type CallContext } from '../call-context';
import type { PolicyService } from '../policy.service';

/**
 * Work that a legal hold keeps from running, registered by the feature that owns it (e.g. a child's
 * erasure that came due under a hold): staff see what waits, and it runs in the release's
 * transaction once no hold is left on the subject.
 */
export interface HeldWork {
  /** What waits for the subject's holds, as stable codes for staff (e.g. `child_erasure:parent_request`). */
  waiting(em: EntityManager, subjectId: string): Promise<string[]>;
  /** Called when the subject's last hold was released, in that transaction. */
  released(em: EntityManager, subjectId: string, ctx: CallContext): Promise<void>;
}

/** A hold with what it keeps waiting (for staff). */
export type HoldView = LegalHold & { waiting: string[] };

/**
 * Legal holds: staff keep a subject's data from erasure and retention purges for a reason the
 * policy names (legal obligation, dispute resolution, security investigation), and release it
 * when the reason ends. Both are audited against the subject. What a hold kept from running (a
 * child's erasure, registered as HeldWork) runs when the subject's last hold is released.
 */
export class LegalHoldService {
  private readonly held: HeldWork[] = [];

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly policy: PolicyService,
  ) {}

  async place(ctx: CallContext, input: { subjectId: string; reason: string; note: string }): Promise<LegalHold | DomainError> {
    const reasons = this.policy.policy.retentionExceptions.map((e) => e.key);
    if (!reasons.includes(input.reason)) {
      return new DomainError(ErrorCode.INVALID_HOLD_REASON, `A hold needs one of the policy's reasons: ${reasons.join(', ')}.`);
    }
    return this.db.transaction(async (em) => {
      if (!(await em.getRepository(Subject).existsBy({ id: input.subjectId }))) return new DomainError(ErrorCode.NOT_FOUND, 'No subject with that id.');
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
      if (!hold) return new DomainError(ErrorCode.NOT_FOUND, 'No legal hold with that id.');
      if (hold.releasedAt) return new DomainError(ErrorCode.HOLD_ALREADY_RELEASED, 'This hold was already released.');
      const now = this.clock.now();
      const changed = await em.update(LegalHold, { id: holdId, releasedAt: IsNull() }, { releasedAt: now, releasedBy: ctx.actor!.subjectId });
      if (!changed.affected) return new DomainError(ErrorCode.HOLD_ALREADY_RELEASED, 'This hold was already released.');
      await this.audit.append(em, {
        ...auditOrigin(ctx, staffRole(ctx.actor)),
        action: 'legal_hold.release',
        subjectId: hold.subjectId,
        operation: 'releaseLegalHold',
        details: { holdId, reason: hold.reason },
      });
      if (!(await this.inForce(em, hold.subjectId)).length) for (const work of this.held) await work.released(em, hold.subjectId, ctx);
      return Object.assign(hold, { releasedAt: now, releasedBy: ctx.actor!.subjectId });
    });
  }

  /** Registers work that holds keep waiting (see HeldWork). */
  registerHeldWork(work: HeldWork): void {
    this.held.push(work);
  }

  /** The holds in force on a subject, inside a transaction (erasure and purges keep the data while any exists). */
  inForce(em: EntityManager, subjectId: string): Promise<LegalHold[]> {
    return em.getRepository(LegalHold).find({ where: { subjectId, releasedAt: IsNull() }, order: { placedAt: 'ASC' } });
  }

  /** The holds in force on a subject, each with what waits for them. */
  async active(subjectId: string): Promise<HoldView[]> {
    return this.withWaiting(subjectId, await this.inForce(this.db.manager, subjectId));
  }

  async all(subjectId: string): Promise<HoldView[]> {
    return this.withWaiting(subjectId, await this.db.manager.getRepository(LegalHold).find({ where: { subjectId }, order: { placedAt: 'ASC' } }));
  }

  private async withWaiting(subjectId: string, holds: LegalHold[]): Promise<HoldView[]> {
    const waiting: string[] = [];
    if (holds.some((h) => !h.releasedAt)) for (const work of this.held) waiting.push(...(await work.waiting(this.db.manager, subjectId)));
    return holds.map((h) => Object.assign(h, { waiting: h.releasedAt ? [] : waiting }));
  }
}
