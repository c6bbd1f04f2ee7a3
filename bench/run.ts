/**
 * `npm run bench [-- --quick] [-- --db mysql] [-- --only name[,name…]] [-- --profile]`
 *
 * Starts every target server of each scenario in its own process (the service in production
 * configuration, and the baselines) on its own scratch database, drives them in turn with
 * autocannon from this process on 127.0.0.1, in alternating rounds, and reads each SERVER's CPU time
 * over its bench-only IPC channel. Prints one table and writes the same as JSON to bench/results/.
 * Every loop is bounded by a round count and a duration; a hard timer ends the run whatever happens.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { PLANNED, SCENARIOS, type Scenario, type TargetName } from './scenarios';
import { checkGoals, formatTable, ratios, rssDrift, summarise, TABLE_HEADER, tableRows, type Round, type TableRow } from './lib/stats';
import { scratchDb, type ScratchDb } from './lib/scratch-db';
import { startSmtpSink, type SmtpSink } from './lib/smtp-sink';
import type { CpuReading } from './servers/hooks';
import { randomBytes } from 'node:crypto';

const benchSecret = randomBytes(32).toString('base64url');

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};

const quick = flag('quick');
const dialect = option('db') === 'mysql' ? 'mysql' : 'sqlite';
const only = option('only');
const profile = flag('profile');
const settings = quick
  ? { rounds: 1, roundS: 1.5, warmupS: 0.5, soakS: 0 }
  : { rounds: Number(option('rounds') ?? 5), roundS: Number(option('seconds') ?? 5), warmupS: 3, soakS: Number(option('soak') ?? 60) };

// The bench stops by itself: quick runs (~1.5–2 min; start-up of three server groups is most of it) within
// 3.5 minutes even on a loaded machine, full runs (eight scenarios, ~18 min) within 30.
const HARD_LIMIT_MS = (quick ? 210 : 30 * 60) * 1000;
setTimeout(() => {
  console.error(`bench: hard time limit of ${HARD_LIMIT_MS / 1000}s reached, stopping`);
  for (const t of live) t.child.kill('SIGKILL');
  process.exit(2);
}, HARD_LIMIT_MS).unref();

// The commit measured (numbers change with the code: docs/benchmarks.md cites it), read at start;
// "+dirty" with uncommitted changes to tracked files.
const commit = (() => {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: __dirname, encoding: 'utf8' }).trim();
    // Edits to docs/ (e.g. pasting this run's tables) do not change what is measured.
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', ':(top)', ':(top,exclude)docs'], { cwd: __dirname, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head}+dirty` : head;
  } catch {
    return 'unknown';
  }
})();

interface Target {
  name: TargetName;
  child: ChildProcess;
  port: number;
  db: ScratchDb;
  /** The scenario's request for this target: its seed's headers (a session) and ids filled in. */
  headers: Record<string, string>;
  body: string;
}
const live = new Set<Target>();
/** Fewer answers than this from any target of a scenario, and its goals are not judged. */
const MIN_ANSWERS = 50;
/** The local SMTP server of outboxDispatch (started only when that scenario runs). */
let smtpSink: SmtpSink | undefined;

let nextId = 1;
function ask<T extends { type: string; id?: number }>(child: ChildProcess, msg: Record<string, unknown>, answer: string, timeoutMs = 10_000): Promise<T> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', on);
      reject(new Error(`no ${answer} from pid ${child.pid}`));
    }, timeoutMs);
    const on = (m: T) => {
      if (m.type === answer && (m.id === undefined || m.id === id)) {
        clearTimeout(timer);
        child.off('message', on);
        resolve(m);
      }
    };
    child.on('message', on);
    child.send({ ...msg, id });
  });
}

