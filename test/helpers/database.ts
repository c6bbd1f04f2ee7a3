import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';

/** The database the suites run on: SQLite unless TEST_DATABASE_URL names a MySQL/MariaDB server. */
export const testDialect: 'sqlite' | 'mysql' = process.env.TEST_DATABASE_URL?.startsWith('mysql') ? 'mysql' : 'sqlite';

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh, empty database for one test environment: a temporary SQLite file, or a new database on
 * the server of TEST_DATABASE_URL (created here, dropped by drop()).
 */
export async function createScratchDatabase(): Promise<ScratchDatabase> {
  if (testDialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'consentry-test-'));
    return { url: `sqlite:${join(dir, 'test.sqlite')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const server = new URL(process.env.TEST_DATABASE_URL!);
  const name = `ct_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = () =>
    createConnection({ host: server.hostname, port: Number(server.port || 3306), user: decodeURIComponent(server.username || 'root'), password: decodeURIComponent(server.password) });
  const conn = await admin();
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  const url = new URL(server.toString());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = await admin();
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}
