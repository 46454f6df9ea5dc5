import type { SourcingRequest } from '../../src/sourcing/index.js';
import { BOUNDS, CITIES, FOREIGN } from './geography.js';
import type { GeneratedNetwork } from './network-generator.js';
import { cumulative, Prng } from './prng.js';

const cityWeights = cumulative(CITIES.map((c) => c.population));
const lineCounts = cumulative([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
const CHANNELS = ['web', 'app', 'marketplace'] as const;

/**
 * Orders of 1-10 lines (uniform, or exactly `fixedLines`), SKUs by popularity, customers where people live
 * (3% abroad), 20% express, a decision time during the day. `maxShipments` is the customer's split limit
 * for the scenario; half the orders allow split lines.
 */
export function generateOrders(
  seed: number,
  network: GeneratedNetwork,
  count: number,
  maxShipments: number,
  fixedLines?: number,
): SourcingRequest[] {
  const rng = new Prng(seed);
  const orders: SourcingRequest[] = [];
  for (let o = 0; o < count; o++) {
    const lineCount = fixedLines ?? rng.weighted(lineCounts) + 1;
    const skus = new Set<string>();
    while (skus.size < lineCount) skus.add(network.skus[rng.weighted(network.popularity)]!);
    const lines = [...skus].map((sku) => ({ sku, qty: rng.chance(0.7) ? 1 : rng.chance(0.67) ? 2 : rng.int(3, 5) }));
    const abroad = rng.chance(0.03);
    const place = abroad ? rng.pick(FOREIGN) : CITIES[rng.weighted(cityWeights)]!;
    const lat = Math.min(BOUNDS.maxLat + 1, Math.max(BOUNDS.minLat - 1, place.lat + rng.normal() * 0.2));
    const lon = place.lon + rng.normal() * 0.3;
    const roll = rng.next();
    const minutes = rng.int(6 * 60, 21 * 60);
    orders.push({
      lines,
      deliverTo: { lat, lon, country: 'country' in place ? place.country : 'DE' },
      deliveryType: roll < 0.2 ? 'express' : roll < 0.95 ? 'home' : 'collect',
      channel: rng.pick(CHANNELS),
      orderValue: lines.reduce((sum, l) => sum + l.qty * (network.product(l.sku)?.price ?? 0), 0),
      split: { allowed: maxShipments > 1, maxShipments, splitLines: rng.chance(0.5) },
      now: `2026-03-10T${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00Z`,
    });
  }
  return orders;
}
