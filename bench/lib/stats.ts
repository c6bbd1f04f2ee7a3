/**
 * Pure arithmetic of the bench: rounds → one summary per target, ratios to the baselines, the
 * issue's targets checked, and the printed table. No I/O here (unit-tested in test/unit/bench-stats.test.ts).
 */

/** One timed run of one target: what autocannon counted and the server's CPU time meanwhile. */
export interface Round {
  target: string;
  round: number;
  /** Requests answered with 2xx. */
  ok: number;
  /** Non-2xx answers, socket errors and timeouts. */
  errors: number;
  durationS: number;
  /** The server process's user + system CPU time over the run, µs. */
  cpuUs: number;
  p50Ms: number;
  p99Ms: number;
}

export interface TargetSummary {
  target: string;
  rounds: number;
  ok: number;
  errors: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  cpuPerReqUs: number;
  peakRssMb: number;
}

export const median = (values: number[]): number => {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/** Throughput and CPU per request over all rounds together (totals, not means of ratios); latencies as the median round. */
export function summarise(rounds: Round[], peakRssMb: Record<string, number> = {}): TargetSummary[] {
  const byTarget = new Map<string, Round[]>();
  for (const r of rounds) byTarget.set(r.target, [...(byTarget.get(r.target) ?? []), r]);
  return [...byTarget].map(([target, rs]) => {
    const ok = rs.reduce((a, r) => a + r.ok, 0);
    const seconds = rs.reduce((a, r) => a + r.durationS, 0);
    const cpu = rs.reduce((a, r) => a + r.cpuUs, 0);
    return {
      target,
      rounds: rs.length,
      ok,
      errors: rs.reduce((a, r) => a + r.errors, 0),
      rps: seconds > 0 ? ok / seconds : 0,
      p50Ms: median(rs.map((r) => r.p50Ms)),
      p99Ms: median(rs.map((r) => r.p99Ms)),
      cpuPerReqUs: ok > 0 ? cpu / ok : NaN,
      peakRssMb: peakRssMb[target] ?? NaN,
    };
  });
}

export interface Ratio {
  baseline: string;
  /** The service's CPU per request ÷ the baseline's (lower is better; 1 = as cheap). */
  cpu: number;
  /** The service's throughput ÷ the baseline's (higher is better). */
  rps: number;
}

export function ratios(summaries: TargetSummary[], service: string): Ratio[] {
  const s = summaries.find((t) => t.target === service);
  if (!s) return [];
  return summaries.filter((t) => t.target !== service).map((b) => ({ baseline: b.target, cpu: s.cpuPerReqUs / b.cpuPerReqUs, rps: s.rps / b.rps }));
}

/** A target of issue 7 as data: the service's CPU/request at most `max` × a baseline's, or its req/s at least `min` ×. */
export type Goal = { baseline: string; metric: 'cpu'; max: number } | { baseline: string; metric: 'rps'; min: number };

export interface Verdict {
  goal: string;
  value: number;
  met: boolean;
}

export function describeGoal(g: Goal): string {
  return g.metric === 'cpu' ? `CPU/req ≤ ${g.max}× ${g.baseline}` : `req/s ≥ ${g.min}× ${g.baseline}`;
}

export function checkGoals(goals: Goal[], rs: Ratio[]): Verdict[] {
  return goals.map((g) => {
    const r = rs.find((x) => x.baseline === g.baseline);
    const value = r ? (g.metric === 'cpu' ? r.cpu : r.rps) : NaN;
    const met = g.metric === 'cpu' ? value <= g.max : value >= g.min;
    return { goal: describeGoal(g), value, met: Number.isFinite(value) && met };
  });
}

/**
 * RSS over a soak. Under load RSS is a sawtooth (V8's heap grows, is collected, drops back: seen
 * here 185 → 307 → 185 MB every ~8 s), so single samples or medians depend on the phase. A leak
 * raises the floor: the lowest sample of the first third is compared with the lowest of the last
 * third; flat means within ±tolerance.
 */
export function rssDrift(samplesMb: number[], tolerance = 0.1): { first: number; last: number; min: number; max: number; change: number; flat: boolean } {
  const third = Math.max(1, Math.floor(samplesMb.length / 3));
  const first = Math.min(...samplesMb.slice(0, third));
  const last = Math.min(...samplesMb.slice(-third));
  const change = last / first - 1;
  return { first, last, min: Math.min(...samplesMb), max: Math.max(...samplesMb), change, flat: Math.abs(change) <= tolerance };
}

export interface TableRow {
  scenario: string;
  target: string;
  summary: TargetSummary;
  /** How this row compares with the scenario's service: undefined on the service's own row. */
  vsService?: Ratio;
  /** This row's CPU/request ÷ the bare node:http limit of the same scenario. */
  cpuVsLimit?: number;
}

const fmt = (n: number | undefined, digits = 0): string => (n === undefined || !Number.isFinite(n) ? '—' : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const x = (n: number | undefined): string => (n === undefined || !Number.isFinite(n) ? '—' : `${n.toFixed(2)}×`);

export const TABLE_HEADER = ['scenario', 'target', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'peak RSS MB', 'CPU ÷ limit', 'service CPU ÷ this', 'service req/s ÷ this', 'errors'];

export function tableRows(rows: TableRow[]): string[][] {
  return rows.map((r) => [
    r.scenario,
    r.target,
    fmt(r.summary.rps),
    fmt(r.summary.p50Ms, 1),
    fmt(r.summary.p99Ms, 1),
    fmt(r.summary.cpuPerReqUs),
    fmt(r.summary.peakRssMb),
    x(r.cpuVsLimit),
    r.vsService ? x(r.vsService.cpu) : '(service)',
    r.vsService ? x(r.vsService.rps) : '',
    String(r.summary.errors),
  ]);
}

/** A Markdown table (readable as plain text too): the one table the bench prints. */
export function formatTable(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i < 2 ? `-${'-'.repeat(w)}-` : `-${'-'.repeat(w)}:`)).join('|')}|`;
  return [line(header), rule, ...body.map(line)].join('\n');
}
