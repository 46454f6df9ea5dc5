import type { GroupFinals } from '../feed/protocol.js';
import { fixed } from '../lib/report.js';
import type { BurstResult } from './burst.js';
import type { PositionRow } from './checks.js';
import type { OverloadRun } from './overload.js';

/** One measured burst of the hot-vs-spread comparison. */
export interface ComparisonRun {
  round: number;
  target: 'hot' | 'spread';
  result: BurstResult;
}

export interface ReportInput {
  requests: number;
  connections: number;
  subscribers: number;
  units: number;
  skus: string[];
  spread: number;
  warmUp: number;
  clientProcesses: number;
  clientNice: number;
  settleMs: number;
  sale: BurstResult;
  loop: { p50: number; p99: number; max: number };
  readable: number;
  rows: PositionRow[];
  finals: GroupFinals;
  comparison: ComparisonRun[];
  overloaded: OverloadRun[];
  violations: string[];
  /** 1-minute load average at the start and at the end. */
  load: number[];
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const count = (r: BurstResult, status: number) => r.statuses[String(status)] ?? 0;

/** The markdown body of `bench/results/reliability-flash-sale.md`. */
export function report(r: ReportInput): string {
  const s = r.sale;
  const total = r.units * r.skus.length;
  const sold = s.created.reduce((a, c) => a + c.lines.reduce((b, l) => b + l.qty, 0), 0);
  const zeroHolders = r.skus.map((sku) => r.finals.values[sku]?.['0'] ?? 0);
  const of = (target: ComparisonRun['target']) => r.comparison.filter((c) => c.target === target).map((c) => c.result);
  const ratio = mean(of('hot').map((x) => x.requestsPerSecond)) / mean(of('spread').map((x) => x.requestsPerSecond));
  const cpuRatio = mean(of('spread').map((x) => x.serverCpuPerRequestUs)) / mean(of('hot').map((x) => x.serverCpuPerRequestUs));
  const rounds = [...new Set(r.comparison.map((c) => c.round))];
  const perRound = rounds.map((n) => {
    const h = r.comparison.find((c) => c.round === n && c.target === 'hot')!.result;
    const p = r.comparison.find((c) => c.round === n && c.target === 'spread')!.result;
    return fixed(h.requestsPerSecond / p.requestsPerSecond, 2);
  });
  const check = (ok: boolean) => (ok ? 'yes' : '**NO**');
  const compareRow = (c: ComparisonRun) =>
    `| ${c.round} | ${c.target} | ${c.result.requests} | ${count(c.result, 201)} | ${fixed(c.result.requestsPerSecond, 0)} | ${fixed(c.result.p50, 0)} / ${fixed(c.result.p99, 0)} | ${fixed(c.result.serverCpuPerRequestUs, 0)} |`;
  return [
    `Fulcrum (the real server as \`main.ts\` starts it, plus an event-loop delay probe: \`bench/feed/fulcrum-server.ts\`; defaults: 1 feed process, 50 ms window, rate limit 10,000/s per storefront key, max in flight 4,096, no purchase limits) in its own process with a fresh data dir; the load generator (autocannon) in the bench process; ${r.subscribers} WebSocket subscribers in ${r.clientProcesses} processes at nice ${r.clientNice}. All on loopback, sharing the machine's cores. 1-minute load average ${fixed(r.load[0]!, 2)} at the start, ${fixed(r.load[1]!, 2)} at the end.`,
    '',
    '## The sale',
    '',
    `${r.skus.join(', ')}: ${r.units} units each, split 40/35/25 % over BER, HAM and MUC. ${r.requests} order requests (one line, qty 1, round robin over the three SKUs, a different customer each, storefront key) issued at once over ${r.connections} keep-alive connections: each connection sends its ${r.requests / r.connections} back to back, so ${r.connections} are in flight at any moment. ${r.subscribers} subscribers watch the three SKUs on \`default\`. Latency is autocannon's, from a request's write to its complete reply (time queued behind the same connection's earlier requests not included).`,
    '',
    '| requests | seconds | requests/s | 201 (orders)/s | sold out after ms | latency p50 / p99 / max ms | 201 | 409 | 503 | 429 | other | server CPU µs/request (main + feed process) | engine loop delay p99 / max ms |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    `| ${s.requests} | ${fixed(s.seconds, 2)} | ${fixed(s.requestsPerSecond, 0)} | ${fixed(s.ordersPerSecond, 0)} | ${s.lastCreatedMs} | ${fixed(s.p50, 0)} / ${fixed(s.p99, 0)} / ${fixed(s.max, 0)} | ${count(s, 201)} | ${count(s, 409)} | ${count(s, 503)} | ${count(s, 429)} | ${s.requests - count(s, 201) - count(s, 409) - count(s, 503) - count(s, 429)} | ${fixed(s.serverCpuPerRequestUs, 0)} | ${fixed(r.loop.p99, 1)} / ${fixed(r.loop.max, 0)} |`,
    '',
    `Refusals by type: ${Object.entries(s.errorTypes).map(([t, n]) => `\`${t}\` ${n}`).join(', ') || 'none'}. Socket errors and timeouts: ${s.errors}. "seconds" runs from the burst's start (connections included) to its last reply; "201 (orders)/s" is the 201s over that time; "sold out after" is the time from the start to the last 201.`,
    '',
    'Checks after the burst (and a settle of ' + r.settleMs + ' ms for the last feed window):',
    '',
    `- units sold (sum of the 201s' quantities): **${sold}** of ${total}: ${check(sold === total)}; per SKU ${r.skus.map((sku) => `${sku} ${s.created.filter((c) => c.lines[0]!.sku === sku).length}`).join(', ')}`,
    `- every 201 readable with \`GET /orders/:id\` (same lines, not cancelled): **${r.readable} / ${s.created.length}**: ${check(r.readable === s.created.length)}`,
    `- no oversell: every position below has available >= 0 and on hand = reserved, and each position's reserved units equal the units the read-back orders' fulfilments hold there: ${check(r.rows.every((p) => p.available >= 0 && p.onHand === p.reserved))}; \`GET /availability\` 0 for all three; \`fulcrum_stock_short_total\` 0; the lowest ats any subscriber received: ${r.finals.minAts}`,
    `- subscribers whose last value is 0, per SKU: **${zeroHolders.join(' / ')}** of ${r.subscribers} (${r.finals.open} open; ${r.finals.messages} stock messages received in all): ${check(zeroHolders.every((z) => z === r.subscribers))}`,
    '',
    '| location | SKU | on hand | reserved | available |',
    '|---|---|---|---|---|',
    ...r.rows.map((p) => `| ${p.location} | ${p.sku} | ${p.onHand} | ${p.reserved} | ${p.available} |`),
    '',
    r.violations.length === 0 ? 'No violation.' : `**Violations:**\n\n${r.violations.map((v) => `- ${v}`).join('\n')}`,
    '',
    '## One hot SKU vs spread over many',
    '',
    `The same server right after the sale (subscribers still connected, watching the sold-out SKUs, so the feed sends nothing in either run), the same ${r.requests} requests over ${r.connections} connections, one line of qty 1, bodies of the same length. **hot**: every request for \`HOT-00000\` (10,000,000 units at each of the three locations); **spread**: request *i* for \`SPR-\${i mod ${r.spread}}\` (${r.spread} SKUs, 1,000 units at each location). Both have far more stock than the run takes, so every request succeeds and reserves one unit in both: each does the same work (validation, one sourcing problem over three locations, one reservation, one order actor, one durable commit share), and the only difference is whether the requests contend for one position and one availability-index entry or touch ${r.spread} different ones. One warm-up burst of ${r.warmUp} requests each, then hot and spread alternate, ${rounds.length} rounds.`,
    '',
    '| round | target | requests | 201 | requests/s | latency p50 / p99 ms | server CPU µs/request |',
    '|---|---|---|---|---|---|---|',
    ...r.comparison.map(compareRow),
    '',
    `- Throughput hot / spread (mean requests/s): **${fixed(ratio, 2)}** (goal >= 0.9): ${ratio >= 0.9 ? 'met' : '**not met**'}; per round ${perRound.join(', ')}`,
    `- Server CPU per request, spread / hot: ${fixed(cpuRatio, 2)} (above 1: a hot request costs less CPU than a spread one)`,
    '',
    ...overloadSection(r.overloaded),
  ].join('\n');
}

