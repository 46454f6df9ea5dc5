import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Histogram } from '../feed/histogram.js';
import { hardFdLimit, request, startProcess, stop, type BenchProcess } from '../lib/processes.js';
import type { FromBenchServer } from '../feed/protocol.js';
import { pacedPosts } from '../feed/steady-orders.js';
import { SubscriberPool } from '../feed/subscriber-pool.js';
import { parseArgs } from '../lib/args.js';
import { fulcrumApi, orderBody, seedNetwork, SITES, type FulcrumApi } from '../lib/fulcrum-api.js';
import { writeResult } from '../lib/report.js';
import { report, type Group, type Phase } from './report.js';
import { ServerWatch } from './server-watch.js';

/**
 * Slow consumers: `subscribers` feed clients while orders arrive at a steady rate. Shoppers watch the hot
 * SKU; dashboards watch the whole pool (every SKU an order touches). Each order is a basket of the hot SKU
 * and two random catalogue SKUs, so every commit changes what every client watches. First a control phase
 * in which everyone reads; then `stalled` clients (5 %: half shoppers, half dashboards) stop reading for
 * good while the orders go on. Usage: node dist/bench/slow-consumers/run.js [--subscribers 5000]
 * [--stalled 250] [--dashboards 0] [--catalog 10000] [--rate 1000] [--control-seconds 20] [--seconds 75] [--smoke]
 */
const args = parseArgs(process.argv.slice(2));
const SMOKE = args.smoke === true;
const SUBSCRIBERS = Number(args.subscribers ?? (SMOKE ? 200 : 5_000));
const STALLED = Number(args.stalled ?? Math.round(SUBSCRIBERS * 0.05));
/** Reading clients that watch the whole pool, like the stalled dashboards (0 by default: they cost the subscriber processes most). */
const DASHBOARDS = Number(args.dashboards ?? (SMOKE ? 10 : 0));
const CATALOG = Number(args.catalog ?? (SMOKE ? 500 : 10_000));
const RATE = Number(args.rate ?? (SMOKE ? 200 : 1_000));
const CONTROL_SECONDS = Number(args['control-seconds'] ?? (SMOKE ? 2 : 20));
/** Long enough for the heartbeat to cut off every stalled client (at most two ping intervals). */
const SECONDS = Number(args.seconds ?? (SMOKE ? 3 : 75));
const SETTLE_MS = 1_500;
/** After the stalled clients resume: time to read what the kernel held for them and see how they ended. */
const RESUME_MS = SMOKE ? 500 : 3_000;
const CLIENT_PROCESSES = SMOKE ? 2 : 4;
const CLIENT_NICE = 10;
const ADMIN = 'bench-admin-key-000001';
const STOREFRONT = 'bench-storefront-key-01';
const HOT = 'HOT-1';
const catalogSku = (i: number) => `CAT-${String(i).padStart(5, '0')}`;
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

const stalledShoppers = Math.floor(STALLED / 2);
const GROUPS: Group[] = [
  { name: 'shoppers', count: SUBSCRIBERS - DASHBOARDS - STALLED, watches: HOT, stalls: false },
  { name: 'dashboards', count: DASHBOARDS, watches: 'pool', stalls: false },
  { name: 'stalled shoppers', count: stalledShoppers, watches: HOT, stalls: true },
  { name: 'stalled dashboards', count: STALLED - stalledShoppers, watches: 'pool', stalls: true },
].filter((g) => g.count > 0);

type Loop = Extract<FromBenchServer, { t: 'loop' }>;

