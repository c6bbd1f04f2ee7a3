import { Writable } from 'node:stream';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { createScratchDatabase, type ScratchDatabase } from '../helpers/database';

/** The per-request logger is made lazily and the access line only at debug: both must still carry the request id. */
describe('request logging', () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });

  async function start(level: string): Promise<{ app: App; url: string; db: ScratchDatabase }> {
    const db = await createScratchDatabase();
    const config = loadConfig({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: level, DATABASE_URL: db.url });
    const app = await createApp(config, { logger: createLogger(level, sink) });
    const { port } = await app.listen();
    return { app, url: `http://127.0.0.1:${port}`, db };
  }

  const ask = (url: string) =>
    fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'trace-logline-1' }, body: JSON.stringify({ query: '{ privacyPolicy { id } }' }) });

  it('writes the access line with the request id at debug', async () => {
    const { app, url, db } = await start('debug');
    try {
      expect((await ask(url)).status).toBe(200);
      await new Promise((r) => setImmediate(r));
      expect(lines.find((l) => l.msg === 'request')).toMatchObject({ requestId: 'trace-logline-1', method: 'POST', status: 200 });
    } finally {
      await app.stop();
      await db.drop();
    }
  });

  it('writes no access line above debug', async () => {
    lines.length = 0;
    const { app, url, db } = await start('info');
    try {
      expect((await ask(url)).status).toBe(200);
      await new Promise((r) => setImmediate(r));
      expect(lines.filter((l) => l.msg === 'request')).toEqual([]);
    } finally {
      await app.stop();
      await db.drop();
    }
  });
});
