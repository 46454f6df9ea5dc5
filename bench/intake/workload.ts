import { SITES } from '../lib/fulcrum-api.js';
import type { StockRow } from './postgres-schema.js';

/**
 * What the intake benchmark sends: one-line orders of one unit, either all for one hot SKU (a flash sale) or
 * request i for SKU i mod n (orders spread over n SKUs). Bodies have the same length in both modes, and
 * every SKU has far more stock than a run takes, so every order succeeds and each does the same work: the
 * only difference is whether they all contend for one stock position or touch n different ones.
 */
export type Mode = 'hot' | 'spread';
export const MODES: readonly Mode[] = ['hot', 'spread'];

export const HOT_SKU = 'HOT-0000';
/** Units per SKU at each of Fulcrum's three sites; the peer keeps one row with the three sites' sum. */
const UNITS_PER_SITE = 100_000_000;

/** The SKUs a mode orders: the hot one, or `spread` SKUs `SPR-0000`, `SPR-0001`, ... */
export function skusOf(mode: Mode, spread: number): string[] {
  if (mode === 'hot') return [HOT_SKU];
  return Array.from({ length: spread }, (_, i) => `SPR-${String(i).padStart(4, '0')}`);
}

/** Checks `--skus`: SKU names have four digits, and one SKU would be the hot mode. */
export function validSpread(value: unknown): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 2 || n > 10_000) throw new Error(`--skus: a whole number from 2 to 10,000, not ${String(value)}`);
  return n;
}

/** Checks `--mode`. */
export function validMode(value: unknown): Mode {
  if (value !== 'hot' && value !== 'spread') throw new Error(`--mode: hot or spread, not ${String(value)}`);
  return value;
}

/** The order bodies a mode cycles through, one per SKU. */
export function orderBodies(mode: Mode, spread: number): string[] {
  return skusOf(mode, spread).map((sku) =>
    JSON.stringify({
      ref: 'flash',
      customer: { id: 'cust-1', email: 'someone@example.com' },
      deliverTo: { lat: 52.52, lon: 13.405, country: 'DE' },
      lines: [{ sku, qty: 1 }],
      attributes: { campaign: 'black-friday' },
    }),
  );
}

/** Fulcrum's stock: every SKU at each of the three sites. */
export function fulcrumStock(skus: readonly string[]): Array<{ location: string; sku: string; onHand: number }> {
  return skus.flatMap((sku) => SITES.map(([location]) => ({ location, sku, onHand: UNITS_PER_SITE })));
}

/** The peer's stock: one row per SKU holding what Fulcrum holds over its three sites. */
export function peerStock(skus: readonly string[]): StockRow[] {
  return skus.map((sku) => ({ sku, onHand: UNITS_PER_SITE * SITES.length }));
}
