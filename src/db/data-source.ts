import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as mysql2 from 'mysql2';
import { createConnection } from 'mysql2/promise';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ENTITIES } from '../entities';

export type Dialect = 'sqlite' | 'mysql';

export function dialectOf(databaseUrl: string): Dialect {
  return databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'mysql';
}

/** Where the migrations of one dialect live (compiled .js under dist/, .ts under ts-node and jest). */
export function migrationsGlob(dialect: Dialect): string {
  return join(__dirname, '..', 'migrations', dialect, '[0-9]*-*.{ts,js}').replace(/\\/g, '/');
}

export interface DataSourceSettings {
  /** sqlite:<path> (relative to the working directory), mysql://user:pass@host:port/db or mariadb://… */
  url: string;
  /**
   * Which server a mysql:// URL points at. TypeORM reads MariaDB's schema differently (its
   * information_schema reports nullable defaults as 'NULL'), so it must know; see detectMysqlFlavor.
   */
  flavor?: 'mysql' | 'mariadb';
  /** Tests only: build the schema from the entities instead of the migrations. */
  synchronize?: boolean;
  logging?: boolean;
  poolSize?: number;
  /** MySQL/MariaDB: limits set on every connection of the pool (see sessionSetup). */
  session?: SessionLimits;
  /** Told when a server refuses one of the session settings (the connection is used anyway). */
  onSessionWarning?: (message: string, error: Error) => void;
}

export interface SessionLimits {
  /** innodb_lock_wait_timeout: how long a statement waits for a row lock before it fails (and its transaction is retried). */
  lockWaitTimeoutMs: number;
  /** MariaDB's idle_transaction_timeout: a connection idle this long inside a transaction is closed by the server, releasing its locks. */
  idleTransactionTimeoutMs: number;
}

/**
 * The statements run on each new MySQL/MariaDB connection, before anything else on it.
 *
 * - READ COMMITTED: a locking read or an UPDATE locks only the rows it matches, not the gaps
 *   between index records (REPEATABLE READ's next-key locks made unrelated inserts and updates of
 *   timers, tokens and subject ages deadlock each other). The service never relies on gap locks:
 *   uniqueness comes from unique keys, serialization from locking an existing row.
 * - A short innodb_lock_wait_timeout: a transaction that waits on a lock held by a stuck process
 *   fails in seconds and is retried (Database.transaction), instead of queueing for 50 s.
 * - MariaDB (10.3+): idle_transaction_timeout, so the server itself ends the transaction of a process
 *   that froze (SIGSTOP, a hung event loop, a frozen network link) and its locks are released.
 *   MySQL 8 has no such variable; there the lock wait timeout and a short transaction are the defence.
 */
export function sessionSetup(flavor: 'mysql' | 'mariadb', limits: SessionLimits): string[] {
  const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
  const statements = ['SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED', `SET SESSION innodb_lock_wait_timeout = ${seconds(limits.lockWaitTimeoutMs)}`];
  if (flavor === 'mariadb' && limits.idleTransactionTimeoutMs > 0) statements.push(`SET SESSION idle_transaction_timeout = ${seconds(limits.idleTransactionTimeoutMs)}`);
  return statements;
}

/**
 * mysql2 with the session statements queued on every new pool connection before it is handed out
 * (mysql2 runs a connection's commands in order). A statement the server refuses (a MySQL-compatible
 * service without the variable) is reported once and skipped.
 */
function mysqlWithSession(statements: string[], warn: (message: string, error: Error) => void): typeof mysql2 {
  const warned = new Set<string>();
  return {
    ...mysql2,
    createPool: ((options: mysql2.PoolOptions) => {
      const pool = mysql2.createPool(options);
      pool.on('connection', (connection) => {
        for (const sql of statements) {
          connection.query(sql, (error: Error | null) => {
            if (error && !warned.has(sql)) {
              warned.add(sql);
              warn(`The database refused "${sql}"; connections are used without it`, error);
            }
          });
        }
      });
      return pool;
    }) as typeof mysql2.createPool,
  };
}

/** The one way the service opens its database: SQLite by default, MySQL 8 / MariaDB 10.6+ via mysql:// URLs. */
export function createDataSource(settings: DataSourceSettings): DataSource {
  const dialect = dialectOf(settings.url);
  const common = {
    entities: ENTITIES,
    migrations: [migrationsGlob(dialect)],
    migrationsTableName: 'migrations',
    synchronize: settings.synchronize ?? false,
    logging: settings.logging ?? false,
  };
  let options: DataSourceOptions;
  if (dialect === 'sqlite') {
    const file = settings.url.slice('sqlite:'.length);
    const database = file === ':memory:' ? file : resolve(file);
    if (database !== ':memory:') {
      // Owner-only: the file holds everyone's personal data. SQLite creates its -wal and -shm files
      // with the database file's mode, so they are 0600 too. An existing file keeps its mode.
      mkdirSync(dirname(database), { recursive: true, mode: 0o700 });
      closeSync(openSync(database, 'a', 0o600));
    }
    options = {
      ...common,
      type: 'better-sqlite3',
      database,
      enableWAL: true,
      timeout: 5000,
      prepareDatabase: (db: { pragma(sql: string): unknown }) => {
        db.pragma('foreign_keys = ON');
        db.pragma('synchronous = NORMAL');
      },
    };
  } else {
    options = {
      ...common,
      type: settings.url.startsWith('mariadb:') ? 'mariadb' : (settings.flavor ?? 'mysql'),
      url: settings.url.replace(/^mariadb:/, 'mysql:'),
      timezone: 'Z',
      charset: 'utf8mb4_unicode_ci',
      connectTimeout: 5000,
      poolSize: settings.poolSize ?? 10,
      ...(settings.session
        ? { driver: mysqlWithSession(sessionSetup(settings.url.startsWith('mariadb:') ? 'mariadb' : (settings.flavor ?? 'mysql'), settings.session), settings.onSessionWarning ?? (() => undefined)) }
        : {}),
    };
  }
  return new DataSource(options);
}

/**
 * Asks a mysql:// server whether it is MariaDB. Any failure answers 'mysql' and leaves the real
 * error to the DataSource's own connection attempt, which reports it clearly.
 */
export async function detectMysqlFlavor(url: string): Promise<'mysql' | 'mariadb'> {
  if (!url.startsWith('mysql:')) return url.startsWith('mariadb:') ? 'mariadb' : 'mysql';
  try {
    const conn = await createConnection({ uri: url, connectTimeout: 5000 });
    try {
      const [rows] = await conn.query('SELECT VERSION() AS v');
      return /mariadb/i.test(String((rows as { v: string }[])[0]?.v)) ? 'mariadb' : 'mysql';
    } finally {
      await conn.end();
    }
  } catch {
    return 'mysql';
  }
}
