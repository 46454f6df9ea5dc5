import type { Fulcrum } from '../../src/fulcrum/index.js';
import { OrderBody } from '../../src/http/schemas.js';
import { placeOrderPooled } from '../../src/orders/index.js';
import type { SourcingPool } from '../../src/sourcing/index.js';
import { countStock, upsertLocation, upsertProduct } from '../../src/stock/index.js';
import { SITES } from '../lib/fulcrum-api.js';

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

