import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Fulcrum } from '../../src/fulcrum/index.js';
import { OrderBody } from '../../src/http/schemas.js';
import { placeOrderPooled } from '../../src/orders/index.js';
import { PluginRegistry, SourcingProfiles, type SourcingPool } from '../../src/sourcing/index.js';
import { countStock, upsertLocation, upsertProduct } from '../../src/stock/index.js';
import { SITES } from '../lib/fulcrum-api.js';
import { openWithWorkflows } from '../lib/open-with-workflows.js';
import { orderBodies, skusOf, type Mode } from './workload.js';

/**
 * `count` orders, `connections` in flight, bodies handed out round robin; each as the order route handles
 * it (JSON.parse, the route's zod schema, `placeOrderPooled`, the wait for the flush, the reply's JSON).
 */
export async function placeInProcess(fulcrum: Fulcrum, solve: SourcingPool['solve'], bodies: readonly string[], count: number, connections: number): Promise<void> {
  let next = 0;
  const client = async () => {
    while (next < count) {
      const body = OrderBody.parse(JSON.parse(bodies[next++ % bodies.length]!));
      const placed = await placeOrderPooled(fulcrum, solve, body, 'bench');
      await placed.durable;
      JSON.stringify(placed.value);
    }
  };
  await Promise.all(Array.from({ length: connections }, client));
}

/** The three sites of `bench:intake`, each holding every SKU. */
export async function seedSites(fulcrum: Fulcrum, skus: string[]): Promise<void> {
  const pending: Promise<void>[] = [];
  for (const [id, lat, lon] of SITES) pending.push(upsertLocation(fulcrum, id, { name: id, type: 'warehouse', geo: { lat, lon }, country: 'DE', capabilities: [], tags: [], status: 'active' }).durable);
  for (const sku of skus) pending.push(upsertProduct(fulcrum, { sku, name: sku, attributes: {} }).durable);
  await Promise.all(pending);
  for (const [id] of SITES) for (const sku of skus) pending.push(countStock(fulcrum, id, sku, { onHand: 100_000_000 }).durable);
  await Promise.all(pending);
}


/** Every order of these benches is one line over three locations, planned inside the step. */
export const solveNothing = (): Promise<never> => Promise.reject(new Error('a one-line order over three locations is solved inline'));

/**
 * A fresh server wiring (workflows, sourcing profiles) in a temporary directory with the three sites
 * seeded for `mode`, warmed up by `warmUp` orders; `close` shuts it and removes the directory.
 */
export async function openIntakeWorld(mode: Mode, spread: number, warmUp: number): Promise<{ fulcrum: Fulcrum; bodies: string[]; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'fulcrum-intake-'));
  const run = await openWithWorkflows(dir);
  const close = async () => {
    await run.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await new SourcingProfiles(run.fulcrum, new PluginRegistry([])).load(new Date().toISOString());
    await seedSites(run.fulcrum, skusOf(mode, spread));
    const bodies = orderBodies(mode, spread);
    await placeInProcess(run.fulcrum, solveNothing, bodies, warmUp, 100);
    return { fulcrum: run.fulcrum, bodies, close };
  } catch (e) {
    await close();
    throw e;
  }
}
