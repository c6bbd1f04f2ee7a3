import 'reflect-metadata';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import Sqlite from 'better-sqlite3';
import { createPool, type RowDataPacket } from 'mysql2/promise';
import { createDataSource, dialectOf } from '../../src/db/data-source';
import { chainHash, hashedContent } from '../../src/services/audit/audit.service';
import type { AuditEvent } from '../../src/entities';
import { answerBenchHooks, benchEnv, readBody, reportReady } from './hooks';

/**
 * Baseline (d) for writes: the minimal raw SQL of one audit append in one transaction (lock/read the
 * head row, INSERT the event, UPDATE the head), with the same hashing as AuditService, on the same
 * schema (made by the service's own migrations), straight on the driver.
 */
type Append = (subjectId: string, n: number) => Promise<number>;

/** The same keyed pseudonym the service computes for identifiers in the hashed content. */
const PSEUDONYM_KEY = 'bench-raw-sql-pseudonym-key';
const ref = (value: string | null) => (value === null ? null : createHmac('sha256', PSEUDONYM_KEY).update(value).digest('hex'));

function rowFor(head: { seq: number; hash: string }, subjectId: string, n: number) {
  const row: Omit<AuditEvent, 'hash'> = {
    seq: Number(head.seq) + 1,
    occurredAt: new Date(),
    actorId: null,
    actorRole: 'system',
    action: 'bench.append',
    subjectId,
    categories: '[]',
    fields: JSON.stringify(['email']),
    operation: null,
    requestId: null,
    ip: null,
    actorRef: null,
    subjectRef: ref(subjectId),
    ipRef: null,
    details: JSON.stringify({ n }),
    prevHash: head.hash,
  };
  return { ...row, hash: chainHash(head.hash, hashedContent(row)) };
}

const COLUMNS = ['seq', 'occurredAt', 'actorId', 'actorRole', 'action', 'subjectId', 'actorRef', 'subjectRef', 'ipRef', 'categories', 'fields', 'operation', 'requestId', 'ip', 'details', 'prevHash', 'hash'] as const;

async function openSqlite(url: string): Promise<{ append: Append; close(): Promise<void> }> {
  const db = new Sqlite(resolve(url.slice('sqlite:'.length)));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  const head = db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1');
  const insert = db.prepare(`INSERT INTO audit_event (${COLUMNS.map((c) => `"${c}"`).join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`);
  const update = db.prepare('UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1');
  const tx = db.transaction((subjectId: string, n: number) => {
    const h = head.get() as { seq: number; hash: string };
    const e = rowFor(h, subjectId, n);
    insert.run(...COLUMNS.map((c) => (c === 'occurredAt' ? e.occurredAt.toISOString().replace('T', ' ').slice(0, 23) : e[c])));
    update.run(e.seq, e.hash);
    return e.seq;
  });
  return { append: async (s, n) => tx.immediate(s, n), close: async () => void db.close() };
}

async function openMysql(url: string): Promise<{ append: Append; close(): Promise<void> }> {
  const pool = createPool({ uri: url.replace(/^mariadb:/, 'mysql:'), connectionLimit: 10, timezone: 'Z' });
  const insertSql = `INSERT INTO audit_event (${COLUMNS.map((c) => `\`${c}\``).join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`;
  const append: Append = async (subjectId, n) => {
    const conn = await pool.getConnection();
    try {
      await conn.query('START TRANSACTION');
      const [rows] = await conn.query<RowDataPacket[]>('SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE');
      const e = rowFor(rows[0] as { seq: number; hash: string }, subjectId, n);
      await conn.query(insertSql, COLUMNS.map((c) => e[c]));
      await conn.query('UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1', [e.seq, e.hash]);
      await conn.query('COMMIT');
      return e.seq;
    } catch (error) {
      await conn.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      conn.release();
    }
  };
  return { append, close: () => pool.end() };
}

async function main() {
  const { databaseUrl } = benchEnv();
  // The schema and the genesis head row, exactly as the service makes them.
  const ds = createDataSource({ url: databaseUrl });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.query(`INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '${'0'.repeat(64)}')`);
  await ds.destroy();

  const store = dialectOf(databaseUrl) === 'sqlite' ? await openSqlite(databaseUrl) : await openMysql(databaseUrl);
  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/__bench/audit-append') {
      res.writeHead(404).end();
      return;
    }
    readBody(req)
      .then((body) => {
        const { subjectId, n } = JSON.parse(body) as { subjectId: string; n: number };
        return store.append(subjectId, n);
      })
      .then(
        (seq) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ seq })),
        (error: Error) => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: error.message })),
      );
  });
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () => {
    answerBenchHooks(async () => {
      server.close();
      await store.close();
    });
    reportReady(server, 'raw-sql');
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
