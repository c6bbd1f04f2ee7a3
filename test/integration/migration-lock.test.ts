import type { DataSource } from 'typeorm';
import { createDataSource, detectMysqlFlavor } from '../../src/db/data-source';
import { MigrationLockTimeout, withMigrationLock } from '../../src/db/migration-lock';
import { createScratchDatabase, type ScratchDatabase } from '../helpers/database';

/** The lock around start-up migrations (GET_LOCK on MySQL, a lock file on SQLite), with several connections as several processes. */
describe('migration lock', () => {
  let db: ScratchDatabase;
  let sources: DataSource[] = [];
  beforeEach(async () => {
    db = await createScratchDatabase();
    const flavor = await detectMysqlFlavor(db.url);
    sources = [0, 1, 2].map(() => createDataSource({ url: db.url, flavor }));
    for (const s of sources) await s.initialize();
  });
  afterEach(async () => {
    for (const s of sources) if (s.isInitialized) await s.destroy();
    await db.drop();
  });

  it('lets concurrent starts on an empty database migrate one after another: one applies everything, the others nothing', async () => {
    const waited: number[] = [];
    const applied = await Promise.all(sources.map((s, i) => withMigrationLock(s, () => s.runMigrations({ transaction: 'each' }), () => waited.push(i))));
    const counts = applied.map((a) => a.length).sort((a, b) => a - b);
    expect(counts.slice(0, 2)).toEqual([0, 0]);
    expect(counts[2]).toBeGreaterThan(5);
    expect(waited).toHaveLength(2);
    expect(await sources[0].showMigrations()).toBe(false);
  });

  it('gives up with a clear error when another holder keeps it too long, and is free again once released', async () => {
    let release!: () => void;
    const held = withMigrationLock(sources[0], () => new Promise<void>((resolve) => (release = resolve)));
    await new Promise((r) => setTimeout(r, 100));
    const late = withMigrationLock(sources[1], async () => 'ran', undefined, 300);
    await expect(late).rejects.toThrow(MigrationLockTimeout);
    await expect(late).rejects.toThrow(/^another process has held the migration lock .*for over 1 s$/);
    release();
    await held;
    expect(await withMigrationLock(sources[1], async () => 'ran', undefined, 300)).toBe('ran');
  });

  it('is released when the work fails', async () => {
    await expect(withMigrationLock(sources[0], async () => Promise.reject(new Error('migration broke')))).rejects.toThrow('migration broke');
    expect(await withMigrationLock(sources[1], async () => 'ran', undefined, 300)).toBe('ran');
  });
});