async function main(): Promise<void> {
  const limit = hardFdLimit();
  if (limit < SUBSCRIBERS + 1_000) throw new Error(`the hard limit on open files is ${limit}; the server needs ${SUBSCRIBERS + 1_000}: raise it (ulimit -Hn) and run again`);
  const load = [loadavg()[0]!];
  const dataDir = mkdtempSync(join(tmpdir(), 'fulcrum-slow-'));
  const probeDir = mkdtempSync(join(tmpdir(), 'fulcrum-slow-probe-'));
  const clients = await SubscriberPool.start(CLIENT_PROCESSES, CLIENT_NICE);
  let server: BenchProcess | undefined;
  try {
    server = await startProcess(here('../feed/fulcrum-server.js'), ['--data-dir', dataDir, '--port', '0'], {
      env: {
        FULCRUM_API_KEYS: `${ADMIN}:admin,${STOREFRONT}:storefront`,
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${pathToFileURL(here('./buffer-probe.js')).href}`.trim(),
        FULCRUM_BENCH_PROBE_DIR: probeDir,
      },
    });
    const api = fulcrumApi(server.url, ADMIN);
    await seed(api);
    const watch = new ServerWatch(server.child.pid!, probeDir).start();
    const beforeClients = watch.sample();
    for (const g of GROUPS) {
      const subscribe = g.watches === 'pool' ? { pool: 'default' } : { pool: 'default', skus: [HOT] };
      const r = await clients.connect(g.count, { fulcrum: server.url.replace('http', 'ws'), key: STOREFRONT, subscribe, group: g.name, track: [HOT], stall: g.stalls });
      if (r.failed > 0) throw new Error(`${r.failed} of ${g.count} ${g.name} failed to connect: ${r.firstError}`);
    }
    const connected = await watch.waitForClients(SUBSCRIBERS, 5_000);

    const control = await phase(server, clients, CONTROL_SECONDS);
    const atControlEnd = watch.sample();
    const metricsBefore = await feedMetrics(api);
    clients.broadcast({ t: 'stall' });
    const stalled = await phase(server, clients, SECONDS);
    const finals = await clients.finals([HOT]);
    const ats = await availability(api);
    const metricsAfter = await feedMetrics(api);
    const ended = watch.sample();
    const probes = watch.probes();
    await clients.resume();
    await sleep(RESUME_MS);
    const afterResume = await clients.finals([HOT]);
    await clients.disconnect();
    await sleep(1_000);
    watch.stop();
    const left = watch.sample();
    load.push(loadavg()[0]!);

    const text = report({
      groups: GROUPS,
      catalog: CATALOG,
      rate: RATE,
      settleMs: SETTLE_MS,
      clientProcesses: CLIENT_PROCESSES,
      clientNice: CLIENT_NICE,
      control,
      stalled,
      finals,
      afterResume,
      availableHot: ats,
      metrics: { before: metricsBefore, after: metricsAfter },
      probes,
      samples: watch.samples,
      marks: { beforeClients, connected, atControlEnd, ended, left },
      kernel: kernelSettings(),
      load,
    });
    console.log(text.text);
    const cmd = ['npm run bench:slow-consumers', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
    writeResult('reliability-slow-consumers', cmd, text.text, SMOKE);
    if (text.violations.length > 0) {
      console.error(`slow consumers: ${text.violations.length} violation(s):\n${text.violations.join('\n')}`);
      process.exitCode = 1;
    }
  } finally {
    await clients.stop();
    if (server) await stop(server);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(probeDir, { recursive: true, force: true });
  }
}

/** Orders at the steady rate for `seconds`, then a settle; staleness per group of the clients reading. */
async function phase(server: BenchProcess, clients: SubscriberPool, seconds: number): Promise<Phase> {
  server.child.send({ t: 'loop-reset' });
  server.child.send({ t: 'timeline-reset' });
  clients.broadcast({ t: 'measure-start' });
  const started = Date.now();
  const orders = await pacedPosts(`${server.url}/orders`, { 'content-type': 'application/json', authorization: `Bearer ${STOREFRONT}` }, basket, RATE, seconds);
  const stopped = Date.now();
  const rates = await clients.rates();
  const loop = await request<Loop>(server.child, { t: 'loop-read' }, 'loop');
  await sleep(SETTLE_MS);
  const timeline = await request<Extract<FromBenchServer, { t: 'timeline' }>>(server.child, { t: 'timeline-read' }, 'timeline');
  const reports = await clients.staleness(timeline.seqs, timeline.times);
  const staleness: Phase['staleness'] = {};
  for (const name of new Set(reports.flatMap((s) => Object.keys(s.groups)))) {
    const h = new Histogram();
    let undelivered = 0;
    for (const s of reports) {
      const g = s.groups[name];
      if (!g) continue;
      h.merge(g.staleness);
      undelivered += g.undelivered;
    }
    staleness[name] = { p50: h.percentile(50), p99: h.percentile(99), max: h.percentile(100), undelivered };
  }
  const deliveries = rates.reduce((a, r) => a + r.deliveries, 0);
  return { seconds, started, stopped, orders, commits: timeline.seqs.length, deliveriesPerSecond: deliveries / Math.max(...rates.map((r) => r.seconds)), loop, staleness };
}

/** The hot SKU and two random catalogue SKUs, one unit each. */
function basket(): string {
  const a = Math.floor(Math.random() * CATALOG);
  const b = (a + 1 + Math.floor(Math.random() * (CATALOG - 1))) % CATALOG;
  return orderBody('shopper', [
    { sku: HOT, qty: 1 },
    { sku: catalogSku(a), qty: 1 },
    { sku: catalogSku(b), qty: 1 },
  ]);
}

async function seed(api: FulcrumApi): Promise<void> {
  const skus = [HOT, ...Array.from({ length: CATALOG }, (_, i) => catalogSku(i))];
  const stock = SITES.flatMap(([location]) => skus.map((sku) => ({ location, sku, onHand: sku === HOT ? 100_000_000 : 1_000 })));
  await seedNetwork(api, skus, stock);
}

async function availability(api: FulcrumApi): Promise<number> {
  const r = await api.get(`/availability?pool=default&sku=${HOT}`);
  return (r.body as { items: Array<{ ats: number }> }).items[0]!.ats;
}

async function feedMetrics(api: FulcrumApi): Promise<Record<string, number>> {
  const names = ['closed_slow_total', 'closed_dead_total', 'closed_abuse_total', 'skips_total', 'messages_sent_total', 'bytes_sent_total', 'clients'];
  const out: Record<string, number> = {};
  for (const n of names) out[n] = await api.metric(`fulcrum_feed_${n}`);
  return out;
}

/** The kernel's TCP buffer limits (min, default, max bytes), which hold what a stalled client does not read before the feed has to. */
function kernelSettings(): { wmem: string; rmem: string } {
  const read = (f: string) => {
    try {
      return readFileSync(f, 'utf8').trim().split(/\s+/).join(' / ');
    } catch {
      return 'n/a';
    }
  };
  return { wmem: read('/proc/sys/net/ipv4/tcp_wmem'), rmem: read('/proc/sys/net/ipv4/tcp_rmem') };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
