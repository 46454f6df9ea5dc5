import { readFileSync } from 'node:fs';

/**
 * Sorts a `.cpuprofile` into the cost centres of the order path: each sample goes to the first centre found
 * walking from the sampled frame towards the root (so a centre counts what it calls, unless a nearer
 * centre claims it), GC and idle apart. Prints each centre's share of busy samples, and µs per order when
 * `--orders N` says how many orders the profile covers.
 * Usage: node dist/bench/intake/cpu-breakdown.js <file.cpuprofile> [--orders N] [--top 25]
 */
interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Cost centres, nearest first: a frame matches by function name and/or file. */
const CENTRES: Array<[string, (fn: string, url: string) => boolean]> = [
  ['journal encode + put (lmdb, msgpackr)', (fn, url) => /journal\.js$/.test(url) && fn === 'append'],
  ['timeline records', (_fn, url) => /src\/timeline\//.test(url)],
  ['decision record', (fn, url) => /recordDecision|storable/.test(fn) || /decisions\.js$/.test(url)],
  ['snapshot writer', (_fn, url) => /snapshot-writer\.js$/.test(url)],
  ['idempotency', (_fn, url) => /idempotency\.js$/.test(url)],
  ['sourcing (plan, problem, solve)', (_fn, url) => /src\/sourcing\//.test(url)],
  ['location actors (xstate send)', (fn, url) => /engine\.js$/.test(url) && fn === 'send' ? false : /stock\/reserve|actors\/location/.test(url)],
  ['order entity (createEntity, workflow)', (fn, url) => /engine\.js$/.test(url) && (fn === 'createEntity' || fn === 'deliver')],
  ['order view', (_fn, url) => /order-view\.js$/.test(url)],
  ['engine step other', (_fn, url) => /src\/engine\//.test(url)],
  ['IPC to HTTP fronts (child_process channel, v8 (de)serializer)', (_fn, url) => /^node:(internal\/child_process|v8$|internal\/v8)/.test(url)],
  ['zod validation', (_fn, url) => /node_modules\/zod\//.test(url)],
  ['hono + http (node-server, routes, middleware)', (_fn, url) => /node_modules\/(hono|@hono)\/|src\/http\//.test(url)],
  ['lmdb other (commit, flush)', (_fn, url) => /node_modules\/lmdb\//.test(url)],
  ['msgpackr other', (_fn, url) => /node_modules\/msgpackr\//.test(url)],
  ['node:http, net, streams', (_fn, url) => /^node:/.test(url)],
];

const args = process.argv.slice(2);
const file = args[0];
if (!file) throw new Error('usage: cpu-breakdown.js <file.cpuprofile> [--orders N] [--top 25]');
const orders = Number(args[args.indexOf('--orders') + 1] ?? 0) || 0;
const top = args.includes('--top') ? Number(args[args.indexOf('--top') + 1]) : 25;
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const centreOf = new Map<number, string>();
function centre(id: number): string {
  const known = centreOf.get(id);
  if (known) return known;
  const n = byId.get(id)!;
  const { functionName: fn, url } = n.callFrame;
  let c: string | undefined;
  if (fn === '(garbage collector)') c = 'GC';
  else if (fn === '(idle)') c = 'idle';
  else if (fn === '(program)') c = 'program (native, unattributed)';
  else c = CENTRES.find(([, match]) => match(fn, url))?.[0];
  if (!c) {
    const p = parent.get(id);
    c = p === undefined ? 'other' : centre(p);
  }
  centreOf.set(id, c);
  return c;
}

const time = new Map<string, number>();
const self = new Map<string, number>();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i]!;
  const dt = profile.timeDeltas[i] ?? 0;
  const c = centre(id);
  time.set(c, (time.get(c) ?? 0) + dt);
  const n = byId.get(id)!;
  const key = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/(node_modules\/)?/, '')}:${n.callFrame.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + dt);
}
const busy = [...time].filter(([c]) => c !== 'idle').reduce((a, [, t]) => a + t, 0);
const row = (name: string, t: number) => `| ${name} | ${((100 * t) / busy).toFixed(1)}% | ${orders ? (t / orders).toFixed(1) : ''} |`;
console.log(`busy ${(busy / 1e6).toFixed(2)} s of ${((profile.endTime - profile.startTime) / 1e6).toFixed(2)} s${orders ? `, ${(busy / orders).toFixed(1)} µs per order over ${orders} orders` : ''}`);
console.log('\n| cost centre | share of busy | µs/order |\n|---|---|---|');
for (const [c, t] of [...time].filter(([c]) => c !== 'idle').sort((a, b) => b[1] - a[1])) console.log(row(c, t));
console.log('\n| self time: function | share of busy | µs/order |\n|---|---|---|');
for (const [c, t] of [...self].filter(([c]) => !c.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(row(c, t));

// Inclusive time of named functions (`--inclusive fnA,fnB`): every sample with the function on its stack.
const inclusive = args.includes('--inclusive') ? args[args.indexOf('--inclusive') + 1]!.split(',') : [];
if (inclusive.length > 0) {
  const total = new Map<string, number>(inclusive.map((f) => [f, 0]));
  for (let i = 0; i < profile.samples.length; i++) {
    const seen = new Set<string>();
    for (let id: number | undefined = profile.samples[i]!; id !== undefined; id = parent.get(id)) {
      const fn = byId.get(id)!.callFrame.functionName;
      if (total.has(fn) && !seen.has(fn)) {
        seen.add(fn);
        total.set(fn, total.get(fn)! + (profile.timeDeltas[i] ?? 0));
      }
    }
  }
  console.log('\n| inclusive: function | share of busy | µs/order |\n|---|---|---|');
  for (const [f, t] of total) console.log(row(f, t));
}
