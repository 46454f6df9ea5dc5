import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hardFdLimit, request, startProcess, stop, treeCpuMicros, type BenchProcess } from '../lib/processes.js';
import type { FromBenchServer } from '../feed/protocol.js';
import { SubscriberPool } from '../feed/subscriber-pool.js';
import { fulcrumApi, orderBody, seedNetwork, SITES, type FulcrumApi } from '../lib/fulcrum-api.js';
import { parseArgs } from '../lib/args.js';
import { writeResult } from '../lib/report.js';
import { burst } from './burst.js';
import { overload } from './overload.js';
import { availability, positions, readBack, saleViolations } from './checks.js';
import { report, type ComparisonRun } from './report.js';

/**
 * The flash sale: 3 hot SKUs with `units` each spread over 3 locations; `requests` order requests (one line,
 * qty 1, round robin over the SKUs) issued at once over `connections` connections while `subscribers`
 * WebSocket clients watch the three SKUs. Then the same load (every request succeeding) on one SKU vs
 * spread over `spread` SKUs, alternated. Usage: node dist/bench/flash-sale/run.js [--requests 10000]
 * [--connections 500] [--subscribers 2000] [--units 100] [--rounds 2] [--spread 10000]
 * [--overload-connections 2000] [--overload-bound 64] [--smoke]
 * Last, overload: `overload-connections` connections against fresh servers bounded at `overload-bound` and
 * at the default 4,096 requests in flight (load shedding and event-loop delay, `./overload.ts`).
 */
const args = parseArgs(process.argv.slice(2));
const SMOKE = args.smoke === true;
const REQUESTS = Number(args.requests ?? (SMOKE ? 1_000 : 10_000));
const CONNECTIONS = Number(args.connections ?? (SMOKE ? 50 : 500));
const SUBSCRIBERS = Number(args.subscribers ?? (SMOKE ? 100 : 2_000));
const UNITS = Number(args.units ?? (SMOKE ? 10 : 100));
const ROUNDS = Number(args.rounds ?? (SMOKE ? 1 : 2));
const SPREAD = Number(args.spread ?? (SMOKE ? 1_000 : 10_000));
const OVERLOAD_CONNECTIONS = Number(args['overload-connections'] ?? (SMOKE ? 200 : 2_000));
const OVERLOAD_BOUND = Number(args['overload-bound'] ?? (SMOKE ? 20 : 64));
const WARM_UP = Math.max(CONNECTIONS, Math.round(REQUESTS / 5));
const SETTLE_MS = 1_500;
const CLIENT_PROCESSES = SMOKE ? 1 : 2;
const CLIENT_NICE = 10;
const ADMIN = 'bench-admin-key-000001';
const STOREFRONT = 'bench-storefront-key-01';
const FLASH = ['FLASH-1', 'FLASH-2', 'FLASH-3'];
const HOT = 'HOT-00000';
const spreadSku = (i: number) => `SPR-${String(i % SPREAD).padStart(5, '0')}`;
const customer = (i: number) => `cust-${String(i).padStart(7, '0')}`;

type Loop = Extract<FromBenchServer, { t: 'loop' }>;

