import type { LocationInfo } from '../../actors/index.js';
import type { Fulcrum } from '../../src/fulcrum/index.js';
import { countStock, upsertLocation, upsertProduct } from '../../src/stock/index.js';

/** A location's configuration with sensible defaults for tests. */
export function locationInfo(lat: number, lon: number, extra: Partial<LocationInfo> = {}): LocationInfo {
  return { name: 'test', type: 'warehouse', geo: { lat, lon }, country: 'DE', capabilities: [], tags: [], status: 'active', ...extra };
}

/** Creates locations, products and stock in the engine, and waits until all of it is durable. */
export async function seed(
  fulcrum: Fulcrum,
  spec: { locations: Record<string, [number, number]>; skus: string[]; stock: Array<[string, string, number]> },
): Promise<void> {
  const pending: Promise<void>[] = [];
  for (const [id, [lat, lon]] of Object.entries(spec.locations)) pending.push(upsertLocation(fulcrum, id, locationInfo(lat, lon)).durable);
  for (const sku of spec.skus) pending.push(upsertProduct(fulcrum, { sku, name: sku, attributes: {} }).durable);
  for (const [loc, sku, onHand] of spec.stock) pending.push(countStock(fulcrum, loc, sku, { onHand }).durable);
  await Promise.all(pending);
}
