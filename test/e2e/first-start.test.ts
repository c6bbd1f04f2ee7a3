import { startAppProcess, type AppProcess } from '../helpers/app-process';
import { createScratchDatabase, type ScratchDatabase } from '../helpers/database';

/**
 * Several processes started together on one empty database (a deploy of N replicas at once): one
 * migrates under the migration lock, the others wait for it, and every one becomes ready.
 * On SQLite too (several processes on one file work once the migrations are serialized).
 */
describe('concurrent first start', () => {
  // Real service processes: on a loaded two-core machine one start can take tens of seconds.
  jest.setTimeout(180_000);
  let db: ScratchDatabase;
  let procs: AppProcess[] = [];
  beforeEach(async () => {
    db = await createScratchDatabase();
  });
  afterEach(async () => {
    for (const p of procs) p.kill();
    await Promise.all(procs.map((p) => p.exited));
    procs = [];
    await db?.drop();
  });

  it('three processes on one empty database all migrate safely and become ready', async () => {
    const env = { DATABASE_URL: db.url, APP_SECRET: 'first-start-app-secret-0123456789abcdefgh' };
    const started = await Promise.allSettled([0, 1, 2].map(() => startAppProcess(env, 120_000)));
    procs = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    expect(started.filter((s) => s.status === 'rejected').map((s) => String((s as PromiseRejectedResult).reason))).toEqual([]);
    for (const p of procs) expect((await fetch(`${p.url}/readyz`)).status).toBe(200);
    // Exactly one of them applied the migrations.
    expect(procs.filter((p) => p.out().includes('"msg":"database migrations applied"'))).toHaveLength(1);
  });
});
