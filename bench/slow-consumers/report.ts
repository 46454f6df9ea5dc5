import type { GroupFinals } from '../feed/protocol.js';
import type { PacedResult } from '../feed/steady-orders.js';
import { fixed } from '../lib/report.js';
import { DEFAULT_FEED_OPTIONS } from '../../src/feed/index.js';
import type { ProbeReport } from './buffer-probe.js';
import type { ServerSample } from './server-watch.js';

/** A group of subscribers: what they watch and whether they stop reading. */
export interface Group {
  name: string;
  count: number;
  /** The hot SKU, or `pool` for the whole pool. */
  watches: string;
  stalls: boolean;
}

type Staleness = { p50: number; p99: number; max: number; undelivered: number };

/** One phase of steady orders. */
export interface Phase {
  seconds: number;
  started: number;
  stopped: number;
  orders: PacedResult;
  commits: number;
  deliveriesPerSecond: number;
  loop: { p50: number; p99: number; max: number };
  /** Per group of clients that read during the phase. */
  staleness: Record<string, Staleness>;
}

export interface ReportInput {
  groups: Group[];
  catalog: number;
  rate: number;
  settleMs: number;
  clientProcesses: number;
  clientNice: number;
  control: Phase;
  stalled: Phase;
  /** Per group when the stalled phase's orders stopped (and the last window settled), then after the stalled ones resumed. */
  finals: Record<string, GroupFinals>;
  afterResume: Record<string, GroupFinals>;
  availableHot: number;
  /** Feed metrics at the start and the end of the stalled phase. */
  metrics: { before: Record<string, number>; after: Record<string, number> };
  probes: ProbeReport[];
  samples: ServerSample[];
  marks: { beforeClients: ServerSample; connected: ServerSample; atControlEnd: ServerSample; ended: ServerSample; left: ServerSample };
  kernel: { wmem: string; rmem: string };
  load: number[];
}

const { skipAboveBytes, maxBufferedBytes, slowCloseMs, heartbeatMs, closeGraceMs } = DEFAULT_FEED_OPTIONS;
const mib = (n: number) => fixed(n / 2 ** 20, 1);
const kib = (n: number) => fixed(n / 1024, 1);
const codes = (c: Record<string, number>) => Object.entries(c).map(([code, n]) => `${code}: ${n}`).join(', ') || 'none';
const perThousand = (from: number, to: number, orders: number) => fixed(((to - from) / 2 ** 20 / orders) * 1000, 2);
const stale = (s: Staleness | undefined) => (s ? `${fixed(s.p50, 0)} / ${fixed(s.p99, 0)} / ${fixed(s.max, 0)}` : '-');

