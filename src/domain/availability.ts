import type { FutureBucket } from './supply.js';

/**
 * Available-to-sell, as ARCHITECTURE.md defines it:
 * `ATS(pool, sku) = max(0, sum over locations in pool of max(0, free - locationBuffer) - poolBuffer)`.
 * Pure functions; the availability index calls them on every change so that a read is a lookup.
 */

/** The buffers a pool keeps back: per pool (units or percent), per location and per SKU. */
export interface PoolBuffers {
  /** Kept back from the pool's total, in units or as a percentage of it (rounded up). */
  buffer?: { units?: number; percent?: number };
  /** Kept back at each location before it contributes to the pool. */
  locationBuffers?: Record<string, number>;
  /** Kept back from the pool's total for one SKU; replaces the pool buffer for that SKU. */
  skuBuffers?: Record<string, number>;
}

/** What one location contributes to a pool for one SKU. */
export function locationContribution(buffers: PoolBuffers, locationId: string, free: number): number {
  return Math.max(0, free - (buffers.locationBuffers?.[locationId] ?? 0));
}

/** Units the pool keeps back for a SKU, given the sum of location contributions. */
export function poolBuffer(buffers: PoolBuffers, sku: string, contributed: number): number {
  const perSku = buffers.skuBuffers?.[sku];
  if (perSku !== undefined) return perSku;
  const b = buffers.buffer;
  if (!b) return 0;
  if (b.units !== undefined) return b.units;
  if (b.percent !== undefined) return Math.ceil((contributed * b.percent) / 100);
  return 0;
}

/** Available-to-sell for a SKU in a pool, from the sum of location contributions. */
export function availableToSell(buffers: PoolBuffers, sku: string, contributed: number): number {
  return Math.max(0, contributed - poolBuffer(buffers, sku, contributed));
}

/** A pool's available-to-sell for a SKU after a change, as the feed publishes it. */
export interface AvailabilityChange {
  pool: string;
  sku: string;
  ats: number;
  /** For a SKU under a supply rule on the pool: what can be promised against inbound, by date. */
  future?: FutureBucket[];
}
