import { randomUUID } from 'node:crypto';
import { In, IsNull, LessThan, MoreThan, MoreThanOrEqual } from 'typeorm';
import { insertRow, selectOne, selectRows, updateRows } from '../../src/db/statements';
import { AgeGateCheck, AuditEvent, Timer } from '../../src/entities';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

/**
 * The hot-path statements must write and read rows exactly as TypeORM's repositories do on each
 * dialect (this suite runs on SQLite and, under TEST_DATABASE_URL, on MariaDB): the same stored
 * values (dates, bigints, nulls) and the same hydrated entities.
 */
describe('hot-path statements', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(() => env?.stop());

  const em = () => env.app.dataSource.manager;
  const stored = async (table: string, where: string, id: unknown) => (await env.app.dataSource.query(`SELECT * FROM ${table} WHERE ${where} = ?`, [id]))[0] as Record<string, unknown>;

  const auditRow = (seq: number): AuditEvent =>
    Object.assign(new AuditEvent(), {
      seq,
      occurredAt: new Date('2026-03-04T05:06:07.089Z'),
      actorId: null,
      actorRole: 'system',
      action: 'test.statements',
      subjectId: 'subject-1',
      actorRef: null,
      subjectRef: 'ref',
      ipRef: null,
      categories: '["technical"]',
      fields: '[]',
      operation: null,
      requestId: 'req-1',
      ip: null,
      details: '{"n":1}',
      prevHash: 'a'.repeat(64),
      hash: 'b'.repeat(64),
    });

  const timerRow = (): Timer =>
    Object.assign(new Timer(), {
      id: randomUUID(),
      workflowId: randomUUID(),
      name: 'expiry',
      event: '{"type":"timer.expired"}',
      fireAt: new Date('2026-05-06T07:08:09.123Z'),
      status: 'pending',
      attempts: 0,
      lastError: null,
      createdAt: new Date('2026-05-01T00:00:00.001Z'),
      firedAt: null,
    });

  it('stores an inserted row exactly as a repository insert does', async () => {
    await em().insert(AuditEvent, auditRow(900_001));
    await insertRow(em(), AuditEvent, auditRow(900_002));
    const { seq: a, ...byTypeorm } = await stored('audit_event', 'seq', 900_001);
    const { seq: b, ...byStatement } = await stored('audit_event', 'seq', 900_002);
    expect(String(a)).toBe('900001');
    expect(String(b)).toBe('900002');
    expect(byStatement).toEqual(byTypeorm);

    const first = timerRow();
    const second = { ...timerRow(), id: randomUUID() };
    await em().insert(Timer, first);
    await insertRow(em(), Timer, second);
    const { id: x, workflowId: wx, ...timerByTypeorm } = await stored('timer', 'id', first.id);
    const { id: y, workflowId: wy, ...timerByStatement } = await stored('timer', 'id', second.id);
    expect([x, y, wx, wy]).toEqual([first.id, second.id, first.workflowId, second.workflowId]);
    expect(timerByStatement).toEqual(timerByTypeorm);
  });

  it('stores and reads booleans and ints as the repositories do', async () => {
    const check = (id: string, flag: boolean): AgeGateCheck =>
      Object.assign(new AgeGateCheck(), {
        id,
        deviceKey: 'device',
        identifierKey: null,
        birthDateKey: 'birth',
        outcome: 'teen',
        age: 14,
        threshold: 16,
        jointConsent: flag,
        limits: '[]',
        jurisdiction: 'DE',
        retried: !flag,
        appliedCheckId: id,
        decidedAt: new Date('2026-02-03T04:05:06.007Z'),
      });
    for (const flag of [true, false]) {
      const [a, b] = [randomUUID(), randomUUID()];
      await em().insert(AgeGateCheck, check(a, flag));
      await insertRow(em(), AgeGateCheck, check(b, flag));
      const { id: x, appliedCheckId: ax, ...byTypeorm } = await stored('age_gate_check', 'id', a);
      const { id: y, appliedCheckId: ay, ...byStatement } = await stored('age_gate_check', 'id', b);
      expect(byStatement).toEqual(byTypeorm);
      expect(await selectOne(em(), AgeGateCheck, { id: b })).toEqual(check(b, flag));
      expect(await selectOne(em(), AgeGateCheck, { id: a })).toEqual(await em().findOneBy(AgeGateCheck, { id: a }));
    }
  });

  it('reads rows into the same entities as findOneBy', async () => {
    await em().insert(AuditEvent, auditRow(900_003));
    const mine = await selectOne(em(), AuditEvent, { seq: 900_003 });
    expect(mine).toBeInstanceOf(AuditEvent);
    expect(mine).toEqual(await em().findOneBy(AuditEvent, { seq: 900_003 }));
    expect(mine).toEqual(auditRow(900_003));
    expect(mine!.occurredAt).toBeInstanceOf(Date);
    expect(typeof mine!.seq).toBe('number');

    const timer = timerRow();
    await em().insert(Timer, timer);
    expect(await selectOne(em(), Timer, { id: timer.id })).toEqual(timer);
    expect(await selectOne(em(), Timer, { id: 'no such timer' })).toBeNull();
  });

  it('updates like a repository update and counts the rows it matched', async () => {
    const [a, b] = [timerRow(), timerRow()];
    await em().insert(Timer, [a, b]);
    const firedAt = new Date('2026-06-07T08:09:10.456Z');
    await em().update(Timer, { id: a.id }, { status: 'fired', firedAt });
    expect(await updateRows(em(), Timer, { status: 'fired', firedAt }, { id: b.id, status: 'pending' })).toBe(1);
    expect(await updateRows(em(), Timer, { status: 'fired', firedAt }, { id: b.id, status: 'pending' })).toBe(0);
    const { id: x, workflowId: wx, ...byTypeorm } = await stored('timer', 'id', a.id);
    const { id: y, workflowId: wy, ...byStatement } = await stored('timer', 'id', b.id);
    expect(byStatement).toEqual(byTypeorm);
    expect((await selectOne(em(), Timer, { id: b.id }))!.firedAt).toEqual(firedAt);
  });

  it('filters, orders and limits; a null condition throws instead of matching nothing', async () => {
    const workflowId = randomUUID();
    const timers = [3, 1, 2].map((n) => ({ ...timerRow(), workflowId, name: `t${n}`, fireAt: new Date(Date.UTC(2026, 0, n)) }));
    await em().insert(Timer, timers);
    const ordered = await selectRows(em(), Timer, { workflowId, status: 'pending' }, { orderBy: { fireAt: 'DESC' }, limit: 2 });
    expect(ordered.map((t) => t.name)).toEqual(['t3', 't2']);
    const since = new Date(Date.UTC(2026, 0, 2));
    for (const where of [
      { workflowId, fireAt: MoreThanOrEqual(since) },
      { workflowId, fireAt: LessThan(since) },
      { workflowId, name: In(['t1', 't3', 'none']) },
      { workflowId, lastError: IsNull(), fireAt: MoreThan(since) },
    ]) {
      const mine = await selectRows(em(), Timer, where, { orderBy: { name: 'ASC' } });
      expect(mine).toEqual(await em().find(Timer, { where, order: { name: 'ASC' } }));
      expect(mine.length).toBeGreaterThan(0);
    }
    await expect(selectRows(em(), Timer, { workflowId: null })).rejects.toThrow(/IS NULL/);
    await expect(updateRows(em(), Timer, { status: 'fired' }, { workflowId: undefined })).rejects.toThrow(/IS NULL/);
  });

  it('runs inside the caller transaction and rolls back with it', async () => {
    const timer = timerRow();
    await expect(
      env.app.db.transaction(async (tx) => {
        await insertRow(tx, Timer, timer);
        expect(await selectOne(tx, Timer, { id: timer.id }, { lock: true })).toEqual(timer);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await em().findOneBy(Timer, { id: timer.id })).toBeNull();
  });
});
