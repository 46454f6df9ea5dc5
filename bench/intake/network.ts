import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Fulcrum } from '../../src/fulcrum/index.js';
import { PluginRegistry, SourcingPool, SourcingProfiles } from '../../src/sourcing/index.js';
import { applyStockBatch, upsertLocation, upsertProduct, type StockBatchRow } from '../../src/stock/index.js';
import { parseArgs } from '../lib/args.js';
import { placeInProcess } from './place-in-process.js';
import { requireGc, settle } from '../lib/heap.js';
import { openWithWorkflows } from '../lib/open-with-workflows.js';
import { rng, storeSites, twoLineBodies } from './network-workload.js';

/**
 * A store network in this process: `--locations` x `--skus` positions, then `--orders` two-line orders
 * (`--connections` in flight) delivered across Germany, through the order route's own work with the worker
 * pool. Prints heap per position and per order after a settle, and orders/s.
 * Usage: node --expose-gc dist/bench/intake/network.js [--locations 1000] [--skus 1000] [--orders 20000]
 */
requireGc(process.argv[1]!, process.argv.slice(2));
const args = parseArgs(process.argv.slice(2));
const LOCATIONS = Number(args.locations ?? 1000);
const SKUS = Number(args.skus ?? 1000);
const ORDERS = Number(args.orders ?? 20_000);
const CONNECTIONS = Number(args.connections ?? 50);

const heap = () => process.memoryUsage().heapUsed;
/** Anonymous resident memory (the heap, native allocations; not LMDB's file-backed map), in bytes. */
function rssAnon(): number {
  const m = /RssAnon:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fulcrum-network-'));
  const run = await openWithWorkflows(dir);
  const { fulcrum } = run;
  const pool = new SourcingPool({ workers: 2 });
  try {
    await new SourcingProfiles(fulcrum, new PluginRegistry([])).load(new Date().toISOString());
    const random = rng(7);
    const skus = Array.from({ length: SKUS }, (_, i) => `NET-${String(i).padStart(5, '0')}`);
    await seed(fulcrum, skus, random);
    const bodies = twoLineBodies(skus, 4096, random);
    const solve = pool.solve.bind(pool);
    await placeInProcess(fulcrum, solve, bodies, 2000, CONNECTIONS);
    await settle();
    const h0 = heap();
    const rss0 = rssAnon();
    const t0 = performance.now();
    await placeInProcess(fulcrum, solve, bodies, ORDERS, CONNECTIONS);
    const seconds = (performance.now() - t0) / 1000;
    await settle();
    console.log(`${ORDERS} orders: ${Math.round(ORDERS / seconds)} orders/s; heap per order ${Math.round((heap() - h0) / ORDERS)} B, anonymous RSS per order ${Math.round((rssAnon() - rss0) / ORDERS)} B`);
  } finally {
    await pool.close();
    await run.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function seed(fulcrum: Fulcrum, skus: string[], random: () => number): Promise<void> {
  const pending: Promise<void>[] = [];
  const sites = storeSites(LOCATIONS, random);
  const ids = sites.map(([id]) => id);
  for (const [id, lat, lon] of sites) {
    pending.push(upsertLocation(fulcrum, id, { name: id, type: 'store', geo: { lat, lon }, country: 'DE', capabilities: [], tags: [], status: 'active' }).durable);
  }
  for (const sku of skus) pending.push(upsertProduct(fulcrum, { sku, name: sku, attributes: {} }).durable);
  await Promise.all(pending);
  await settle();
  const h0 = heap();
  const r0 = rssAnon();
  let rows: StockBatchRow[] = [];
  let n = 0;
  for (const location of ids) {
    for (const sku of skus) {
      rows.push({ row: ++n, location, sku, onHand: 1000 });
      if (rows.length === 4096) {
        await applyStockBatch(fulcrum, rows).durable;
        rows = [];
      }
    }
  }
  if (rows.length) await applyStockBatch(fulcrum, rows).durable;
  await settle();
  console.log(`${n} positions: heap per position ${Math.round((heap() - h0) / n)} B, anonymous RSS ${Math.round((rssAnon() - r0) / n)} B`);
}


main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
