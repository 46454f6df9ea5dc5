/** The store-network workload of `bench:intake` (network-section.ts) and of its heap probe (network.ts). */
import type { Site } from '../lib/fulcrum-api.js';

export { mulberry32 as rng } from '../../src/demo.js';

/** Locations spread over Germany (the bounding box of its mainland). */
export function storeSites(n: number, random: () => number): Site[] {
  return Array.from({ length: n }, (_, i): Site => [`S${String(i).padStart(4, '0')}`, 47.5 + random() * 7, 6 + random() * 8.5]);
}

/** Two-line orders of two different SKUs, delivered anywhere in Germany. */
export function twoLineBodies(skus: readonly string[], count: number, random: () => number): string[] {
  return Array.from({ length: count }, () => {
    const a = Math.floor(random() * skus.length);
    const b = (a + 1 + Math.floor(random() * (skus.length - 1))) % skus.length;
    return JSON.stringify({ ref: 'net', customer: { id: 'c' }, deliverTo: { lat: 47.5 + random() * 7, lon: 6 + random() * 8.5, country: 'DE' }, lines: [{ sku: skus[a]!, qty: 1 }, { sku: skus[b]!, qty: 1 }] });
  });
}
