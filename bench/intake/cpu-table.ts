import { readFileSync } from 'node:fs';

/**
 * The cost-centre table of `intake-cpu.md`: per centre, the main thread's samples with a matching frame on the
 * stack (inclusive), per order and as a share of busy time, for each profile given as `<file>=<orders>`.
 * Usage: node dist/bench/intake/cpu-table.js <label> <a.cpuprofile>=<orders> [<b.cpuprofile>=<orders> ...]
 */
interface Frame { functionName: string; url: string }
interface ProfileNode { id: number; callFrame: Frame; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }
const centres: Array<[string, (f: Frame) => boolean]> = [
  ['engine step (engine.run), all of it', (f) => f.functionName === 'run' && f.url.endsWith('engine/engine.js')],
  ['  sourcing: planSourcing (problem, solve, plan)', (f) => f.functionName === 'planSourcing'],
  ['    of it buildProblem', (f) => f.functionName === 'buildProblem'],
  ['  decision record (recordDecision, storable, its put)', (f) => f.functionName === 'recordDecision'],
  ['  order workflow entry (entity.created through the dormant machine)', (f) => f.functionName === 'deliver'],
  ['  location actors (stock.reserve)', (f) => f.functionName === 'reserve' && f.url.includes('src/stock/')],
  ['  order entity creation (createEntity)', (f) => f.functionName === 'createEntity'],
  ['  journal append (encode + put)', (f) => f.functionName === 'append' && f.url.endsWith('journal.js')],
  ['  timeline (entries + commit puts)', (f) => f.url.includes('src/timeline/')],
  ['  step time as ISO (Step.iso)', (f) => (f.functionName === 'get iso' || f.functionName === 'isoOf')],
  ['body: JSON.parse + zod (jsonBody)', (f) => f.functionName === 'jsonBody'],
  ['  of it reading the body bytes (rawBody)', (f) => f.functionName === 'rawBody'],
  ['snapshot writer (second encoding of each order)', (f) => f.url.endsWith('snapshot-writer.js')],
  ['GC', (f) => f.functionName === '(garbage collector)'],
];
const [label = '', ...files] = process.argv.slice(2);
const cols = files.map((arg) => {
  const [file = '', orders] = arg.split('=');
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const tot = centres.map(() => 0); let busy = 0;
  for (let i = 0; i < p.samples.length; i++) {
    if (byId.get(p.samples[i]!)!.callFrame.functionName === '(idle)') continue; busy += p.timeDeltas[i]!;
    const frames: Frame[] = [];
    for (let id: number | undefined = p.samples[i]!; id !== undefined; id = parent.get(id)) frames.push(byId.get(id)!.callFrame);
    centres.forEach(([, m], k) => { if (frames.some(m)) tot[k]! += p.timeDeltas[i]!; });
  }
  return { busy, tot, orders: Number(orders) };
});
console.log(`| cost centre (${label}) | ${files.map((_, i) => `µs/order | share`).join(' | ')} |`);
console.log(`|---|${files.map(() => '---|---').join('|')}|`);
console.log(`| **busy, main thread** | ${cols.map((c) => `**${(c.busy / c.orders).toFixed(0)}** | 100%`).join(' | ')} |`);
centres.forEach(([name], k) => console.log(`| ${name} | ${cols.map((c) => `${(c.tot[k]! / c.orders).toFixed(1)} | ${((100 * c.tot[k]!) / c.busy).toFixed(1)}%`).join(' | ')} |`));
const rest = cols.map((c) => c.busy - c.tot[0]! - c.tot[10]! - c.tot[12]! - c.tot[13]!);
console.log(`| rest: node:http, sockets, Hono + middleware, reply, LMDB commit glue | ${cols.map((c, i) => `${(rest[i]! / c.orders).toFixed(1)} | ${((100 * rest[i]!) / c.busy).toFixed(1)}%`).join(' | ')} |`);
