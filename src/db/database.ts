import type { DataSource, EntityManager } from 'typeorm';
import { dialectOf, type Dialect } from './data-source';

/** MySQL errors after which the whole transaction may simply run again. */
const RETRYABLE_MYSQL = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);

/**
 * The one way to write: `db.transaction(em => …)`.
 *
 * SQLite (better-sqlite3) has a single connection per process, so two concurrent TypeORM
 * transactions would interleave on it; here they queue instead. On MySQL each transaction has its
 * own pooled connection, and a deadlock victim is retried (the work must be safe to re-run: it is,
 * since nothing leaves the process before commit).
 */
export class Database {
  readonly dialect: Dialect;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly dataSource: DataSource) {
    this.dialect = dialectOf(dataSource.options.type === 'better-sqlite3' ? 'sqlite:' : 'mysql:');
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  async transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    if (this.dialect === 'sqlite') {
      const run = this.queue.then(() => this.dataSource.transaction(work));
      this.queue = run.catch(() => undefined);
      return run;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction(work);
      } catch (error) {
        const code = (error as { code?: string; driverError?: { code?: string } }).driverError?.code ?? (error as { code?: string }).code;
        if (attempt >= 3 || !code || !RETRYABLE_MYSQL.has(code)) throw error;
      }
    }
  }

  /** `FOR UPDATE` where the database has row locks (MySQL); SQLite transactions are already serial. */
  get rowLocks(): boolean {
    return this.dialect === 'mysql';
  }
}
