import { readFileSync } from 'node:fs';
import { WebSocket } from 'ws';
import { Histogram } from '../feed/histogram.js';
import { pacedPosts } from '../feed/steady-orders.js';
import type { SubscriberPool } from '../feed/subscriber-pool.js';
import { CpuSlices, type CpuSlice, type CpuSliceStat } from '../lib/cpu-slices.js';
import { treeCpuMicros } from '../lib/processes.js';
import { cpuMicros } from '../lib/report.js';
import type { FulcrumNode } from '../../test/helpers/cluster-world.js';

/** Where orders go and which nodes the subscribers are spread over, for one measured phase. */
export interface FeedSetup {
  label: string;
  /** The node that takes the orders (the embedded process, or the cluster's leader). */
  writer: FulcrumNode;
  /** The nodes that serve the subscribers, an equal share each. */
  servers: FulcrumNode[];
  subscribers: number;
}

/** What one phase measured. */
export interface FeedPhase {
  label: string;
  nodes: number;
  subscribers: number;
  ordersPerSecond: number;
  /** Commits in the timeline (one per feed window at the writer: its latest commit). */
  commits: number;
  staleness: { p50: number; p99: number };
  undelivered: number;
  failedConnects: number;
  /** Where each node's part of the staleness comes from, and the CPU it had: the writer first, then the servers. */
  perNode: NodeFigures[];
  /** Cores the subscriber processes used, and the machine's busy cores (of `nproc`), over the phase. */
  subscriberCores: number;
  machineCores: number;
}

/** One node in one phase: its subscribers' staleness split into replication and its own window and send. */
export interface NodeFigures {
  id: string;
  writer: boolean;
  subscribers: number;
  /** Its subscribers' staleness (from the writer's commit), p50 / p99 ms; NaN when it serves none. */
  staleness: { p50: number; p99: number };
  /** From the writer's commit to this node's own commit of it (apply, on a follower), p50 / p99 ms, per probe sample. */
  replication: { p50: number; p99: number };
  /** From this node's commit to a probe client of this node receiving it (window, feed process, socket), p50 / p99 ms. */
  window: { p50: number; p99: number };
  /** Cores its process tree used over the phase (/proc: the node and its feed processes). */
  cores: number;
  /** With a CPU slice: its quota in cores, the share of periods it was throttled in, and ms throttled per second. */
  slice?: { cores: number; throttledShare: number; throttledMsPerS: number };
}

export interface FeedLoad {
  key: string;
  sku: string;
  rate: number;
  seconds: number;
  settleMs: number;
}

/**
 * One phase: `subscribers` WebSocket clients (in the pool's processes) spread over `servers`, watching one SKU,
 * while orders for it arrive at `rate` on the writer. Staleness is measured against the writer's commit times:
 * a probe subscribed on the writer records each stock message's journal seq and commit time (`ts`, the
 * writer's clock; every node carries the same journal seq), and for each such commit and client the first
 * arrival of that seq or a newer one counts. On a follower that includes replication: the follower's own `ts`
 * would not (it stamps its apply time). The probe sees the latest commit of each of the writer's windows, so
 * commits earlier in a window are not sampled; the same holds in every phase. A probe on every other serving
 * node splits each node's part into replication and its own window (`splitStaleness`); the CPU each node's
 * process tree used, and with `slices` (node id to its CPU slice) how often its quota throttled it, come with it.
 */
