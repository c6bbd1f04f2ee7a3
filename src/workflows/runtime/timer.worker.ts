import type { EntityManager } from 'typeorm';
import type { Clock } from '../../clock';
import type { Database } from '../../db/database';
import { transientKindOf } from '../../db/errors';
import { selectOne } from '../../db/statements';
import { Timer, Workflow } from '../../entities';
import { isDomainError } from '../../errors';
import type { Logger } from '../../logger';
import { PollingWorker } from './polling-worker';
import type { WorkflowRuntime } from './workflow-runtime';

/** How often a timer whose transition fails is retried (a minute apart) before it is marked failed. */
const MAX_TIMER_ATTEMPTS = 5;

/**
 * What one try to fire the earliest due timer came to: `fired` (delivered, skipped, or its failure
 * recorded), `none` due, `busy` (its workflow is in another transaction: left for later in this run),
 * or `unavailable` (the database, not the timer, failed: left due, tried again on the next run).
 */
type Outcome = 'fired' | 'none' | 'busy' | 'unavailable';

/**
 * Fires due timers: each in its own transaction that claims the row (FOR UPDATE SKIP LOCKED on
 * MySQL), delivers its event through the runtime and marks it fired, so a timer fires exactly once
 * however many processes run this worker, and a crash mid-way leaves it pending for the next try.
 *
 * Lock order. Everywhere else a workflow row is locked before its timers (a delivery cancels them)
 * and before its link tokens (a link is used under its workflow's lock), and the audit head is
 * locked last, at commit. The worker comes at the workflow from its timer, so it never waits for the
 * workflow while it holds the timer: it takes the workflow with SKIP LOCKED and, when another
 * transaction has it, lets the timer go and tries it again after the others of this run.
 *
 * Failures. Only a failure of the transition itself (an effect or the machine threw) counts against
 * the timer. A lost lock race or database connection (after Database's own retries) leaves the timer
 * due, uncounted, for the next run.
 */
export class TimerWorker extends PollingWorker {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly runtime: WorkflowRuntime,
    logger: Logger,
    intervalMs: number,
    private readonly batchSize = 50,
  ) {
    super('timers', intervalMs, logger);
  }

  protected async batch(): Promise<number> {
    let fired = 0;
    const busy = new Set<string>();
    for (let tries = 0; fired < this.batchSize && tries < 2 * this.batchSize; tries++) {
      const outcome = await this.fire(busy);
      if (outcome === 'fired') fired++;
      else if (outcome !== 'busy') break;
    }
    return fired;
  }

  /** Fires the earliest due timer, if any (false when none is due, or it could not be fired now). */
  async fireNext(): Promise<boolean> {
    return (await this.fire(new Set())) === 'fired';
  }

  /** Tries the earliest due timer not in `busy` (which gets the timer's id when its workflow is held elsewhere). */
  private async fire(busy: Set<string>): Promise<Outcome> {
    let failing: { timer: Timer; error: Error } | undefined;
    try {
      return await this.db.transaction(async (em): Promise<Outcome> => {
        failing = undefined;
        const now = this.clock.now();
        const timer = await this.claim(em, now, busy);
        if (!timer) return 'none';
        if (!(await this.workflowFree(em, timer.workflowId))) {
          busy.add(timer.id);
          return 'busy';
        }
        try {
          const { onError: _onError, ...stored } = JSON.parse(timer.event) as { type: string; onError?: string };
          const event = { ...stored, id: `timer:${timer.id}` };
          const result = await this.runtime.deliverIn(em, timer.workflowId, event, { actorRole: 'system', operation: 'timer' });
          await em.update(Timer, { id: timer.id }, { status: isDomainError(result) ? 'skipped' : 'fired', firedAt: now });
          this.logger.debug({ timerId: timer.id, workflowId: timer.workflowId, skipped: isDomainError(result) }, 'timer fired');
          return 'fired';
        } catch (error) {
          failing = { timer, error: error as Error };
          throw error;
        }
      });
    } catch (error) {
      const kind = transientKindOf(error);
      if (kind) {
        // Not the timer's fault: it stays due, its attempts untouched, and the next run tries it again.
        this.logger.warn({ timerId: failing?.timer.id, kind, reason: (error as Error).message }, 'timer delivery hit a database failure: will retry');
        return 'unavailable';
      }
      if (!failing) throw error;
      await this.recordFailure(failing.timer, failing.error);
      return 'fired';
    }
  }

  /** The earliest due pending timer (claimed: FOR UPDATE SKIP LOCKED on MySQL), leaving out `busy` ones. */
  private async claim(em: EntityManager, now: Date, busy: Set<string>): Promise<Timer | null> {
    let qb = em
      .getRepository(Timer)
      .createQueryBuilder('t')
      .where('t.status = :status', { status: 'pending' })
      .andWhere('t.fireAt <= :now', { now });
    if (busy.size) qb = qb.andWhere('t.id NOT IN (:...busy)', { busy: [...busy] });
    qb = qb.orderBy('t.fireAt', 'ASC').addOrderBy('t.id', 'ASC').limit(1);
    if (this.db.rowLocks) qb = qb.setLock('pessimistic_write').setOnLocked('skip_locked');
    return qb.getOne();
  }

  /**
   * Locks the timer's workflow if no other transaction holds it (SKIP LOCKED); false when one does.
   * A workflow that does not exist counts as free: the delivery then answers "not found" and the
   * timer is skipped. (SQLite: transactions are serial, always free.)
   */
  private async workflowFree(em: EntityManager, workflowId: string): Promise<boolean> {
    if (!this.db.rowLocks) return true;
    if (await selectOne(em, Workflow, { id: workflowId }, { lock: true, skipLocked: true })) return true;
    return !(await selectOne(em, Workflow, { id: workflowId }));
  }

  /**
   * The transition threw (a bug or an effect's failure) and rolled back. A timer with an `onError`
   * event hands the failure to its machine at once (timer failed, event delivered, one transaction);
   * any other is tried again later, then given up visibly.
   */
  private async recordFailure(timer: Timer, error: Error): Promise<void> {
    const now = this.clock.now();
    const attempts = timer.attempts + 1;
    const { onError } = JSON.parse(timer.event) as { onError?: string };
    if (onError) {
      this.logger.error({ err: error, timerId: timer.id, workflowId: timer.workflowId, onError }, 'timer delivery failed: the workflow is told');
      await this.db.transaction(async (em) => {
        // The workflow first, then its timer: the order of every other delivery.
        await selectOne(em, Workflow, { id: timer.workflowId }, { lock: this.db.rowLocks });
        const claimed = await em.update(Timer, { id: timer.id, status: 'pending' }, { attempts, lastError: error.message.slice(0, 2000), status: 'failed', firedAt: now });
        if (!claimed.affected) return;
        await this.runtime.deliverIn(em, timer.workflowId, { id: `timer-error:${timer.id}`, type: onError, error: error.message.slice(0, 500) }, { actorRole: 'system', operation: 'timer' });
      });
      return;
    }
    const failed = attempts >= MAX_TIMER_ATTEMPTS;
    this.logger.error({ err: error, timerId: timer.id, workflowId: timer.workflowId, attempts, failed }, 'timer delivery failed');
    await this.db.transaction((em) =>
      em.update(
        Timer,
        { id: timer.id, status: 'pending' },
        { attempts, lastError: error.message.slice(0, 2000), ...(failed ? { status: 'failed' as const, firedAt: now } : { fireAt: new Date(now.getTime() + 60_000) }) },
      ),
    );
  }
}
