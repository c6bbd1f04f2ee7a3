import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

export interface AppProcess {
  child: ChildProcess;
  port: number;
  url: string;
  /** Resolves with the exit code, or the signal name when killed. */
  exited: Promise<number | string | null>;
  out(): string;
  err(): string;
  kill(signal?: NodeJS.Signals): void;
}

/** Spawns test/fixtures/app-process.ts (the service + the test workflow) and waits until it listens. */
export async function startAppProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<AppProcess> {
  const child = spawn(process.execPath, ['-r', './test/helpers/swc-register.js', 'test/fixtures/app-process.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH!, LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: '0', NODE_ENV: 'test', SHUTDOWN_DRAIN: '0ms', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | string | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  let port = 0;
  const deadline = Date.now() + timeoutMs;
  while (!port) {
    const m = /"port":(\d+)/.exec(stdout);
    if (m) port = Number(m[1]);
    else if (child.exitCode !== null || child.signalCode !== null) throw new Error(`app process exited before listening: ${stderr || stdout}`);
    else if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`app process did not start in ${timeoutMs} ms: ${stderr}`);
    } else await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    exited,
    out: () => stdout,
    err: () => stderr,
    kill: (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/** Polls `check` until it returns true (real time; only for the multi-process tests), bounded. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