export async function feedPhase(clients: SubscriberPool, setup: FeedSetup, load: FeedLoad, slices: ReadonlyMap<string, CpuSlice> = new Map()): Promise<FeedPhase> {
  let failedConnects = 0;
  const shares = new Map<FulcrumNode, number>();
  for (const [i, server] of setup.servers.entries()) {
    const share = Math.floor(setup.subscribers / setup.servers.length) + (i < setup.subscribers % setup.servers.length ? 1 : 0);
    shares.set(server, share);
    const r = await clients.connect(share, { fulcrum: server.url.replace('http', 'ws'), key: load.key, subscribe: { pool: 'default', skus: [load.sku] }, group: server.id });
    failedConnects += r.failed;
  }
  const watched = [setup.writer, ...setup.servers.filter((n) => n !== setup.writer)];
  const probes = await Promise.all(watched.map((n) => Probe.open(n.url.replace('http', 'ws'), load.key, load.sku)));
  const writerProbe = probes[0]!;
  try {
    const cpu0 = watched.map((n) => treeCpuMicros(n.child!.pid!));
    const subs0 = subscriberMicros(clients);
    const busy0 = machineBusyMicros();
    const slice0 = watched.map((n) => slices.get(n.id)?.stat());
    const t0 = performance.now();
    clients.broadcast({ t: 'measure-start' });
    for (const p of probes) p.recording = true;
    const posted = await pacedPosts(`${setup.writer.url}/orders`, { 'content-type': 'application/json', authorization: `Bearer ${load.key}` }, JSON.stringify({ customer: { id: 'feed' }, deliverTo: { lat: 51, lon: 10, country: 'DE' }, lines: [{ sku: load.sku, qty: 1 }] }), load.rate, load.seconds);
    const wallS = (performance.now() - t0) / 1000;
    const cpu1 = watched.map((n) => treeCpuMicros(n.child!.pid!));
    const subscriberCores = (subscriberMicros(clients) - subs0) / 1e6 / wallS;
    const machineCores = (machineBusyMicros() - busy0) / 1e6 / wallS;
    const slice1 = watched.map((n) => slices.get(n.id)?.stat());
    if (posted.failed > 0) throw new Error(`${setup.label}: ${posted.failed} orders failed: ${posted.firstFailure}`);
    await clients.rates();
    await sleep(load.settleMs);
    for (const p of probes) p.recording = false;
    const finals = await clients.staleness(writerProbe.seqs, writerProbe.times);
    const h = new Histogram();
    for (const f of finals) h.merge(f.staleness);
    const perNode = watched.map((node, i): NodeFigures => {
      const group = new Histogram();
      for (const f of finals) if (f.groups[node.id]) group.merge(f.groups[node.id]!.staleness);
      const split = splitStaleness(writerProbe, probes[i]!);
      const slice = slices.get(node.id);
      return {
        id: node.id,
        writer: node === setup.writer,
        subscribers: shares.get(node) ?? 0,
        staleness: { p50: group.percentile(50), p99: group.percentile(99) },
        replication: { p50: split.replication.percentile(50), p99: split.replication.percentile(99) },
        window: { p50: split.window.percentile(50), p99: split.window.percentile(99) },
        cores: (cpu1[i]! - cpu0[i]!) / 1e6 / wallS,
        ...(slice ? { slice: sliceFigures(slice, slice0[i]!, slice1[i]!, wallS) } : {}),
      };
    });
    return {
      label: setup.label,
      nodes: setup.servers.length,
      subscribers: setup.subscribers,
      ordersPerSecond: posted.perSecond,
      commits: writerProbe.seqs.length,
      staleness: { p50: h.percentile(50), p99: h.percentile(99) },
      undelivered: finals.reduce((a, f) => a + f.undelivered, 0),
      failedConnects,
      perNode,
      subscriberCores,
      machineCores,
    };
  } finally {
    for (const p of probes) p.close();
    await clients.disconnect();
  }
}

/**
 * For each of the writer's sampled commits, the first message at `node`'s probe with that seq or a newer one:
 * its `ts` (the node's own commit of it: the writer's time on the writer, its apply time on a follower) less
 * the writer's commit time is replication; its arrival less its `ts` is the node's window, feed process and
 * socket. When the first such message carries a newer seq, both halves are measured to that newer commit.
 */
function splitStaleness(writer: Probe, node: Probe): { replication: Histogram; window: Histogram } {
  const replication = new Histogram();
  const window = new Histogram();
  let j = 0;
  for (let i = 0; i < writer.seqs.length; i++) {
    while (j < node.seqs.length && node.seqs[j]! < writer.seqs[i]!) j++;
    if (j === node.seqs.length) break;
    replication.add(node.times[j]! - writer.times[i]!);
    window.add(node.arrivals[j]! - node.times[j]!);
  }
  return { replication, window };
}

function subscriberMicros(clients: SubscriberPool): number {
  return clients.processes.reduce((a, p) => a + cpuMicros(p.child.pid!), 0);
}

/** CPU time all cores spent busy (not idle, not waiting for I/O), µs, from /proc/stat (USER_HZ = 100). */
function machineBusyMicros(): number {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const t = ticks.map(Number);
  const busy = t.slice(0, 8).reduce((a, b) => a + b, 0) - t[3]! - t[4]!;
  return (busy * 1e6) / 100;
}

function sliceFigures(slice: CpuSlice, a: CpuSliceStat, b: CpuSliceStat, wallS: number): NonNullable<NodeFigures['slice']> {
  const periods = b.periods - a.periods;
  return { cores: slice.cores, throttledShare: periods > 0 ? (b.throttled - a.throttled) / periods : 0, throttledMsPerS: (b.throttledUs - a.throttledUs) / 1000 / wallS };
}