async function main(): Promise<void> {
  const limit = hardFdLimit();
  if (limit < Math.max(SUBSCRIBERS + CONNECTIONS, OVERLOAD_CONNECTIONS) + 1_000) throw new Error(`the hard limit on open files is ${limit}; the server needs ${Math.max(SUBSCRIBERS + CONNECTIONS, OVERLOAD_CONNECTIONS) + 1_000}: raise it (ulimit -Hn) and run again`);
  const load = [loadavg()[0]!];
  const dataDir = mkdtempSync(join(tmpdir(), 'fulcrum-flash-'));
  const clients = await SubscriberPool.start(CLIENT_PROCESSES, CLIENT_NICE);
  let server: BenchProcess | undefined;
  try {
    server = await startProcess(fileURLToPath(new URL('../feed/fulcrum-server.js', import.meta.url)), ['--data-dir', dataDir, '--port', '0'], {
      env: { FULCRUM_API_KEYS: `${ADMIN}:admin,${STOREFRONT}:storefront` },
    });
    const api = fulcrumApi(server.url, ADMIN);
    await seed(api);
    const connected = await clients.connect(SUBSCRIBERS, { fulcrum: server.url.replace('http', 'ws'), key: STOREFRONT, subscribe: { pool: 'default', skus: FLASH } });
    if (connected.failed > 0) throw new Error(`${connected.failed} of ${SUBSCRIBERS} subscribers failed to connect: ${connected.firstError}`);

    // The sale: every request at once, round robin over the three SKUs.
    const placedBefore = await api.metric('fulcrum_orders_placed_total');
    server.child.send({ t: 'loop-reset' });
    const pid = server.child.pid!;
    const serverCpu = () => treeCpuMicros(pid);
    const sale = await burst({ url: server.url, key: STOREFRONT, requests: REQUESTS, connections: CONNECTIONS, serverCpu, bodyFor: (i) => orderBody(customer(i), [{ sku: FLASH[i % 3]!, qty: 1 }]) });
    const loop = await request<Loop>(server.child, { t: 'loop-read' }, 'loop');
    await sleep(SETTLE_MS);
    const finals = (await clients.finals(FLASH)).default!;
    const back = await readBack(fulcrumApi(server.url, STOREFRONT), sale.created);
    const rows = await positions(api, FLASH, SITES);
    const ats = await availability(api, 'default', FLASH);
    const placed = (await api.metric('fulcrum_orders_placed_total')) - placedBefore;
    const violations = saleViolations({ units: UNITS, skus: FLASH, burst: sale, back, rows, ats, stockShort: await api.metric('fulcrum_stock_short_total') });
    for (const sku of FLASH) {
      const zero = finals.values[sku]?.['0'] ?? 0;
      if (zero !== SUBSCRIBERS) violations.push(`${sku}: ${zero} of ${SUBSCRIBERS} subscribers hold 0 (${JSON.stringify(finals.values[sku])}), ${finals.open} open`);
    }
    if (finals.minAts < 0) violations.push(`a subscriber received ats ${finals.minAts}`);
    if (placed !== sale.created.length) violations.push(`fulcrum_orders_placed_total grew by ${placed}, ${sale.created.length} 201s`);

    // Hot vs spread: every request succeeds in both, so both do the same work per request.
    const storefront = { url: server.url, key: STOREFRONT, connections: CONNECTIONS, serverCpu };
    let n = 0;
    const hot = (requests: number) => burst({ ...storefront, requests, bodyFor: () => orderBody(customer(n++), [{ sku: HOT, qty: 1 }]) });
    const spread = (requests: number) => burst({ ...storefront, requests, bodyFor: () => orderBody(customer(n), [{ sku: spreadSku(n++), qty: 1 }]) });
    await hot(WARM_UP);
    await spread(WARM_UP);
    const comparison: ComparisonRun[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      comparison.push({ round, target: 'hot', result: await hot(REQUESTS) });
      comparison.push({ round, target: 'spread', result: await spread(REQUESTS) });
    }
    for (const c of comparison) if (c.result.created.length !== REQUESTS) violations.push(`${c.target} round ${c.round}: ${c.result.created.length} of ${REQUESTS} requests got 201 (${JSON.stringify(c.result.statuses)})`);
    await clients.disconnect();
    await stop(server);
    server = undefined;
    const overloaded = await overload({ requests: REQUESTS * 2, connections: OVERLOAD_CONNECTIONS, bounds: [OVERLOAD_BOUND, 4_096], admin: ADMIN, storefront: STOREFRONT });
    for (const o of overloaded) {
      const other = o.result.requests - (o.result.statuses['201'] ?? 0) - (o.result.statuses['503'] ?? 0);
      if (other > 0 || o.result.errors > 0) violations.push(`overload, bound ${o.maxInFlight}: ${other} replies neither 201 nor 503, ${o.result.errors} socket errors (${JSON.stringify(o.result.statuses)})`);
    }
    load.push(loadavg()[0]!);

    const text = report({
      requests: REQUESTS,
      connections: CONNECTIONS,
      subscribers: SUBSCRIBERS,
      units: UNITS,
      skus: FLASH,
      spread: SPREAD,
      warmUp: WARM_UP,
      clientProcesses: CLIENT_PROCESSES,
      clientNice: CLIENT_NICE,
      settleMs: SETTLE_MS,
      sale,
      loop,
      readable: back.readable,
      rows,
      finals,
      comparison,
      overloaded,
      violations,
      load,
    });
    console.log(text);
    const cmd = ['npm run bench:flash-sale', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
    writeResult('reliability-flash-sale', cmd, text, SMOKE);
    if (violations.length > 0) {
      console.error(`flash sale: ${violations.length} violation(s):\n${violations.join('\n')}`);
      process.exitCode = 1;
    }
  } finally {
    await clients.stop();
    if (server) await stop(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The three flash SKUs with `UNITS` each over the three sites; the hot SKU and the spread ones with plenty. */
async function seed(api: FulcrumApi): Promise<void> {
  const spreadSkus = Array.from({ length: SPREAD }, (_, i) => spreadSku(i));
  const stock: Array<{ location: string; sku: string; onHand: number }> = [];
  for (const sku of FLASH) {
    // Uneven shares (e.g. 40/35/25), so that sourcing has to move on from a location that sold out.
    const shares = [Math.round(UNITS * 0.4), Math.round(UNITS * 0.35)];
    shares.push(UNITS - shares[0]! - shares[1]!);
    SITES.forEach(([location], i) => stock.push({ location, sku, onHand: shares[i]! }));
  }
  for (const [location] of SITES) {
    stock.push({ location, sku: HOT, onHand: 10_000_000 });
    for (const sku of spreadSkus) stock.push({ location, sku, onHand: 1_000 });
  }
  await seedNetwork(api, [...FLASH, HOT, ...spreadSkus], stock);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