async function startTarget(name: TargetName, scenario: Scenario): Promise<Target> {
  const db = await scratchDb(dialect, `${scenario.name}-${name}`);
  const child = fork(join(__dirname, 'servers', `${name}.ts`), [], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    // Production mode needs an app secret: a fresh one per run (the bench keeps no data).
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', BENCH_DATABASE_URL: db.url, APP_SECRET: benchSecret, ...(scenario.kind === 'dispatch' && smtpSink ? { BENCH_SMTP_URL: smtpSink.url } : {}) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 90 s`)), 90_000);
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before it was ready`)));
    child.on('message', (m: { type: string; port?: number }) => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve(m.port!);
      }
    });
  });
  const target: Target = { name, child, port, db, headers: scenario.headers, body: scenario.body };
  live.add(target);
  return target;
}

/** Runs the scenario's seed on a GraphQL target (its own database) and sets the target's request for the scenario. */
async function prepareTarget(target: Target, scenario: Scenario): Promise<void> {
  target.headers = scenario.headers;
  target.body = scenario.body;
  if (!scenario.seed || target.name === 'bare' || target.name === 'raw-sql' || target.name === 'nodemailer') return;
  const seeded = await ask<{ type: string; headers: Record<string, string>; vars: Record<string, string>; error?: string }>(target.child, { type: 'seed', name: scenario.seed }, 'seeded', 60_000);
  if (seeded.error) throw new Error(`${scenario.name}: seeding ${target.name} failed: ${seeded.error}`);
  target.headers = { ...scenario.headers, ...seeded.headers };
  target.body = Object.entries(seeded.vars).reduce((b, [k, v]) => b.replaceAll(`$${k}`, v), scenario.body);
}

async function stopTarget(t: Target): Promise<void> {
  const exited = new Promise<void>((r) => (t.child.exitCode !== null ? r() : t.child.once('exit', () => r())));
  t.child.send({ type: 'stop' });
  const killer = setTimeout(() => t.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(killer);
  live.delete(t);
  await t.db.drop();
}

const cpuOf = async (t: Target) => {
  const r = await ask<CpuReading>(t.child, { type: 'cpu' }, 'cpu');
  return r.userUs + r.systemUs;
};

/** Peak resident set of a process (VmHWM), MB; or its current one (VmRSS). */
function rssMb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** A fresh device id per request where the scenario asks for one (DEVICE_ID format: 16–128 of A–Z a–z 0–9 _ -). */
const freshBody = (body: string) => body.replaceAll('$FRESH_DEVICE_ID', `bench-${randomBytes(12).toString('hex')}`);

function load(t: Target, s: Scenario, seconds: number) {
  return autocannon({
    url: `http://127.0.0.1:${t.port}${s.path}`,
    method: s.method,
    headers: t.headers,
    body: t.body,
    ...(s.freshDeviceId ? { requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: freshBody(t.body) }) }] } : {}),
    connections: s.connections,
    duration: seconds,
    timeout: 10,
  });
}

async function fetchOnce(t: Target, s: Scenario): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${t.port}${s.path}`, { method: s.method, headers: t.headers, body: freshBody(t.body), signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: await res.text() };
}

/** `--profile`: a CPU profile of the service during its first timed round only. */
const startProfile = (t: Target) => ask(t.child, { type: 'profile-start' }, 'profile-started');
async function stopProfile(t: Target, s: Scenario): Promise<void> {
  const dir = join(__dirname, 'results', 'profiles');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${s.name}-${dialect}-${Date.now()}.cpuprofile`);
  await ask(t.child, { type: 'profile-stop', file }, 'profile-stopped', 30_000);
  console.error(`  CPU profile of ${t.name} under load: ${file} (summary: npx ts-node --transpile-only bench/profile-summary.ts ${file})`);
}

