import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { DEFAULT_FEED_PROCESSES } from '../../src/feed/index.js';
import { writeResult } from '../lib/report.js';
import { Histogram } from './histogram.js';
import { hardFdLimit, request, startProcess, stop, treeCpuMicros, type BenchProcess } from '../lib/processes.js';
import type { FromBenchServer } from './protocol.js';
import { report, type Baseline, type Scenario } from './report.js';
import { pacedPosts } from './steady-orders.js';
import { SubscriberPool } from './subscriber-pool.js';
import { parseArgs } from '../lib/args.js';
import { fulcrumApi, seedNetwork, SITES } from '../lib/fulcrum-api.js';

/**
 * The live feed under load: N subscribers (in separate client processes) on one pool/SKU while orders for
 * that SKU arrive over HTTP at a steady rate, for each number of feed processes. Each client also holds a
 * connection to a plain `ws` server that broadcasts a pre-built frame; phases alternate on the same clients:
 * (A) orders for HOT-1, which the clients watch, so Fulcrum fans out; (B) the same orders for HOT-2, which
 * nobody watches, while the plain server broadcasts at the window's cadence. Same processes, same load.
 * Usage: node dist/bench/feed/run.js [--subscribers 10000] [--small 1000] [--rate 1000] [--seconds 5]
 *        [--rounds 3] [--processes 0,1,2] [--window-ms 50] [--small-window-ms 20] [--client-nice 10] [--smoke]
 */
const args = parseArgs(process.argv.slice(2));
const SMOKE = args.smoke === true;
const SUBSCRIBERS = SMOKE ? 200 : Number(args.subscribers ?? 10_000);
/** A second, smaller audience for the staleness goal at 1,000 subscribers (0 skips it). */
const SMALL = SMOKE ? 0 : Number(args.small ?? 1_000);
const RATE = Number(args.rate ?? (SMOKE ? 200 : 1_000));
const SECONDS = SMOKE ? 1 : Number(args.seconds ?? 5);
/** Alternations of phase A and phase B per configuration. */
const ROUNDS = SMOKE ? 1 : Number(args.rounds ?? 3);
const INTAKE_SECONDS = SMOKE ? 0.5 : 4;
/** After the orders stop: time for the last window to reach every client. */
const SETTLE_MS = SMOKE ? 500 : 1_500;
const WINDOW_MS = Number(args['window-ms'] ?? 50);
/** The small audience also runs with this shorter window: per-commit staleness cannot beat the window. */
const SMALL_WINDOW_MS = Number(args['small-window-ms'] ?? 20);
const VARIANTS = typeof args.processes === 'string' ? args.processes.split(',').map(Number) : SMOKE ? [0, 1] : [0, 1, 2];
const CHOSEN = VARIANTS.includes(DEFAULT_FEED_PROCESSES) ? DEFAULT_FEED_PROCESSES : VARIANTS[0]!;
const CLIENT_PROCESSES = SMOKE ? 2 : 4;
// The subscribers stand in for remote browsers: at a lower priority they take the CPU the server leaves
// instead of preempting the engine's thread, which on 2 shared cores would show up as event-loop delay.
const CLIENT_NICE = Number(args['client-nice'] ?? 10);
const KEY = 'bench-admin-key-000001';
const WATCHED = 'HOT-1';
const UNWATCHED = 'HOT-2';
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

type Loop = Extract<FromBenchServer, { t: 'loop' }>;

