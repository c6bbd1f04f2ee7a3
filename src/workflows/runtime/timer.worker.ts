import type { Clock } from '../../clock';
import type { Database } from '../../db/database';
import { Timer } from '../../entities';
import { isDomainError } from '../../errors';
import type { Logger } from '../../logger';
import { PollingWorker } from './polling-worker';
import type { WorkflowRuntime } from './workflow-runtime';

/** MySQL errors of lock contention between processes, as opposed to a failing delivery. */
function isTransient(error: Error): boolean {
  const code = (error as { driverError?: { code?: string }; code?: string }).driverError?.code ?? (error as { code?: string }).code;
  return code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT';
}

/** How often a timer whose delivery throws is retried (a minute apart) before it is marked failed. */
const MAX_TIMER_ATTEMPTS = 5;

/**
 * Fires due timers: each in its own transaction that claims the row (FOR UPDATE SKIP LOCKED on
 * MySQL), delivers its event through the runtime and marks it fired, so a timer fires exactly once
 * however many processes run this worker, and a crash mid-way leaves it pending for the next try.
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
    while (fired < this.batchSize && (await this.fireNext())) fired++;
    return fired;
  }

  /** Fires the earliest due timer, if any. */
  async fireNext(): Promise<boolean> {
    let failing: { timer: Timer; error: Error } | undefined;
    try {
      return await this.db.transaction(async (em) => {
        failing = undefined;
        const now = this.clock.now();
        let qb = em
          .getRepository(Timer)
          .createQueryBuilder('t')
          .where('t.status = :status', { status: 'pending' })
          .andWhere('t.fireAt <= :now', { now })
          .orderBy('t.fireAt', 'ASC')
          .addOrderBy('t.id', 'ASC')
          .limit(1);
        if (this.db.rowLocks) qb = qb.setLock('pessimistic_write').setOnLocked('skip_locked');
        const timer = await qb.getOne();
        if (!timer) return false;
        try {
          const { onError: _onError, ...stored } = JSON.parse(timer.event) as { type: string; onError?: string };
          const event = { ...stored, id: `timer:${timer.id}` };
          const result = await this.runtime.deliverIn(em, timer.workflowId, event, { actorRole: 'system', operation: 'timer' });
          await em.update(Timer, { id: timer.id }, { status: isDomainError(result) ? 'skipped' : 'fired', firedAt: now });
          this.logger.debug({ timerId: timer.id, workflowId: timer.workflowId, skipped: isDomainError(result) }, 'timer fired');
          return true;
        } catch (error) {
          failing = { timer, error: error as Error };
          throw error;
        }
      });
    } catch (error) {
      if (!failing) throw error;
      if (isTransient(failing.error)) {
        // Lost a lock race with another process (after Database's own retries): not the timer's fault.
        // It stays pending and is tried again on the next run.
        this.logger.warn({ timerId: failing.timer.id, reason: failing.error.message }, 'timer delivery hit a lock conflict: will retry');
        return false;
      }
      await this.recordFailure(failing.timer, failing.error);
      return true;
    }
  }

  /**
   * The delivery threw (a bug or an effect's failure) and rolled back. A timer with an `onError`
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
