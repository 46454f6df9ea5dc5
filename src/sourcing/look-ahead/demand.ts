import type { GeoPoint } from '../../domain/geo.js';
import type { LpRegion } from './fluid-lp.js';

const HOUR_MS = 3_600_000;
const KM_PER_DEGREE = 111.2;
/** Destinations are kept to this grid (degrees, ~11 km) before any region size is chosen. */
const FINE_GRID = 0.1;

/** Units of one SKU ordered in one hour to one fine grid cell, with their destinations' sums for the centre. */
interface Bucket {
  readonly hour: number;
  readonly sku: string;
  qty: number;
  latSum: number;
  lonSum: number;
}

/** Expected demand of one SKU over the horizon, by region. */
export interface SkuDemand {
  readonly sku: string;
  readonly total: number;
  readonly regions: readonly LpRegion[];
}

export interface DemandWindowSettings {
  readonly windowHours: number;
  readonly horizonHours: number;
  readonly regionKm: number;
  readonly maxSkus: number;
}

/**
 * Recent orders' units by hour, SKU and destination, for the look-ahead demand estimate. Kept aggregated
 * (one bucket per hour, SKU and ~11 km cell, however many orders) so a week of a busy store stays small.
 */
export class DemandWindow {
  readonly #buckets = new Map<string, Bucket>();

  /** Counts an order's units at its destination, at `atMs`. */
  record(atMs: number, destination: GeoPoint, lines: ReadonlyArray<{ readonly sku: string; readonly qty: number }>): void {
    if (!Number.isFinite(atMs) || !Number.isFinite(destination.lat) || !Number.isFinite(destination.lon)) return;
    const hour = Math.floor(atMs / HOUR_MS);
    const cell = `${Math.floor(destination.lat / FINE_GRID)},${Math.floor(destination.lon / FINE_GRID)}`;
    for (const { sku, qty } of lines) {
      if (!(qty > 0)) continue;
      const key = `${hour}|${cell}|${sku}`;
      let bucket = this.#buckets.get(key);
      if (!bucket) this.#buckets.set(key, (bucket = { hour, sku, qty: 0, latSum: 0, lonSum: 0 }));
      bucket.qty += qty;
      bucket.latSum += qty * destination.lat;
      bucket.lonSum += qty * destination.lon;
    }
  }

  /** Forgets what was ordered before `beforeMs`. */
  prune(beforeMs: number): void {
    const first = Math.floor(beforeMs / HOUR_MS);
    for (const [key, bucket] of this.#buckets) if (bucket.hour < first) this.#buckets.delete(key);
  }

  /**
   * Expected demand over the horizon: each region's units in the window (the last `windowHours` before
   * `nowMs`) times horizon / window, at the region's centre of demand; the `maxSkus` SKUs with the most.
   */
  estimate(nowMs: number, settings: DemandWindowSettings): SkuDemand[] {
    const from = nowMs - settings.windowHours * HOUR_MS;
    const firstHour = Math.floor(from / HOUR_MS);
    const scale = settings.horizonHours / settings.windowHours;
    const latStep = settings.regionKm / KM_PER_DEGREE;
    const bySku = new Map<string, Map<string, { qty: number; latSum: number; lonSum: number }>>();
    for (const b of this.#buckets.values()) {
      if (b.hour < firstHour || b.hour * HOUR_MS > nowMs) continue;
      const lat = b.latSum / b.qty;
      const lon = b.lonSum / b.qty;
      const row = Math.floor(lat / latStep);
      const lonStep = settings.regionKm / (KM_PER_DEGREE * Math.max(0.01, Math.cos(((row + 0.5) * latStep * Math.PI) / 180)));
      const region = `${row},${Math.floor(lon / lonStep)}`;
      let regions = bySku.get(b.sku);
      if (!regions) bySku.set(b.sku, (regions = new Map()));
      let r = regions.get(region);
      if (!r) regions.set(region, (r = { qty: 0, latSum: 0, lonSum: 0 }));
      r.qty += b.qty;
      r.latSum += b.latSum;
      r.lonSum += b.lonSum;
    }
    const out: SkuDemand[] = [];
    for (const [sku, regions] of bySku) {
      let total = 0;
      const list: LpRegion[] = [];
      for (const key of [...regions.keys()].sort()) {
        const r = regions.get(key)!;
        list.push({ lat: r.latSum / r.qty, lon: r.lonSum / r.qty, demand: r.qty * scale });
        total += r.qty * scale;
      }
      out.push({ sku, total, regions: list });
    }
    out.sort((a, b) => b.total - a.total || (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
    return out.slice(0, settings.maxSkus);
  }
}
