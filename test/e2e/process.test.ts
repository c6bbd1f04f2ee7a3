import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScratchDatabase, testDialect } from '../helpers/database';

/** The real entry point in its own process: start-up errors, readiness, and a graceful stop on SIGTERM. */
const root = join(__dirname, '..', '..');

function start(env: Record<string, string>) {
  // SWC (as the multi-process tests): ts-node took over 10 s per start, past the test timeout on a loaded machine.
  const child = spawn(process.execPath, ['-r', './test/helpers/swc-register.js', 'src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH!, LOG_LEVEL: 'info', HOST: '127.0.0.1', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

async function waitForPort(proc: ReturnType<typeof start>): Promise<number> {
  // Up to 150 s: under a full test run several service processes start at once on two cores.
  for (let i = 0; i < 3000; i++) {
    const m = /"port":(\d+)/.exec(proc.out());
    if (m) return Number(m[1]);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`did not start: ${proc.err()}`);
}

describe('the service process', () => {
  // Real service processes: on a loaded two-core machine one start can take tens of seconds.
  jest.setTimeout(180_000);
  it('refuses a bad setting with one clear line and exit code 1', async () => {
    const proc = start({ PORT: 'eighty', DATABASE_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'c-')), 'x.sqlite')}` });
    expect(await proc.exited).toBe(1);
    expect(proc.err().trim()).toBe('consentry: Invalid setting PORT: PORT must be a whole number between 0 and 65535 (got "eighty")');
  });

  it('refuses production without SMTP_URL or with a cheap password hash, in one line', async () => {
    const base = { NODE_ENV: 'production', APP_SECRET: 'process-test-app-secret-0123456789abcdef', PORT: '0', DATABASE_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'c-')), 'x.sqlite')}` };
    const noSmtp = start(base);
    const cheap = start({ ...base, SMTP_URL: 'smtp://127.0.0.1:2525', PASSWORD_HASH_COST: '4' });
    expect(await noSmtp.exited).toBe(1);
    expect(noSmtp.err().trim()).toMatch(/^consentry: Invalid setting SMTP_URL: production needs SMTP_URL; [^\n]*ALLOW_FILE_MAIL=true[^\n]*$/);
    expect(await cheap.exited).toBe(1);
    expect(cheap.err().trim()).toBe('consentry: Invalid setting PASSWORD_HASH_COST: PASSWORD_HASH_COST must be at least 15 in production (got "4")');
  });

  it('names a port that is already in use in one line and exits 1', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    const db = await createScratchDatabase();
    try {
      const proc = start({ PORT: String(port), DATABASE_URL: db.url });
      expect(await proc.exited).toBe(1);
      expect(proc.err().trim()).toBe(`consentry: Cannot listen on port ${port} on 127.0.0.1: it is already in use (another process? set PORT)`);
      expect(proc.out()).not.toMatch(/"stack"|\[redacted\]/);
    } finally {
      taken.close();
      await db.drop();
    }
  });

  (testDialect === 'mysql' ? it : it.skip)('names a missing database or a wrong password in one line (MySQL)', async () => {
    const server = new URL(process.env.TEST_DATABASE_URL!);
    server.pathname = '/consentry_no_such_database';
    const missing = start({ DATABASE_URL: server.toString() });
    expect(await missing.exited).toBe(1);
    expect(missing.err().trim()).toMatch(/^consentry: Cannot open the database mysql:\/\/[^ ]+\/consentry_no_such_database: Unknown database 'consentry_no_such_database'$/);
    server.password = 'wrong-password';
    const denied = start({ DATABASE_URL: server.toString() });
    expect(await denied.exited).toBe(1);
    expect(denied.err().trim()).toMatch(/^consentry: Cannot open the database mysql:\/\/root:\*\*\*@.*: Access denied for user/);
    expect(denied.err()).not.toContain('wrong-password');
  });

  it('starts, is ready, and stops cleanly on SIGTERM: 503 on /readyz first, serving through the drain, no request lost', async () => {
    const db = await createScratchDatabase();
    const proc = start({ PORT: '0', DATABASE_URL: db.url, SHUTDOWN_DRAIN: '2s' });
    try {
      const port = await waitForPort(proc);
      const url = `http://127.0.0.1:${port}`;
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      // A client sending requests back to back (keep-alive) from before the signal until the process is out of rotation.
      const failures: string[] = [];
      let answered = 0;
      let sending = true;
      const client = (async () => {
        while (sending) {
          try {
            const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ privacyPolicy { id } }"}' });
            if (res.status !== 200) failures.push(`HTTP ${res.status}`);
            await res.text();
            answered++;
          } catch (error) {
            failures.push(String((error as Error & { cause?: Error }).cause ?? error));
          }
        }
      })();
      await new Promise((r) => setTimeout(r, 50));
      proc.child.kill('SIGTERM');
      let status = 200;
      for (let i = 0; i < 100 && status === 200; i++) {
        status = (await fetch(`${url}/readyz`)).status;
        if (status === 200) await new Promise((r) => setTimeout(r, 10));
      }
      expect(status).toBe(503);
      const atNotReady = answered;
      await new Promise((r) => setTimeout(r, 300));
      sending = false;
      await client;
      expect(failures).toEqual([]);
      expect(answered).toBeGreaterThan(atNotReady);
      expect(await proc.exited).toBe(0);
      expect(proc.out()).toContain('"msg":"draining: /readyz answers 503, still serving"');
      expect(proc.out()).toContain('"msg":"stopped"');
    } finally {
      proc.child.kill('SIGKILL');
      await db.drop();
    }
  });
});
