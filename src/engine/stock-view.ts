import { availableToSell, locationContribution } from '../domain/availability.js';
import type { Shipment } from '../domain/order.js';
import type { StockView } from '../sourcing/simple-placement.js';
import type { Engine } from './engine.js';

/**
 * The live stock placement reads: pool ATS and what each pool member may give, from the index. With
 * `releasing`, the view counts those units as already back on the shelf (a hold about to be consumed), so an
 * order can be planned against them before anything changes.
 */
export function stockView(engine: Engine, releasing: ReadonlyArray<Shipment> = []): StockView {
  const extra = new Map<string, Map<string, number>>();
  for (const s of releasing) {
    for (const l of s.lines) {
      let bySku = extra.get(l.sku);
      if (!bySku) extra.set(l.sku, (bySku = new Map()));
      bySku.set(s.location, (bySku.get(s.location) ?? 0) + l.qty);
    }
  }
  const { index } = engine;
  const takeableAt = (pool: string, loc: string, sku: string): number => {
    const more = extra.get(sku)?.get(loc);
    if (more === undefined) return index.atsAt(pool, loc, sku);
    const def = index.pool(pool);
    return def && index.isMember(pool, loc) ? locationContribution(def, loc, index.freeAt(loc, sku) + more) : 0;
  };
  return {
    ats: (pool, sku) => {
      const more = extra.get(sku);
      const def = index.pool(pool);
      if (!more || !def) return index.ats(pool, sku);
      let sum = index.contributed(pool, sku);
      for (const loc of more.keys()) sum += takeableAt(pool, loc, sku) - index.atsAt(pool, loc, sku);
      return availableToSell(def, sku, sum);
    },
    *takeable(pool, sku) {
      const held = extra.get(sku);
      const free = index.freeBySku(sku)?.keys() ?? [];
      // The common case (no hold being consumed) iterates the index without building a set: intake hot path.
      const locations = held ? new Set([...free, ...held.keys()]) : free;
      for (const loc of locations) {
        const units = takeableAt(pool, loc, sku);
        if (units > 0) yield [loc, units];
      }
    },
    geo: (location) => {
      const entry = engine.location(location);
      return entry ? engine.locationInfo(entry).geo : undefined;
    },
  };
}
