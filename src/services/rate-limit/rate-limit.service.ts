import { createHash } from 'node:crypto';
import type { Clock } from '../../clock';
import type { RateLimitRule } from '../../config';
import type { Database } from '../../db/database';
import { RateLimitCounter } from '../../entities';
import { DomainError, ErrorCode } from '../../errors';

/**
 * Fixed-window rate limits kept in the database, so every process behind the load balancer counts
 * the same attempts. One row per (bucket, hashed account or IP); the row is locked while counting
 * (FOR UPDATE on MySQL; SQLite transactions are serial).
 */
export class RateLimitService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  static key(bucket: string, value: string): string {
    return `${bucket}:${createHash('sha256').update(value.toLowerCase()).digest('hex')}`;
  }

  /**
   * Counts one attempt against each (key, rule) and answers a RateLimitedError (with the longest
   * wait) when any of them is over its limit. Attempts over the limit are not counted, so a
   * blocked caller is let in again when the window ends.
   */
  async consume(limits: { key: string; rule: RateLimitRule }[]): Promise<DomainError | null> {
    return this.db.transaction(async (em) => {
      const now = this.clock.now();
      let waitMs = 0;
      const updates: (() => Promise<unknown>)[] = [];
      for (const { key, rule } of limits) {
        // Upsert that takes the row's exclusive lock at once (INSERT … ON DUPLICATE KEY UPDATE on MySQL):
        // an INSERT IGNORE would take a shared lock, and two callers upgrading it would deadlock.
        await em.createQueryBuilder().insert().into(RateLimitCounter).values({ key, windowStartedAt: now, hits: 0 }).orUpdate(['key'], ['key']).execute();
        const qb = em.getRepository(RateLimitCounter).createQueryBuilder('c').where('c.key = :key', { key });
        const row = (await (this.db.rowLocks ? qb.setLock('pessimistic_write') : qb).getOne())!;
        const started = new Date(row.windowStartedAt).getTime();
        if (now.getTime() >= started + rule.windowMs) {
          updates.push(() => em.update(RateLimitCounter, { key }, { windowStartedAt: now, hits: 1 }));
        } else if (row.hits >= rule.limit) {
          waitMs = Math.max(waitMs, started + rule.windowMs - now.getTime());
        } else {
          updates.push(() => em.update(RateLimitCounter, { key }, { hits: row.hits + 1 }));
        }
      }
      if (waitMs > 0) {
        const retryAfterSeconds = Math.ceil(waitMs / 1000);
        return new DomainError(ErrorCode.RATE_LIMITED, `Too many attempts. Try again in ${describeWait(retryAfterSeconds)}.`, { retryAfterSeconds });
      }
      for (const update of updates) await update();
      return null;
    });
  }

  /**
   * Progressive delay, not a lockout (issue 11 §9): a key's failures are counted (`recordFailure`)
   * and, beyond `rule.limit` of them, each further attempt must wait after the previous one
   * (1 s, 2 s, 4 s, … capped at window/limit, so over a window the pace is at most the limit).
   * Failures are forgotten after a window without any. `exempt` is asked only when a wait is due
   * (a client the account already signed in from is never slowed down). An allowed attempt while
   * the slowdown is in effect takes the slot: parallel attempts cannot slip through together.
   */
  async slowdown(key: string, rule: RateLimitRule, exempt: () => Promise<boolean>): Promise<DomainError | null> {
    const due = (row: RateLimitCounter | null, now: number) => {
      if (!row || row.hits < rule.limit) return undefined;
      const last = new Date(row.windowStartedAt).getTime();
      if (now >= last + rule.windowMs) return undefined;
      return last + slowdownDelay(row.hits, rule) - now;
    };
    if (due(await this.db.manager.findOneBy(RateLimitCounter, { key }), this.clock.now().getTime()) === undefined) return null;
    if (await exempt()) return null;
    return this.db.transaction(async (em) => {
      const qb = em.getRepository(RateLimitCounter).createQueryBuilder('c').where('c.key = :key', { key });
      const row = await (this.db.rowLocks ? qb.setLock('pessimistic_write') : qb).getOne();
      const now = this.clock.now();
      const wait = due(row, now.getTime());
      if (wait === undefined) return null;
      if (wait > 0) {
        const retryAfterSeconds = Math.ceil(wait / 1000);
        return new DomainError(ErrorCode.RATE_LIMITED, `Too many failed attempts. Try again in ${describeWait(retryAfterSeconds)}.`, { retryAfterSeconds });
      }
      await em.update(RateLimitCounter, { key }, { windowStartedAt: now });
      return null;
    });
  }

  /** Counts one failure for `slowdown` (its row's window start is the time of the last failure). */
  async recordFailure(key: string, rule: RateLimitRule): Promise<void> {
    await this.db.transaction(async (em) => {
      const now = this.clock.now();
      await em.createQueryBuilder().insert().into(RateLimitCounter).values({ key, windowStartedAt: now, hits: 0 }).orUpdate(['key'], ['key']).execute();
      const qb = em.getRepository(RateLimitCounter).createQueryBuilder('c').where('c.key = :key', { key });
      const row = (await (this.db.rowLocks ? qb.setLock('pessimistic_write') : qb).getOne())!;
      const stale = now.getTime() >= new Date(row.windowStartedAt).getTime() + rule.windowMs;
      await em.update(RateLimitCounter, { key }, { windowStartedAt: now, hits: stale ? 1 : row.hits + 1 });
    });
  }

  /** Forgets the attempts of a key (after a successful sign-in, for the account's own counter). */
  async reset(key: string): Promise<void> {
    await this.db.transaction((em) => em.delete(RateLimitCounter, { key }));
  }

  /** Deletes counters whose window ended more than `olderThanMs` ago. */
  async purge(olderThanMs: number): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - olderThanMs);
    return this.db.transaction(async (em) => {
      const result = await em.createQueryBuilder().delete().from(RateLimitCounter).where('windowStartedAt < :cutoff', { cutoff }).execute();
      return result.affected ?? 0;
    });
  }
}

/** The wait after the n-th failure under a slowdown rule: doubling from 1 s beyond the limit, at most window/limit. */
export function slowdownDelay(failures: number, rule: RateLimitRule): number {
  if (failures < rule.limit) return 0;
  return Math.min(1000 * 2 ** (failures - rule.limit), Math.floor(rule.windowMs / rule.limit));
}

function describeWait(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  return `${Math.ceil(seconds / 60)} minutes`;
}
