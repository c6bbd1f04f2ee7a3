/**
 * `npx ts-node --transpile-only bench/profile-summary.ts <file.cpuprofile> [top]`: the self time of the
 * hottest functions and the share of each package, from a profile that `npm run bench -- --profile`
 * wrote for the service (bench/results/profiles/).
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const [file, topArg] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);

const where = (url: string) => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.includes('/src/')) return 'src';
  if (url.includes('/bench/')) return 'bench';
  return url ? 'node' : '(native/gc/idle)';
};
const byFn = new Map<string, number>();
const byPkg = new Map<string, number>();
for (const n of profile.nodes) {
  const t = self.get(n.id) ?? 0;
  if (!t) continue;
  const { functionName, url, lineNumber } = n.callFrame;
  const key = `${functionName || '(anonymous)'} ${url.replace(/.*node_modules\//, '').replace(/.*\/wt-[^/]+\//, '')}:${lineNumber + 1}`;
  byFn.set(key, (byFn.get(key) ?? 0) + t);
  byPkg.set(where(url), (byPkg.get(where(url)) ?? 0) + t);
}
const pct = (t: number) => `${((100 * t) / total).toFixed(1).padStart(5)} %`;
console.log('by package:');
for (const [k, t] of [...byPkg].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${pct(t)}  ${k}`);
console.log('hottest functions (self time):');
for (const [k, t] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 30))) console.log(`  ${pct(t)}  ${k}`);

// Inclusive time (self + callees) per function, counting each function once per stack.
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const keyOf = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/.*node_modules\//, '').replace(/.*\/wt-[^/]+\//, '')}:${n.callFrame.lineNumber + 1}`;
const inclusive = new Map<string, number>();
const walk = (id: number, onStack: Set<string>): number => {
  const n = byId.get(id)!;
  const key = keyOf(n);
  let t = self.get(id) ?? 0;
  const fresh = !onStack.has(key);
  if (fresh) onStack.add(key);
  for (const c of n.children ?? []) t += walk(c, onStack);
  if (fresh) {
    onStack.delete(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + t);
  }
  return t;
};
walk(profile.nodes[0].id, new Set());
console.log('inclusive time (self + callees):');
for (const [k, t] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[4] ?? 40))) console.log(`  ${pct(t)}  ${k}`);