async function runScenario(s: Scenario, targets: Target[]) {
  console.error(`\n▶ ${s.name} (${dialect}): ${targets.map((t) => t.name).join(', ')}`);
  await Promise.all(targets.map((t) => prepareTarget(t, s)));
  {
    const [service] = targets;
    const first = await fetchOnce(service, s);
    if (first.status !== 200 || /"errors"/.test(first.body)) throw new Error(`${s.name}: the service answered ${first.status}: ${first.body.slice(0, 300)}`);
    const bytes: Record<string, boolean> = {};
    for (const t of targets.slice(1)) {
      if (t.name === 'bare') await ask(t.child, { type: 'bytes', body: first.body }, 'bytes-ok');
      const r = await fetchOnce(t, s).catch((e: Error) => { throw new Error(`${s.name}: ${t.name} did not answer: ${e.message}`); });
      if (r.status !== 200) throw new Error(`${s.name}: ${t.name} answered ${r.status}: ${r.body.slice(0, 300)}`);
      // Apollo ends its JSON with a newline, mercurius does not: that byte aside, the answers must be identical.
      bytes[t.name] = r.body.trimEnd() === first.body.trimEnd();
      if (s.sameBytes && !bytes[t.name]) throw new Error(`${s.name}: ${t.name} does not answer with the service's bytes: ${r.body.slice(0, 300)}`);
    }
    for (const t of targets) await load(t, s, settings.warmupS);

    const rounds: Round[] = [];
    for (let round = 0; round < settings.rounds; round++) {
      // Alternate: each round starts with the next target, so drift on a shared machine hits all alike.
      const order = targets.map((_, i) => targets[(i + round) % targets.length]);
      for (const t of order) {
        const profiling = profile && round === 0 && t === service;
        if (profiling) await startProfile(t);
        const before = await cpuOf(t);
        const r = await load(t, s, settings.roundS);
        const cpuUs = (await cpuOf(t)) - before;
        if (profiling) await stopProfile(t, s);
        rounds.push({ target: t.name, round, ok: r['2xx'], errors: r.non2xx + r.errors + r.timeouts, durationS: r.duration, cpuUs, p50Ms: r.latency.p50, p99Ms: r.latency.p99 });
        console.error(`  round ${round + 1}/${settings.rounds} ${t.name.padEnd(10)} ${Math.round(r['2xx'] / r.duration)} req/s, ${Math.round(cpuUs / Math.max(1, r['2xx']))} µs CPU/req`);
      }
    }
    const peak = Object.fromEntries(targets.map((t) => [t.name, rssMb(t.child.pid!, 'VmHWM')]));

    let soak: ReturnType<typeof rssDrift> & { samplesMb: number[]; seconds: number } | undefined;
    if (s.soak && settings.soakS > 0) {
      console.error(`  RSS soak: ${settings.soakS} s on ${service.name}`);
      const samplesMb: number[] = [];
      const running = load(service, s, settings.soakS);
      // A sample every 2 s once the soak has run 20 s (RSS is still high from the rounds before that).
      const step = 2;
      for (let i = 1; i * step <= settings.soakS; i++) {
        await new Promise((r) => setTimeout(r, step * 1000));
        if (i * step >= 20) samplesMb.push(rssMb(service.child.pid!, 'VmRSS'));
      }
      await running;
      soak = { ...rssDrift(samplesMb), samplesMb, seconds: settings.soakS };
    }
    const summaries = summarise(rounds, peak);
    const rs = ratios(summaries, service.name);
    return { scenario: s, rounds, summaries, ratios: rs, verdicts: checkGoals(s.goals, rs), sameBytes: bytes, soak };
  }
}

/**
 * outboxDispatch, which is not HTTP: each round queues N mails on the service through the workflow
 * runtime (untimed), then times the OutboxWorker draining them to the local SMTP server; the
 * nodemailer baseline sends N copies of the same rendered mail directly to the same server. Both send
 * one mail at a time, as the worker does. A round counts the mails the SMTP server received (not what
 * the sender claims), so req/s is mails/s and CPU/req is the sender process's CPU per mail.
 */
