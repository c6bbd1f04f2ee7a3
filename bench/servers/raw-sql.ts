import 'reflect-metadata';
import { createHmac, randomUUID } from 'node:crypto';
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
 * schema (made by the service's own migrations), straight on the driver. And of one workflow step
 * (POST /__bench/workflow-step): read/lock the row, versioned snapshot UPDATE, processed-event
 * INSERT, outbox INSERT, audit append — in one transaction.
 */
type Append = (subjectId: string, n: number) => Promise<number>;
/** One workflow step: the snapshot update (+ processed-event row), one outbox insert, one audit append. */
type Step = () => Promise<string>;
interface Store {
  append: Append;
  step: Step;
  close(): Promise<void>;
}

/** The same keyed pseudonym the service computes for identifiers in the hashed content. */
const PSEUDONYM_KEY = 'bench-raw-sql-pseudonym-key';
const ref = (value: string | null) => (value === null ? null : createHmac('sha256', PSEUDONYM_KEY).update(value).digest('hex'));

function rowFor(head: { seq: number; hash: string }, subjectId: string | null, n: number, action = 'bench.append', details: Record<string, unknown> = { n }) {
  const row: Omit<AuditEvent, 'hash'> = {
    seq: Number(head.seq) + 1,
    occurredAt: new Date(),
    actorId: null,
    actorRole: 'system',
    action,
    subjectId,
    categories: '[]',
    fields: JSON.stringify(['email']),
    operation: null,
    requestId: null,
    ip: null,
    actorRef: null,
    subjectRef: ref(subjectId),
    ipRef: null,
    details: JSON.stringify(details),
    prevHash: head.hash,
  };
  return { ...row, hash: chainHash(head.hash, hashedContent(row)) };
}

/** The bench workflows of the step baseline: ids, a snapshot like the runtime's, and the outbox row of the step. */
const WORKFLOWS = 50;
const workflowIds = Array.from({ length: WORKFLOWS }, () => randomUUID());
const SNAPSHOT = JSON.stringify({ value: 'open', context: { to: 'bench-step@bench.example' }, status: 'active' });
const OUTBOX_COLUMNS = ['id', 'channel', 'recipient', 'template', 'locale', 'params', 'status', 'attempts', 'nextAttemptAt', 'lastError', 'messageId', 'workflowId', 'subjectId', 'createdAt', 'updatedAt', 'sentAt'] as const;
let nextWorkflow = 0;
let eventSeq = 0;
function stepRows(workflowId: string, version: number, now: Date) {
  const id = randomUUID();
  const eventId = `raw-${++eventSeq}`;
  const outbox: Record<(typeof OUTBOX_COLUMNS)[number], unknown> = {
    id, channel: 'email', recipient: 'bench-step@bench.example', template: 'ccpa-opt-out-notice', locale: 'en', params: '{}', status: 'queued', attempts: 0,
    nextAttemptAt: now, lastError: null, messageId: `<${id}@bench.example>`, workflowId, subjectId: null, createdAt: now, updatedAt: now, sentAt: null,
  };
  const details = { workflowId, machine: 'bench-step@1', event: 'STEP', eventId, from: 'open', to: 'open', effects: ['sendEmail'] };
  return { eventId, outbox, details, update: [SNAPSHOT, 'open', 'active', version + 1, now] as const };
}

const COLUMNS = ['seq', 'occurredAt', 'actorId', 'actorRole', 'action', 'subjectId', 'actorRef', 'subjectRef', 'ipRef', 'categories', 'fields', 'operation', 'requestId', 'ip', 'details', 'prevHash', 'hash'] as const;

async function openSqlite(url: string): Promise<Store> {
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
  const sqliteTime = (v: unknown) => (v instanceof Date ? v.toISOString().replace('T', ' ').slice(0, 23) : v);
  const seed = db.prepare("INSERT INTO workflow (id, machineId, machineVersion, stateValue, status, snapshot, version, subjectId, createdAt, updatedAt) VALUES (?, 'bench-step', 1, 'open', 'active', ?, 1, NULL, ?, ?)");
  for (const id of workflowIds) seed.run(id, SNAPSHOT, sqliteTime(new Date()), sqliteTime(new Date()));
  const readWorkflow = db.prepare('SELECT version FROM workflow WHERE id = ?');
  const updateWorkflow = db.prepare('UPDATE workflow SET snapshot = ?, stateValue = ?, status = ?, version = ?, updatedAt = ? WHERE id = ? AND version = ?');
  const insertEvent = db.prepare('INSERT INTO workflow_event (workflowId, eventId, type, processedAt) VALUES (?, ?, ?, ?)');
  const insertOutbox = db.prepare(`INSERT INTO outbox_message (${OUTBOX_COLUMNS.map((c) => `"${c}"`).join(', ')}) VALUES (${OUTBOX_COLUMNS.map(() => '?').join(', ')})`);
  const stepTx = db.transaction((workflowId: string) => {
    const { version } = readWorkflow.get(workflowId) as { version: number };
    const now = new Date();
    const r = stepRows(workflowId, version, now);
    if (updateWorkflow.run(...r.update.map(sqliteTime), workflowId, version).changes !== 1) throw new Error('conflict');
    insertEvent.run(workflowId, r.eventId, 'STEP', sqliteTime(now));
    insertOutbox.run(...OUTBOX_COLUMNS.map((c) => sqliteTime(r.outbox[c])));
    const e = rowFor(head.get() as { seq: number; hash: string }, null, 0, 'workflow.transition', r.details);
    insert.run(...COLUMNS.map((c) => (c === 'occurredAt' ? sqliteTime(e.occurredAt) : e[c])));
    update.run(e.seq, e.hash);
    return 'open';
  });
  const step: Step = async () => stepTx.immediate(workflowIds[nextWorkflow++ % WORKFLOWS]);
  return { append: async (s, n) => tx.immediate(s, n), step, close: async () => void db.close() };
}

async function openMysql(url: string): Promise<Store> {
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
  for (const id of workflowIds) {
    await pool.query("INSERT INTO workflow (id, machineId, machineVersion, stateValue, status, snapshot, version, subjectId, createdAt, updatedAt) VALUES (?, 'bench-step', 1, 'open', 'active', ?, 1, NULL, ?, ?)", [id, SNAPSHOT, new Date(), new Date()]);
  }
  const outboxSql = `INSERT INTO outbox_message (${OUTBOX_COLUMNS.map((c) => `\`${c}\``).join(', ')}) VALUES (${OUTBOX_COLUMNS.map(() => '?').join(', ')})`;
  const step: Step = async () => {
    const workflowId = workflowIds[nextWorkflow++ % WORKFLOWS];
    const conn = await pool.getConnection();
    try {
      await conn.query('START TRANSACTION');
      const [wf] = await conn.query<RowDataPacket[]>('SELECT version FROM workflow WHERE id = ? FOR UPDATE', [workflowId]);
      const version = Number(wf[0].version);
      const now = new Date();
      const r = stepRows(workflowId, version, now);
      await conn.query('UPDATE workflow SET snapshot = ?, stateValue = ?, status = ?, version = ?, updatedAt = ? WHERE id = ? AND version = ?', [...r.update, workflowId, version]);
      await conn.query('INSERT INTO workflow_event (workflowId, eventId, type, processedAt) VALUES (?, ?, ?, ?)', [workflowId, r.eventId, 'STEP', now]);
      await conn.query(outboxSql, OUTBOX_COLUMNS.map((c) => r.outbox[c]));
      const [rows] = await conn.query<RowDataPacket[]>('SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE');
      const e = rowFor(rows[0] as { seq: number; hash: string }, null, 0, 'workflow.transition', r.details);
      await conn.query(insertSql, COLUMNS.map((c) => e[c]));
      await conn.query('UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1', [e.seq, e.hash]);
      await conn.query('COMMIT');
      return 'open';
    } catch (error) {
      await conn.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      conn.release();
    }
  };
  return { append, step, close: () => pool.end() };
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
    if (req.method === 'POST' && req.url === '/__bench/workflow-step') {
      req.resume();
      store.step().then(
        (state) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ state })),
        (error: Error) => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: error.message })),
      );
      return;
    }
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
