import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { Session } from 'node:inspector';
import type { AddressInfo } from 'node:net';

/**
 * The bench-only side channel of every target server: it tells the runner its port over the IPC
 * channel of `child_process.fork` and answers CPU/RSS readings of its own process, so the runner
 * measures the SERVER's CPU time (never the load generator's) without an extra HTTP route.
 * Nothing here is loaded by src/main.ts: a normal production start has no such channel.
 */
export interface CpuReading {
  type: 'cpu';
  id: number;
  userUs: number;
  systemUs: number;
  rss: number;
}

export function reportReady(server: Server, name: string): void {
  const { port } = server.address() as AddressInfo;
  process.send?.({ type: 'ready', name, port });
}

let profiler: Session | undefined;

export function answerBenchHooks(onStop: () => Promise<void> | void): void {
  process.on('message', (msg: { type: string; id: number; [k: string]: unknown }) => {
    if (msg.type === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send?.({ type: 'cpu', id: msg.id, userUs: user, systemUs: system, rss: process.memoryUsage.rss() } satisfies CpuReading);
    } else if (msg.type === 'profile-start') {
      // A CPU profile of the load only (not start-up or idle time), for `npm run bench -- --profile`.
      profiler ??= new Session();
      profiler.connect();
      profiler.post('Profiler.enable', () => profiler!.post('Profiler.setSamplingInterval', { interval: 100 }, () => profiler!.post('Profiler.start', () => process.send?.({ type: 'profile-started', id: msg.id }))));
    } else if (msg.type === 'profile-stop') {
      profiler?.post('Profiler.stop', (error, result) => {
        if (!error) writeFileSync(String(msg.file), JSON.stringify(result.profile));
        profiler?.disconnect();
        process.send?.({ type: 'profile-stopped', id: msg.id });
      });
    } else if (msg.type === 'stop') {
      Promise.resolve(onStop()).finally(() => process.exit(0));
    }
  });
  // The runner going away (even killed) ends this server: the bench never leaves a process behind.
  process.on('disconnect', () => process.exit(0));
}

export function readBody(req: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

/** Settings every target gets from the runner through its environment. */
export function benchEnv() {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url) throw new Error('BENCH_DATABASE_URL is not set: target servers are started by bench/run.ts');
  return { databaseUrl: url, appSecret: process.env.APP_SECRET ?? '' };
}