async function runDispatch(s: Scenario, targets: Target[]) {
  console.error(`\n▶ ${s.name} (${dialect}): ${targets.map((t) => t.name).join(', ')} → ${smtpSink!.url}`);
  await Promise.all(targets.map((t) => prepareTarget(t, s)));
  const [service] = targets;
  type Answer = { type: string; error?: string; queued?: number; sent?: number; mail?: unknown };
  const check = (a: Answer, what: string) => {
    if (a.error) throw new Error(`${s.name}: ${what} failed: ${a.error}`);
    return a;
  };
  let mail: unknown;
  const sizes: Record<string, number> = {};
  const send = async (t: Target, n: number, profiling = false) => {
    if (t === service) {
      const q = check(await ask<Answer>(t.child, { type: 'outbox-queue', n }, 'outbox-queued', 300_000), 'queueing');
      if (q.queued !== n) throw new Error(`${s.name}: ${q.queued} mails queued, expected ${n}`);
      mail ??= check(await ask<Answer>(t.child, { type: 'outbox-sample' }, 'outbox-sample'), 'rendering a mail').mail;
    }
    smtpSink!.take();
    if (profiling) await startProfile(t);
    const before = await cpuOf(t);
    const started = performance.now();
    check(t === service ? await ask<Answer>(t.child, { type: 'outbox-drain' }, 'outbox-drained', 300_000) : await ask<Answer>(t.child, { type: 'outbox-send', n, mail }, 'outbox-sent', 300_000), `sending on ${t.name}`);
    const durationS = (performance.now() - started) / 1000;
    const cpuUs = (await cpuOf(t)) - before;
    if (profiling) await stopProfile(t, s);
    const got = smtpSink!.take();
    sizes[t.name] = got.mails ? got.bytes / got.mails : NaN;
    return { ok: got.mails, errors: n - got.mails, durationS, cpuUs };
  };
  // Warm-up, which also gives the service's rate: a round sends what the service sends in about roundS seconds.
  const warm = quick ? 20 : 100;
  const warmService = await send(service, warm);
  for (const t of targets.slice(1)) await send(t, warm);
  const n = Math.min(quick ? 100 : 5_000, Math.max(quick ? 50 : 200, Math.round((warmService.ok / warmService.durationS) * settings.roundS)));
  // The same messages: the baseline sends the service's rendered mail, so sizes differ only by ids and dates.
  const sameBytes: Record<string, boolean> = {};
  for (const t of targets.slice(1)) {
    sameBytes[t.name] = Math.abs(sizes[t.name] / sizes[service.name] - 1) < 0.05;
    if (s.sameBytes && !sameBytes[t.name]) throw new Error(`${s.name}: ${t.name} sends ${sizes[t.name]} bytes per mail, the service ${sizes[service.name]}: not the same messages`);
  }
  console.error(`  ${n} mails per round (${Math.round(sizes[service.name])} bytes each)`);

  const rounds: Round[] = [];
  for (let round = 0; round < settings.rounds; round++) {
    const order = targets.map((_, i) => targets[(i + round) % targets.length]);
    for (const t of order) {
      const r = await send(t, n, profile && round === 0 && t === service);
      rounds.push({ target: t.name, round, ok: r.ok, errors: r.errors, durationS: r.durationS, cpuUs: r.cpuUs, p50Ms: NaN, p99Ms: NaN });
      console.error(`  round ${round + 1}/${settings.rounds} ${t.name.padEnd(10)} ${Math.round(r.ok / r.durationS)} mails/s, ${Math.round(r.cpuUs / Math.max(1, r.ok))} µs CPU/mail`);
    }
  }
  const peak = Object.fromEntries(targets.map((t) => [t.name, rssMb(t.child.pid!, 'VmHWM')]));
  const summaries = summarise(rounds, peak);
  const rs = ratios(summaries, service.name);
  return { scenario: s, rounds, summaries, ratios: rs, verdicts: checkGoals(s.goals, rs), sameBytes, soak: undefined, mailsPerRound: n, bytesPerMail: sizes };
}

