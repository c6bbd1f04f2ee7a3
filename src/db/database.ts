import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { dialectOf, type Dialect } from './data-source';
import { DatabaseUnavailableError, transientKindOf } from './errors';

/** How often a transaction that lost a lock race or its connection is run (the first time included). */
export const TRANSACTION_ATTEMPTS = 6;

/**
 * The wait before attempt `attempt + 1`: exponential from 20 ms, capped at 1 s, then a random
 * 50–100 % of it, so the transactions that collided do not collide again in step.
 */
export function retryBackoff(attempt: number, random: () => number = Math.random): number {
  const capped = Math.min(1000, 20 * 2 ** Math.max(0, attempt - 1));
  return Math.round(capped * (0.5 + random() / 2));
}

/** Work kept for one transaction and run as its last statements before COMMIT (see Database.perTransaction). */
interface Deferred {
  value: unknown;
  run: (em: EntityManager, value: never) => Promise<void>;
}

/**
 * The one way to write: `db.transaction(em => …)`.
 *
 * SQLite (better-sqlite3) has a single connection per process, so two concurrent TypeORM
 * transactions would interleave on it; here they queue instead. On MySQL each transaction has its
 * own pooled connection (READ COMMITTED, short lock waits: see data-source.ts). A transaction that
 * lost a lock race (deadlock victim, lock wait timeout, SQLite busy) or its connection before COMMIT is run again
 * after a jittered backoff: the work must be safe to re-run, and it is, since nothing leaves the
 * process before commit. When the attempts run out, or the connection broke during COMMIT, it ends
 * in a DatabaseUnavailableError, which clients see as "try again", never as a deadlock.
 *
 * Work registered with `perTransaction` (the audit chain's append) runs after the transaction's own
 * work, as its last statements before COMMIT, so the locks it takes are held for milliseconds.
 */
export class Database {
  readonly dialect: Dialect;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly open = new WeakMap<EntityManager, Map<symbol, Deferred>>();

  constructor(
    readonly dataSource: DataSource,
    private readonly options: { attempts?: number; backoff?: (attempt: number) => number } = {},
  ) {
    this.dialect = dialectOf(dataSource.options.type === 'better-sqlite3' ? 'sqlite:' : 'mysql:');
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  async transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    const attempts = this.options.attempts ?? TRANSACTION_ATTEMPTS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.serial(work);
      } catch (error) {
        const kind = transientKindOf(error);
        if (!kind || error instanceof DatabaseUnavailableError) throw error;
        if (attempt >= attempts) throw new DatabaseUnavailableError(kind, 'rolled_back', error);
        await sleep((this.options.backoff ?? retryBackoff)(attempt));
      }
    }
  }

  /**
   * A value kept for the transaction `em` belongs to, made by `create` on the first call with `key`;
   * `beforeCommit` then runs once with it, after the transaction's work and before its COMMIT (not at
   * all when the work fails). Undefined when `em` is not a transaction of this Database.
   */
  perTransaction<T>(em: EntityManager, key: symbol, create: () => T, beforeCommit: (em: EntityManager, value: T) => Promise<void>): T | undefined {
    const deferred = this.open.get(em);
    if (!deferred) return undefined;
    let entry = deferred.get(key);
    if (!entry) deferred.set(key, (entry = { value: create(), run: beforeCommit as Deferred['run'] }));
    return entry.value as T;
  }

  /** `FOR UPDATE` where the database has row locks (MySQL); SQLite transactions are already serial. */
  get rowLocks(): boolean {
    return this.dialect === 'mysql';
  }

  /** One run of the work in a transaction of its own; an error says whether COMMIT had been sent. */
  private async attempt<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    const runner: QueryRunner = this.dataSource.createQueryRunner();
    const em = runner.manager;
    const deferred = new Map<symbol, Deferred>();
    let committing = false;
    try {
      await runner.startTransaction();
      this.open.set(em, deferred);
      const result = await work(em);
      for (const entry of deferred.values()) await entry.run(em, entry.value as never);
      this.open.delete(em);
      committing = true;
      await runner.commitTransaction();
      return result;
    } catch (error) {
      this.open.delete(em);
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      // The connection broke while COMMIT was on its way: the change may or may not be saved.
      if (committing && transientKindOf(error) === 'connection') throw new DatabaseUnavailableError('connection', 'unknown', error);
      throw error;
    } finally {
      await runner.release().catch(() => undefined);
    }
  }

  /** SQLite: one transaction at a time on the process's one connection (they queue); MySQL: at once. */
  private serial<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    if (this.dialect !== 'sqlite') return this.attempt(work);
    const run = this.queue.then(() => this.attempt(work));
    this.queue = run.catch(() => undefined);
    return run;
  }
}