/** The markdown body of `bench/results/reliability-slow-consumers.md`, and the invariants it found broken. */
export function report(r: ReportInput): { text: string; violations: string[] } {
  const total = r.groups.reduce((a, g) => a + g.count, 0);
  const reading = r.groups.filter((g) => !g.stalls);
  const stalledCount = r.groups.filter((g) => g.stalls).reduce((a, g) => a + g.count, 0);
  const stallEnd = r.stalled.stopped + r.settleMs;
  const during = r.samples.filter((s) => s.at >= r.stalled.started && s.at <= stallEnd);
  const peak = (f: (s: ServerSample) => number) => Math.max(...during.map(f));
  const since = (t: number) => fixed((t - r.stalled.started) / 1000, 1);
  const relative = (t: number) => (t >= r.stalled.started ? `${since(t)} s after the stall` : `${fixed((r.stalled.started - t) / 1000, 1)} s before the stall`);
  const peakAll = Math.max(0, ...r.probes.map((p) => p.peakBuffered));
  const peakAllAt = r.probes.find((p) => p.peakBuffered === peakAll)?.peakAt ?? 0;
  let peakStalled = 0;
  for (const p of r.probes) {
    for (const [second, bytes] of Object.entries(p.peakBySecond)) {
      if (Number(second) * 1000 >= r.stalled.started - 1000 && Number(second) * 1000 <= stallEnd) peakStalled = Math.max(peakStalled, bytes);
    }
  }
  const closes: ProbeReport['closes'] = {};
  for (const p of r.probes) {
    for (const [label, c] of Object.entries(p.closes)) {
      const into = (closes[label] ??= { count: 0, first: c.first, last: c.last });
      into.count += c.count;
      into.first = Math.min(into.first, c.first);
      into.last = Math.max(into.last, c.last);
    }
  }
  const delta = (name: string) => r.metrics.after[name]! - r.metrics.before[name]!;

  const violations: string[] = [];
  if (r.marks.connected.feedClients !== total) violations.push(`the buffer probe saw ${r.marks.connected.feedClients} feed clients after ${total} connected: is it loaded?`);
  for (const [name, p] of [['control', r.control], ['stalled', r.stalled]] as const) {
    if (p.orders.failed > 0) violations.push(`${name} phase: ${p.orders.failed} orders failed: ${p.orders.firstFailure}`);
    for (const [group, s] of Object.entries(p.staleness)) if (s.undelivered > 0) violations.push(`${name} phase, ${group}: ${s.undelivered} (client, commit) pairs never delivered`);
  }
  if (peakAll > maxBufferedBytes) violations.push(`a client had ${peakAll} unsent bytes, over the ${maxBufferedBytes} limit`);
  for (const g of reading) {
    const f = r.finals[g.name]!;
    const right = f.values['HOT-1']?.[String(r.availableHot)] ?? 0;
    if (f.open !== g.count) violations.push(`${g.name}: ${g.count - f.open} reading clients were closed (${codes(f.closes)})`);
    if (right !== g.count) violations.push(`${g.name}: ${right} of ${g.count} hold HOT-1 = ${r.availableHot} (GET /availability) at the end`);
  }

  const phaseRow = (name: string, p: Phase) =>
    `| ${name} | ${p.seconds} | ${fixed(p.orders.perSecond, 0)} | ${p.orders.failed} | ${p.commits} | ${fixed(p.deliveriesPerSecond, 0)} | ${fixed(p.loop.p99, 1)} (max ${fixed(p.loop.max, 0)}) |`;
  const groupRow = (g: Group) => {
    const f = r.finals[g.name]!;
    const right = f.values['HOT-1']?.[String(r.availableHot)] ?? 0;
    const watches = g.watches === 'pool' ? `whole pool (${r.catalog + 1} SKUs)` : g.watches;
    return `| ${g.name} | ${g.count} | ${watches} | ${g.stalls ? 'stops' : 'yes'} | ${stale(r.control.staleness[g.name])} | ${g.stalls ? '-' : stale(r.stalled.staleness[g.name])} | ${f.open} | ${g.stalls ? '-' : `${right}/${g.count}`} | ${codes(r.afterResume[g.name]!.closes)} |`;
  };
  const memRow = (name: string, f: (s: ServerSample) => number) =>
    `| ${name} | ${mib(f(r.marks.beforeClients))} | ${mib(f(r.marks.connected))} | ${mib(f(r.marks.atControlEnd))} | ${mib(peak(f))} | ${mib(f(r.marks.ended))} | ${mib(f(r.marks.left))} |`;
  const worstControl = Math.max(...reading.map((g) => r.control.staleness[g.name]?.p99 ?? NaN));
  const worst = Math.max(...reading.map((g) => r.stalled.staleness[g.name]?.p99 ?? NaN));
  const perWindow = Math.round((2 * r.rate) / 20);

  const text = [
    `Fulcrum (the real server as \`main.ts\` starts it, defaults: 1 feed process at nice +5, 50 ms window; a client over ${kib(skipAboveBytes)} KiB unsent skips values, is closed with 4008 after ${slowCloseMs / 1000} s behind or at ${mib(maxBufferedBytes)} MiB unsent; a ping every ${heartbeatMs / 1000} s, a client that missed the previous one is cut off; close grace ${closeGraceMs / 1000} s) in its own process; ${total} WebSocket clients in ${r.clientProcesses} subscriber processes at nice ${r.clientNice}; orders over HTTP from the bench process. All on loopback, sharing the machine's 2 cores. 1-minute load average ${fixed(r.load[0]!, 2)} at the start, ${fixed(r.load[1]!, 2)} at the end.`,
    '',
    '## Design',
    '',
    `- **Orders**: a steady ${r.rate}/s (paced every 5 ms, \`bench/feed/steady-orders.ts\`), each a basket of \`HOT-1\` and two random SKUs of a ${r.catalog}-SKU catalogue, qty 1 each, stock for all at 3 locations. Every commit changes \`HOT-1\` and two other SKUs of \`default\`.`,
    `- **Clients**: shoppers watch \`HOT-1\` (a product page); dashboards watch the whole pool, so each 50 ms window brings them every SKU the orders touched (~${perWindow} stock messages, ~${Math.round((perWindow * 95) / 1024)} KB per frame). ${stalledCount} of the ${total} (${fixed((100 * stalledCount) / total, 0)} %) stop reading for good: half of them shoppers, half dashboards.`,
    `- **Phases** on the same server and clients: a control of ${r.control.seconds} s in which every client reads; then the ${stalledCount} pause their sockets (\`ws.pause()\`: nothing more is read, pings included) and the orders go on for ${r.stalled.seconds} s, more than two ping intervals, so that the feed has dealt with every one of them by the end. Then they resume, read what was left for them and report how their connection ended.`,
    `- **Why dashboards among the stalled**: what a client does not read first fills the kernel's socket buffers (\`tcp_wmem\` ${r.kernel.wmem}, \`tcp_rmem\` ${r.kernel.rmem} here; measured on this machine, a paused loopback reader absorbs ~4 MB before the writing process buffers a byte, whatever the write size or pace). A stalled shopper gets ~20 frames of ~100 bytes a second and would need over half an hour to get past that; a stalled dashboard gets ~${Math.round((r.rate * 2 * 95) / 1024)} KB/s and reaches the feed's own buffer within the run.`,
    '- **Staleness**: for every commit and every reading client, the time from the commit (an engine listener in the server process, over the bench\'s IPC) to the arrival of that value or a newer one (the client\'s log of its highest seq per frame). Clients that stopped reading are left out.',
    '- **Unsent bytes**: the feed\'s own bookkeeping, read by a probe loaded into the server\'s processes with `--import` (`bench/slow-consumers/buffer-probe.ts`; no product change): each client\'s `ws.bufferedAmount` right after every send to it (the only moment it grows), and every 250 ms all clients\' current values; it also labels each close with the code the feed closed it with, if it did.',
    '- **Memory**: RSS of the main (engine) process and of the feed process from `/proc` every 250 ms. TCP memory is the whole machine\'s (`/proc/net/sockstat`, every socket of every process, the clients\' too): where the bytes the stalled clients did not read sit.',
    '',
    '## Results',
    '',
    '| phase | seconds | orders/s | failed | commits | stock messages/s received | engine loop delay p99 ms |',
    '|---|---|---|---|---|---|---|',
    phaseRow('control: every client reads', r.control),
    phaseRow(`${stalledCount} clients stalled`, r.stalled),
    '',
    '| group | clients | watches | reads | staleness p50 / p99 / max ms, control | staleness p50 / p99 / max ms, with the stalled | open when the orders stopped | last HOT-1 = /availability | close codes the clients saw (the stalled ones once they resumed) |',
    '|---|---|---|---|---|---|---|---|---|',
    ...r.groups.map(groupRow),
    '',
    `**Closes by the server** (probe; seconds after the stall): ${Object.entries(closes).map(([label, c]) => `${label}: ${c.count} (${since(c.first)}-${since(c.last)} s)`).join('; ') || 'none'}. \`/metrics\` over the stalled phase: \`closed_slow_total\` +${delta('closed_slow_total')} (4008), \`closed_dead_total\` +${delta('closed_dead_total')} (missed ping), \`closed_abuse_total\` +${delta('closed_abuse_total')}, \`skips_total\` +${delta('skips_total')} (turns a client over ${kib(skipAboveBytes)} KiB skipped).`,
    '',
    `**Unsent bytes in the feed**: the largest any client had right after a send during the stalled phase: **${kib(peakStalled)} KiB**; over the whole run ${kib(peakAll)} KiB${peakAll > 0 ? ` (${relative(peakAllAt)})` : ''}. Limit: ${mib(maxBufferedBytes)} MiB; a client over ${kib(skipAboveBytes)} KiB gets nothing until the kernel has taken enough to bring it under, then one frame with the latest value of every key that changed meanwhile (for a whole-pool watcher up to one message per SKU), so the bound is the threshold plus that catch-up frame. At most ${peak((s) => s.overSkip)} clients were over ${kib(skipAboveBytes)} KiB at once, and all clients' unsent bytes together peaked at ${kib(peak((s) => s.sumBuffered))} KiB (250 ms samples; the probe saw all ${r.marks.connected.feedClients} clients).`,
    '',
    '| memory, MiB | before the clients | all connected | end of control | peak, stalled phase | end of stalled phase | clients gone |',
    '|---|---|---|---|---|---|---|',
    memRow('main process (engine, HTTP), RSS', (s) => s.mainRss),
    memRow('main process, V8 heap in use', (s) => s.mainHeap),
    memRow('feed process (the client sockets), RSS', (s) => s.feedRss),
    memRow('feed process, V8 heap in use', (s) => s.feedHeap),
    memRow('TCP socket memory, whole machine', (s) => s.tcpMemory),
    '',
    `The main process holds every order taken (dormant order actors stay in memory; its RSS also counts the LMDB pages it maps) and built the whole-pool snapshots of the dashboards when they connected. Its RSS grew ${perThousand(r.marks.connected.mainRss, r.marks.atControlEnd.mainRss, r.control.orders.sent)} MiB per 1,000 orders in the control phase and ${perThousand(r.marks.atControlEnd.mainRss, r.marks.ended.mainRss, r.stalled.orders.sent)} MiB per 1,000 orders with the stalled clients: they add nothing there.`,
    '',
    'Goals:',
    `- staleness p99 of the clients that kept reading, worst group, with ${stalledCount} stalled: **${fixed(worst, 0)} ms** (goal < 500 ms): ${worst < 500 ? 'met' : '**not met**'}; in the control phase: ${fixed(worstControl, 0)} ms`,
    `- no client's unsent bytes above the feed's limit: **${kib(Math.max(peakAll, peakStalled))} KiB** at most (limit ${mib(maxBufferedBytes)} MiB): ${peakAll <= maxBufferedBytes ? 'met' : '**not met**'}`,
    `- feed process memory, stalled phase: peak **${mib(peak((s) => s.feedRss) - r.marks.atControlEnd.feedRss)} MiB** over its start, **${mib(r.marks.ended.feedRss - r.marks.atControlEnd.feedRss)} MiB** at its end`,
    '',
    violations.length === 0
      ? 'No violation: every order succeeded, no client that kept reading was closed or missed a commit, and each holds the value `GET /availability` gives.'
      : `**Violations:**\n\n${violations.map((v) => `- ${v}`).join('\n')}`,
  ].join('\n');
  return { text, violations };
}