async function main() {
  const names = only?.split(',');
  const unknown = names?.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown?.length) throw new Error(`no scenario named ${unknown.join(', ')}`);
  const chosen = SCENARIOS.filter((s) => !names || names.includes(s.name));
  const started = new Date();
  const results = [];
  if (chosen.some((s) => s.kind === 'dispatch')) smtpSink = await startSmtpSink();
  // Full runs give every scenario fresh servers on fresh databases. Quick runs (a smoke within ~2
  // minutes) keep the servers of consecutive scenarios with the same targets: start-up, not load,
  // is most of a quick run.
  let running: { key: string; targets: Target[] } | undefined;
  for (const s of chosen) {
    const key = s.targets.join(',');
    if (!quick || running?.key !== key) {
      if (running) await Promise.all(running.targets.map(stopTarget));
      console.error(`\n▶ starting ${s.targets.join(', ')} (${dialect})`);
      running = { key, targets: await Promise.all(s.targets.map((name) => startTarget(name, s))) };
    }
    results.push(s.kind === 'dispatch' ? await runDispatch(s, running.targets) : await runScenario(s, running.targets));
  }
  if (running) await Promise.all(running.targets.map(stopTarget));
  await smtpSink?.close();

  const rows: TableRow[] = results.flatMap((r) => {
    const limit = r.summaries.find((t) => t.target === 'bare');
    return r.summaries.map((summary) => ({
      scenario: r.scenario.name,
      target: summary.target,
      summary,
      vsService: r.ratios.find((x) => x.baseline === summary.target),
      cpuVsLimit: limit ? summary.cpuPerReqUs / limit.cpuPerReqUs : undefined,
    }));
  });
  const machine = { nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memGb: Math.round(totalmem() / 2 ** 30), node: process.version };
  const mode = quick ? 'quick' : `${settings.rounds} rounds × ${settings.roundS} s`;
  console.log(`\nConsentry bench — ${started.toISOString()} — ${dialect} — ${mode} — commit ${commit} — ${machine.nproc} × ${machine.cpu}, Node ${machine.node}\n`);
  console.log(formatTable(TABLE_HEADER, tableRows(rows)));
  console.log('\nGoals (issue 7):');
  for (const r of results) {
    // A ratio from a handful of answers (quick rounds shorter than a slow target's latency) is no verdict.
    const fewest = Math.min(...r.summaries.map((x) => x.ok));
    for (const v of r.verdicts) {
      const judged = Number.isFinite(v.value) && fewest >= MIN_ANSWERS;
      console.log(`  ${r.scenario.name}: ${v.goal}: ${judged ? `${v.value.toFixed(2)}× — ${v.met ? 'met' : 'NOT met'}` : `not judged: a target answered ${fewest} times in its rounds (fewer than ${MIN_ANSWERS}; rounds too short for its latency)`}`);
    }
    if (r.soak) console.log(`  ${r.scenario.name}: RSS over ${r.soak.seconds} s (lowest sample of first → last third): ${r.soak.first.toFixed(0)} → ${r.soak.last.toFixed(0)} MB (${(r.soak.change * 100).toFixed(1)} %, range ${r.soak.min.toFixed(0)}–${r.soak.max.toFixed(0)}) — ${r.soak.flat ? 'flat (±10 %)' : 'NOT flat'}`);
  }
  if (PLANNED.length) console.log(`  planned (not run yet): ${PLANNED.map((p) => p.name).join(', ')}`);
  if (results.some((r) => r.scenario.kind === 'dispatch')) console.log('  (outboxDispatch is not HTTP: its req/s is mails/s received by the SMTP server, its CPU µs/req the sender\'s CPU per mail, no latencies)');

  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${started.toISOString().replace(/[:.]/g, '-')}-${dialect}${quick ? '-quick' : ''}.json`);
  const json = { startedAt: started.toISOString(), commit, dialect, quick, settings, machine, results: results.map(({ scenario, ...r }) => ({ scenario: scenario.name, kind: scenario.kind, targets: scenario.targets, connections: scenario.connections, ...r })), planned: PLANNED };
  writeFileSync(file, JSON.stringify(json, null, 2));
  console.log(`\nJSON: ${file}`);
  const errors = results.flatMap((r) => r.summaries).reduce((a, s) => a + s.errors, 0);
  if (errors > 0) {
    console.error(`bench: ${errors} failed requests`);
    process.exitCode = 1;
  }
}

main()
  .catch((error) => {
    console.error('bench failed:', error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await Promise.allSettled([...live].map(stopTarget));
    process.exit();
  });