/** Load shedding: the same overload against a low in-flight bound and the default one. */
function overloadSection(runs: OverloadRun[]): string[] {
  if (runs.length === 0) return [];
  const first = runs[0]!.result;
  const bounded = runs[0]!;
  const queued = runs[runs.length - 1]!;
  return [
    '## Overload: load shedding and the event loop',
    '',
    `A fresh server per row (same flags, no rate limit, no subscribers), differing only in \`--max-in-flight\`; ${first.requests} order requests for a SKU with ample stock from ${bounded.connections} concurrent connections, far more than the low bound, after a warm-up burst. Every request the server takes succeeds, so a refusal is the bound at work: \`503 unavailable\` with \`Retry-After: 1\`, answered without touching the engine (autocannon sends the connection's next request at once). Engine loop delay: \`monitorEventLoopDelay\` (1 ms resolution) on the engine's thread, over the measured burst only.`,
    '',
    '| max in flight | connections | requests | 201 | 503 (shed) | requests/s | 201 latency p50 / p99 / max ms | 503 latency p50 / p99 / max ms | first request per connection p50 / p99 / max ms | engine loop delay p50 / p99 / max ms | server CPU µs/request |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...runs.map((o) => `| ${o.maxInFlight} | ${o.connections} | ${o.result.requests} | ${count(o.result, 201)} | ${count(o.result, 503)} (metric +${o.shed}) | ${fixed(o.result.requestsPerSecond, 0)} | ${latency(o.result, 201)} | ${latency(o.result, 503)} | ${fixed(o.result.firstRequests.p50, 0)} / ${fixed(o.result.firstRequests.p99, 0)} / ${fixed(o.result.firstRequests.max, 0)} | ${fixed(o.loop.p50, 1)} / ${fixed(o.loop.p99, 1)} / ${fixed(o.loop.max, 0)} | ${fixed(o.result.serverCpuPerRequestUs, 0)} |`),
    '',
    `- Engine loop delay p99, bound ${bounded.maxInFlight} / bound ${queued.maxInFlight}: **${fixed(bounded.loop.p99 / Math.max(0.001, queued.loop.p99), 2)}**; 201 latency p99: **${fixed((bounded.result.latencyByStatus['201']?.p99 ?? NaN) / Math.max(0.001, queued.result.latencyByStatus['201']?.p99 ?? NaN), 2)}** (below 1: the bound keeps them lower than letting every request queue).`,
    '- Latency by status is timed in the load generator, from the moment autocannon sets a request up (just before it writes it; one request at a time per connection) to its reply, leaving out each connection\'s first request: those ' + runs[0]!.connections + ' went out together as the connections opened, and their latency (own column, any status) also holds the wait for the server to accept and first read a connection while it serves the others; the kernel counted no listen-queue drops in our checks (`/proc/net/netstat`).',
  ];
}

function latency(r: BurstResult, status: number): string {
  const l = r.latencyByStatus[String(status)];
  return l ? `${fixed(l.p50, 1)} / ${fixed(l.p99, 1)} / ${fixed(l.max, 0)}` : '-';
}
