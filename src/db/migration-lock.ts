import { closeSync, openSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import type { DataSource } from 'typeorm';

/** How long a starting process waits for another one's migrations before it gives up (exit 1; the orchestrator restarts it). */
export const MIGRATION_LOCK_WAIT_MS = 10 * 60_000;
const POLL_MS = 50;

export class MigrationLockTimeout extends Error {}

/**
 * Runs `work` (the migrations) while holding a lock every process of the same database shares, so
 * processes started together on an empty database migrate one after another: the first applies the
 * migrations, the others then find nothing pending. Without it each saw an empty `migrations` table
 * and all but one failed with "Table … already exists".
 *
 * MySQL/MariaDB: `GET_LOCK` on a connection of its own, named after the database (released on
 * RELEASE_LOCK or when the connection ends, so a crashed process never leaves it held).
 * SQLite: an exclusive transaction on a lock file beside the database (`<file>.migrate-lock`): an OS
 * file lock, also released when the process dies. Not the database file itself, whose connection the
 * migrations use. Waiting is polled, never blocking the event loop.
 * `onWait` is called once if the lock was held by someone else.
 */
export async function withMigrationLock<T>(dataSource: DataSource, work: () => Promise<T>, onWait: () => void = () => undefined, waitMs = MIGRATION_LOCK_WAIT_MS): Promise<T> {
  if (dataSource.options.type === 'better-sqlite3') {
    const file = String(dataSource.options.database);
    if (file === ':memory:') return work();
    return withFileLock(`${file}.migrate-lock`, work, onWait, waitMs);
  }
  return withMysqlLock(dataSource, work, onWait, waitMs);
}

async function withMysqlLock<T>(dataSource: DataSource, work: () => Promise<T>, onWait: () => void, waitMs: number): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  const name = "LEFT(CONCAT('consentry.migrate.', DATABASE()), 64)";
  try {
    const got = async (seconds: number) => Number(Object.values((await runner.query(`SELECT GET_LOCK(${name}, ${seconds}) AS got`))[0] as object)[0]) === 1;
    if (!(await got(0))) {
      onWait();
      if (!(await got(Math.ceil(waitMs / 1000)))) throw new MigrationLockTimeout(`another process has held the migration lock for over ${Math.ceil(waitMs / 1000)} s`);
    }
    try {
      return await work();
    } finally {
      await runner.query(`SELECT RELEASE_LOCK(${name})`);
    }
  } finally {
    await runner.release();
  }
}

async function withFileLock<T>(path: string, work: () => Promise<T>, onWait: () => void, waitMs: number): Promise<T> {
  closeSync(openSync(path, 'a', 0o600));
  const lock = new BetterSqlite3(path, { timeout: 0 });
  try {
    const deadline = Date.now() + waitMs;
    for (let waited = false; ; ) {
      try {
        lock.exec('BEGIN EXCLUSIVE');
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
        if (!waited) onWait();
        waited = true;
        if (Date.now() > deadline) throw new MigrationLockTimeout(`another process has held the migration lock ${path} for over ${Math.ceil(waitMs / 1000)} s`);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    }
    try {
      return await work();
    } finally {
      lock.exec('ROLLBACK');
    }
  } finally {
    lock.close();
  }
}