async function main(): Promise<void> {
  const limit = hardFdLimit();
  if (limit < 2 * SUBSCRIBERS / CLIENT_PROCESSES + 1_000 || limit < SUBSCRIBERS + 1_000) {
    throw new Error(`the hard limit on open files is ${limit}; the server needs ${SUBSCRIBERS + 1_000}: raise it (ulimit -Hn) and run again`);
  }
  const clients = await SubscriberPool.start(CLIENT_PROCESSES, CLIENT_NICE);
  const scenarios: Scenario[] = [];
  const baselines: Baseline[] = [];
  try {
    for (const processes of VARIANTS) {
      const r = await runConfiguration(clients, { processes, subscribers: SUBSCRIBERS, windowMs: WINDOW_MS, rounds: ROUNDS, compare: true });
      scenarios.push(...r.scenarios);
      baselines.push(...r.baselines);
    }
    if (SMALL > 0) {
      for (const windowMs of [WINDOW_MS, SMALL_WINDOW_MS]) {
        scenarios.push(...(await runConfiguration(clients, { processes: CHOSEN, subscribers: SMALL, windowMs, rounds: 1, compare: false })).scenarios);
      }
    }
  } finally {
    await clients.stop();
  }
  const text = report({
    scenarios,
    baselines,
    rate: RATE,
    seconds: SECONDS,
    windowMs: WINDOW_MS,
    intakeSeconds: INTAKE_SECONDS,
    settleMs: SETTLE_MS,
    clientProcesses: CLIENT_PROCESSES,
    clientNice: CLIENT_NICE,
    perProcess: Math.ceil(SUBSCRIBERS / CLIENT_PROCESSES),
    fdLimit: limit,
    chosen: CHOSEN,
    defaultProcesses: DEFAULT_FEED_PROCESSES,
  });
  console.log(text);
  const cmd = ['npm run bench:feed', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
  writeResult('feed', cmd, text, SMOKE);
  if (scenarios.some((s) => s.failedConnects > 0 || s.finalMatches !== s.subscribers || s.undelivered > 0)) {
    console.error('some subscribers failed to connect, missed a value, or ended on a value other than /availability');
    process.exitCode = 1;
  }
}

/** One server configuration: intake alone, then ROUNDS of phases A and B on the same clients, then intake with them. */
async function runConfiguration(
  clients: SubscriberPool,
  c: { processes: number; subscribers: number; windowMs: number; rounds: number; compare: boolean },
): Promise<{ scenarios: Scenario[]; baselines: Baseline[] }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fulcrum-feed-'));
  const serverArgs = ['--data-dir', dataDir, '--port', '0', '--feed-processes', String(c.processes), '--feed-window-ms', String(c.windowMs)];
  const server = await startProcess(here('./fulcrum-server.js'), serverArgs, { env: { FULCRUM_API_KEYS: `${KEY}:admin` } });
  const plain = c.compare ? await startProcess(here('./plain-broadcast.js'), []) : undefined;
  const scenarios: Scenario[] = [];
  const baselines: Baseline[] = [];
  try {
    await seed(server.url);
    if (!SMOKE) await orders(server.url, WATCHED, { connections: 32, duration: INTAKE_SECONDS }); // JIT warm-up
    const intakeAlone = await maxIntake(server.url);
    const connected = await connectAll(clients, server.url, plain?.url.replace('http', 'ws'), c.subscribers);
    for (let round = 1; round <= c.rounds; round++) {
      scenarios.push(await feedPhase(clients, server, { ...c, round, intakeAlone, failedConnects: connected.failed }));
      if (plain) baselines.push(await plainPhase(clients, server, plain, { ...c, round }));
    }
    // With the subscribers still connected: as many orders as the server takes, every window going to all.
    server.child.send({ t: 'loop-reset' });
    const intakeWith = await maxIntake(server.url);
    const loopIntake = await request<Loop>(server.child, { t: 'loop-read' }, 'loop');
    for (const s of scenarios) Object.assign(s, { intakeWith, loopIntake });
    await clients.disconnect();
    return { scenarios, baselines };
  } finally {
    if (plain) await stop(plain);
    await stop(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Phase A: orders for the watched SKU; Fulcrum fans out every window to every client. */
async function feedPhase(
  clients: SubscriberPool,
  server: BenchProcess,
  c: { processes: number; subscribers: number; windowMs: number; round: number; intakeAlone: number; failedConnects: number },
): Promise<Scenario> {
  const before = await feedMetrics(server.url);
  const cpu0 = treeCpuMicros(server.child.pid!);
  const clientCpu0 = clientCpu(clients);
  server.child.send({ t: 'loop-reset' });
  server.child.send({ t: 'timeline-reset' });
  clients.broadcast({ t: 'measure-start' });
  const steadyRate = await steadyOrders(server.url, WATCHED);
  const rates = await clients.rates();
  const cpu = treeCpuMicros(server.child.pid!) - cpu0;
  const clientCpuUs = clientCpu(clients) - clientCpu0;
  const loopSteady = await request<Loop>(server.child, { t: 'loop-read' }, 'loop');
  // Let the last window reach everyone, then score every commit against every client's arrivals.
  await sleep(SETTLE_MS);
  await settled(clients, server.url);
  const timeline = await request<Extract<FromBenchServer, { t: 'timeline' }>>(server.child, { t: 'timeline-read' }, 'timeline');
  const finals = await clients.staleness(timeline.seqs, timeline.times);
  const after = await feedMetrics(server.url);
  const ats = await availability(server.url);

  const staleness = new Histogram();
  const lag = new Histogram();
  for (const r of finals) staleness.merge(r.staleness);
  for (const r of rates) lag.merge(r.lag);
  const deliveries = rates.reduce((a, r) => a + r.deliveries, 0);
  const seconds = Math.max(...rates.map((r) => r.seconds));
  const finalAts = finals.flatMap((r) => r.finalAts);
  return {
    round: c.round,
    processes: c.processes,
    subscribers: c.subscribers,
    windowMs: c.windowMs,
    failedConnects: c.failedConnects,
    ordersPerSecond: steadyRate,
    commits: timeline.seqs.length,
    deliveriesPerSecond: deliveries / seconds,
    staleness: { p50: staleness.percentile(50), p99: staleness.percentile(99) },
    undelivered: finals.reduce((a, r) => a + r.undelivered, 0),
    lag: { p50: lag.percentile(50), p99: lag.percentile(99) },
    loopSteady,
    loopIntake: loopSteady,
    intakeAlone: c.intakeAlone,
    intakeWith: NaN,
    windows: after.windows - before.windows,
    encodes: after.encodes - before.encodes,
    messagesSent: after.messages - before.messages,
    frameBuilds: after.builds - before.builds,
    skips: after.skips - before.skips,
    closedSlow: after.slow - before.slow,
    serverCpuPerDeliveryUs: cpu / Math.max(1, deliveries),
    clientCpuPerDeliveryUs: clientCpuUs / Math.max(1, deliveries),
    finalMatches: finalAts.filter((a) => a === ats).length,
  };
}

/** Phase B: the same orders for a SKU nobody watches, while the plain server broadcasts to the same clients. */
async function plainPhase(clients: SubscriberPool, server: BenchProcess, plain: BenchProcess, c: { processes: number; subscribers: number; windowMs: number; round: number }): Promise<Baseline> {
  const plainCpu0 = treeCpuMicros(plain.child.pid!);
  const clientCpu0 = clientCpu(clients);
  server.child.send({ t: 'loop-reset' });
  clients.broadcast({ t: 'measure-start' });
  plain.child.send({ t: 'broadcast-start', everyMs: c.windowMs });
  const ordersPerSecond = await steadyOrders(server.url, UNWATCHED);
  const done = await request<Extract<FromBenchServer, { t: 'broadcast-done' }>>(plain.child, { t: 'broadcast-stop' }, 'broadcast-done');
  const rates = await clients.rates();
  const plainCpu = treeCpuMicros(plain.child.pid!) - plainCpu0;
  const clientCpuUs = clientCpu(clients) - clientCpu0;
  const fulcrumLoop = await request<Loop>(server.child, { t: 'loop-read' }, 'loop');
  await sleep(SETTLE_MS);
  const deliveries = rates.reduce((a, r) => a + r.plainDeliveries, 0);
  return {
    round: c.round,
    processes: c.processes,
    subscribers: c.subscribers,
    deliveriesPerSecond: deliveries / Math.max(...rates.map((r) => r.seconds)),
    passes: done.passes,
    ordersPerSecond,
    serverCpuPerDeliveryUs: plainCpu / Math.max(1, deliveries),
    clientCpuPerDeliveryUs: clientCpuUs / Math.max(1, deliveries),
    fulcrumLoop,
  };
}

function clientCpu(clients: SubscriberPool): number {
  return clients.pids().reduce((a, pid) => a + treeCpuMicros(pid), 0);
}

async function connectAll(clients: SubscriberPool, fulcrum: string, plain: string | undefined, total: number): Promise<{ open: number; failed: number }> {
  const r = await clients.connect(total, { fulcrum: fulcrum.replace('http', 'ws'), key: KEY, subscribe: { pool: 'default', skus: [WATCHED] }, ...(plain ? { plain } : {}) });
  if (r.failed > 0) console.error(`${r.failed} of ${total} subscribers failed to connect: ${r.firstError}`);
  return r;
}

/** Orders at a steady rate for a measured phase; returns the achieved rate. */
async function steadyOrders(url: string, sku: string): Promise<number> {
  const r = await pacedPosts(`${url}/orders`, { 'content-type': 'application/json', authorization: `Bearer ${KEY}` }, orderBody(sku), RATE, SECONDS);
  if (r.failed > 0) throw new Error(`${r.failed} orders failed: ${r.firstFailure}`);
  return r.perSecond;
}

function orderBody(sku: string): string {
  return JSON.stringify({ customer: { id: 'cust-1' }, deliverTo: { lat: 52.52, lon: 13.405, country: 'DE' }, lines: [{ sku, qty: 1 }] });
}

/** As many orders for the watched SKU as 32 connections get through. */
async function maxIntake(url: string): Promise<number> {
  const r = await orders(url, WATCHED, { connections: 32, duration: INTAKE_SECONDS });
  return r.requests.total / INTAKE_SECONDS;
}

async function orders(url: string, sku: string, load: { connections: number; duration: number }): Promise<autocannon.Result> {
  const r = await autocannon({
    url: `${url}/orders`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: orderBody(sku),
    ...load,
  });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`orders failed: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return r;
}

/** The watched and the unwatched SKU, 100,000,000 units each at the three sites. */
async function seed(url: string): Promise<void> {
  const skus = [WATCHED, UNWATCHED];
  await seedNetwork(fulcrumApi(url, KEY), skus, skus.flatMap((sku) => SITES.map(([location]) => ({ location, sku, onHand: 100_000_000 }))));
}

/**
 * Waits (at most 10 s past the settle time) until every open client holds the value `GET /availability`
 * gives: on a loaded machine the last window can take longer than the settle time to reach everyone, and
 * whether it arrives at all is what the final check asks, not how fast (staleness measures that).
 */
async function settled(clients: SubscriberPool, url: string): Promise<void> {
  for (const until = Date.now() + 10_000; Date.now() < until; await sleep(100)) {
    const ats = String(await availability(url));
    const groups = Object.values(await clients.finals([WATCHED]));
    if (groups.every((g) => (g.values[WATCHED]?.[ats] ?? 0) === g.open)) return;
  }
}

async function availability(url: string): Promise<number> {
  const r = await fetch(`${url}/availability?pool=default&sku=${WATCHED}`, { headers: { authorization: `Bearer ${KEY}` } });
  return ((await r.json()) as { items: Array<{ ats: number }> }).items[0]!.ats;
}

async function feedMetrics(url: string): Promise<{ windows: number; encodes: number; messages: number; builds: number; skips: number; slow: number }> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${KEY}` } })).text();
  const read = (name: string) => Number(new RegExp(`^fulcrum_feed_${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return {
    windows: read('windows_total'),
    encodes: read('piece_encodes_total'),
    messages: read('messages_sent_total'),
    builds: read('frame_builds_total'),
    skips: read('skips_total'),
    slow: read('closed_slow_total'),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