/** One feed client on a node that records (seq, commit time, arrival) of every stock message while recording. */
class Probe {
  readonly seqs: number[] = [];
  readonly times: number[] = [];
  readonly arrivals: number[] = [];
  recording = false;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      if (!this.recording) return;
      const arrival = Date.now();
      const msg = JSON.parse(data.toString());
      for (const m of Array.isArray(msg) ? msg : [msg]) {
        if (m.type !== 'stock' || m.seq <= (this.seqs.at(-1) ?? 0)) continue;
        this.seqs.push(m.seq);
        this.times.push(m.ts);
        this.arrivals.push(arrival);
      }
    });
  }

  static open(url: string, key: string, sku: string): Promise<Probe> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${url}/ws`, { headers: { authorization: `Bearer ${key}` } });
      const probe = new Probe(ws);
      ws.once('open', () => ws.send(JSON.stringify({ op: 'subscribe', pool: 'default', skus: [sku] })));
      ws.once('message', () => resolve(probe));
      ws.once('error', reject);
    });
  }

  close(): void {
    this.ws.close();
  }
}

/** Each node's CPU slice (by node id), what the report says about them, and how to remove them. */
export interface NodeSlices {
  byNode: ReadonlyMap<string, CpuSlice>;
  note: string;
  remove(): void;
}

/**
 * With `cores` (the bench's `--node-cpu`), gives every node a CPU slice of that many cores, which it and its
 * feed processes share from their start (`launcher`; call before `start()`), like a small machine each;
 * NATS servers, subscribers and the order pacer stay outside. Without cgroups to write to, says so and
 * slices nothing.
 */
export function sliceNodes(nodes: FulcrumNode[], cores: number | undefined, periodUs: number): NodeSlices {
  const none = (note: string): NodeSlices => ({ byNode: new Map(), note, remove: () => {} });
  if (cores === undefined) return none('No CPU slices: every process shares the machine\'s cores as the scheduler sees fit.');
  const slices = CpuSlices.open();
  if ('unavailable' in slices) {
    console.warn(`--node-cpu ${cores}: running WITHOUT CPU slices: ${slices.unavailable}`);
    return none(`**--node-cpu ${cores} was asked for but not applied** (${slices.unavailable}): every process shares the machine's cores.`);
  }
  const byNode = new Map<string, CpuSlice>();
  for (const node of nodes) {
    const slice = slices.create(`node-${node.id}`, cores, periodUs);
    node.launcher = slice.launcher();
    byNode.set(node.id, slice);
  }
  const note = `CPU slices: each Fulcrum node (its process, worker threads and feed processes) runs in a cgroup of its own (${slices.version === 1 ? 'v1' : 'v2'}, \`${slices.root}\`) with a CFS quota of ${cores} core per ${periodUs / 1000} ms period, like a machine of its own with that much CPU; the NATS servers, the subscriber processes and the order pacer stay outside. A node that spends its quota early in a period waits for the next one (at most ${((periodUs * (1 - Math.min(1, cores))) / 1000).toFixed(1)} ms per period): that wait is in its figures, and its count is below.`;
  return { byNode, note, remove: () => slices.removeAll() };
}

/** Per phase and node: subscribers' staleness, its replication and window parts, CPU and throttling, as a markdown table. */
export function perNodeTable(phases: FeedPhase[]): string[] {
  const ms = (x: { p50: number; p99: number }) => `${fmt(x.p50)} / ${fmt(x.p99)}`;
  return [
    '| # | phase | node | subscribers | staleness p50 / p99 ms | replication p50 / p99 ms | window and send p50 / p99 ms | cores used | quota | periods throttled | throttled ms/s (summed over CPUs) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...phases.flatMap((p, i) =>
      p.perNode.map((n) => `| ${i + 1} | ${p.label} | ${n.id}${n.writer ? ' (writer)' : ''} | ${n.subscribers} | ${n.subscribers > 0 ? ms(n.staleness) : ''} | ${ms(n.replication)} | ${ms(n.window)} | ${n.cores.toFixed(2)} | ${n.slice ? n.slice.cores : 'none'} | ${n.slice ? `${Math.round(100 * n.slice.throttledShare)}%` : ''} | ${n.slice ? n.slice.throttledMsPerS.toFixed(0) : ''} |`),
    ),
  ];
}

function fmt(x: number): string {
  return Number.isNaN(x) ? 'n/a' : String(x);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
