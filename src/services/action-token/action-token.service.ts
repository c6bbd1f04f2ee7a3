import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { IsNull, MoreThan, type EntityManager } from 'typeorm';
import type { Clock } from '../../clock';
import type { Config } from '../../config';
import type { Database } from '../../db/database';
import { ActionToken } from '../../entities';

/** 32 random bytes, base64url: 43 characters. */
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export type TokenState = 'valid' | 'unknown' | 'expired' | 'used' | 'locked';

export interface IssueTokenInput {
  workflowId: string;
  purpose: string;
  event: string;
  locale: string;
  expiresAt: Date;
}

/**
 * Single-use link tokens: issued inside a workflow's transaction, stored as SHA-256 only, consumed
 * by a conditional UPDATE (unused, unexpired, not locked) so two submissions can never both win.
 */
export class ActionTokenService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly config: Config,
  ) {}

  /** Creates a token and returns it; only its hash is stored. */
  async issue(em: EntityManager, input: IssueTokenInput): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await em.insert(ActionToken, {
      id: randomUUID(),
      tokenHash: hashToken(token),
      purpose: input.purpose,
      workflowId: input.workflowId,
      event: input.event,
      locale: input.locale,
      expiresAt: input.expiresAt,
      usedAt: null,
      wrongAttempts: 0,
      createdAt: this.clock.now(),
    });
    return token;
  }

  /** Looks a token up without changing anything (GET and HEAD of a link page). */
  async inspect(token: string, em: EntityManager = this.db.manager): Promise<{ state: TokenState; row?: ActionToken }> {
    if (!TOKEN_FORMAT.test(token)) return { state: 'unknown' };
    const row = await em.findOneBy(ActionToken, { tokenHash: hashToken(token) });
    if (!row) return { state: 'unknown' };
    return { state: this.stateOf(row), row };
  }

  stateOf(row: ActionToken): TokenState {
    if (row.usedAt) return 'used';
    if (row.wrongAttempts >= this.config.LINK_MAX_WRONG_ATTEMPTS) return 'locked';
    if (row.expiresAt.getTime() <= this.clock.now().getTime()) return 'expired';
    return 'valid';
  }

  /** Marks the token used if, at this instant, it is unused, unexpired and not locked. True for exactly one caller. */
  async consume(em: EntityManager, row: ActionToken): Promise<boolean> {
    const now = this.clock.now();
    const result = await em
      .createQueryBuilder()
      .update(ActionToken)
      .set({ usedAt: now })
      .where({ id: row.id, usedAt: IsNull(), expiresAt: MoreThan(now) })
      .andWhere('wrongAttempts < :max', { max: this.config.LINK_MAX_WRONG_ATTEMPTS })
      .execute();
    return result.affected === 1;
  }

  /** Counts a failed submission (bad CSRF token); the token locks at LINK_MAX_WRONG_ATTEMPTS. */
  async recordWrongAttempt(row: ActionToken): Promise<void> {
    await this.db.transaction((em) =>
      em.createQueryBuilder().update(ActionToken).set({ wrongAttempts: () => 'wrongAttempts + 1' }).where({ id: row.id, usedAt: IsNull() }).execute(),
    );
  }

  /** Ends the open tokens of a workflow (all, or one purpose) by expiring them now. */
  async revoke(em: EntityManager, workflowId: string, now: Date, purpose?: string): Promise<void> {
    await em
      .createQueryBuilder()
      .update(ActionToken)
      .set({ expiresAt: now })
      .where({ workflowId, usedAt: IsNull(), expiresAt: MoreThan(now), ...(purpose ? { purpose } : {}) })
      .execute();
  }
}
