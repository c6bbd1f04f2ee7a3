/**
 * Migrations for both dialects, from the entities.
 *
 *   npm run migration:generate -- AddSubjects   writes src/migrations/{sqlite,mysql}/<ts>-AddSubjects.ts
 *   npm run migration:check                     fails when entities and migrations disagree (CI)
 *
 * Each dialect is diffed against a scratch database that has exactly the existing migrations
 * applied: a temporary SQLite file, and a temporary database on the MySQL/MariaDB server of
 * MIGRATION_MYSQL_URL (default mariadb://root@127.0.0.1:3306, the local MariaDB; use mysql:// for a
 * MySQL server), dropped afterwards.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';

type Dialect = 'sqlite' | 'mysql';

const root = join(__dirname, '..');
const cli = join(root, 'node_modules', '.bin', 'typeorm-ts-node-commonjs');

function typeorm(databaseUrl: string, args: string[]): number {
  const result = spawnSync(cli, ['-d', 'ormconfig.ts', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  // The CLI logs every statement it runs; keep what a person needs (results, the diff on drift).
  const lines = (result.stdout ?? '').split('\n').filter((line) => line.trim() && !/query:/.test(line));
  if (lines.length) process.stdout.write(`${lines.join('\n')}\n`);
  return result.status ?? 1;
}

async function withScratchDatabase<T>(dialect: Dialect, use: (url: string) => T): Promise<T> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'consentry-migrate-'));
    try {
      return use(`sqlite:${join(dir, 'scratch.sqlite')}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const server = process.env.MIGRATION_MYSQL_URL ?? 'mariadb://root@127.0.0.1:3306';
  const base = new URL(server);
  const name = `consentry_migrate_${process.pid}_${Date.now()}`;
  const admin = await createConnection({ host: base.hostname, port: Number(base.port || 3306), user: decodeURIComponent(base.username || 'root'), password: decodeURIComponent(base.password) });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const [rows] = await admin.query('SELECT VERSION() AS v');
  try {
    base.pathname = `/${name}`;
    // TypeORM must know it talks to MariaDB to read its schema right (see detectMysqlFlavor).
    if (/mariadb/i.test(String((rows as { v: string }[])[0]?.v))) base.protocol = 'mariadb:';
    return use(base.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.end();
  }
}

async function main() {
  const [command, name] = process.argv.slice(2);
  const dialects: Dialect[] = (process.env.MIGRATION_DIALECTS ?? 'sqlite,mysql').split(',') as Dialect[];
  let failed = false;
  for (const dialect of dialects) {
    await withScratchDatabase(dialect, (url) => {
      if (typeorm(url, ['migration:run']) !== 0) throw new Error(`${dialect}: applying the existing migrations failed`);
      if (command === 'generate') {
        if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) throw new Error('usage: npm run migration:generate -- PascalCaseName');
        typeorm(url, ['migration:generate', join('src', 'migrations', dialect, name)]);
      } else if (command === 'check') {
        const status = typeorm(url, ['migration:generate', '--check', '--dryrun', join('src', 'migrations', dialect, 'Drift')]);
        if (status !== 0) {
          process.stderr.write(`${dialect}: entities and migrations disagree; run npm run migration:generate -- <Name>\n`);
          failed = true;
        } else {
          process.stdout.write(`${dialect}: migrations match the entities\n`);
        }
      } else {
        throw new Error('usage: migration.ts generate <Name> | check');
      }
    });
  }
  process.exit(failed ? 1 : 0);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
