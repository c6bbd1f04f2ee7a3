import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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
  /** sqlite:<path> (relative to the working directory) or mysql://user:pass@host:port/db */
  url: string;
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
    if (database !== ':memory:') mkdirSync(dirname(database), { recursive: true });
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
      // mariadb:// selects TypeORM's MariaDB dialect: MariaDB reports a nullable column's default as
      // the string 'NULL', which the mysql dialect reads as a real default and so sees drift that is not there.
      type: settings.url.startsWith('mariadb:') ? 'mariadb' : 'mysql',
      url: settings.url.replace(/^mariadb:/, 'mysql:'),
      timezone: 'Z',
      charset: 'utf8mb4_unicode_ci',
      connectTimeout: 5000,
      poolSize: settings.poolSize ?? 10,
    };
  }
  return new DataSource(options);
}
