import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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
