import type { StockView } from '../sourcing/simple-placement.js';
import type { Engine } from './engine.js';

/** The live stock placement reads: pool ATS and what each pool member may give, from the index. */
export function stockView(engine: Engine): StockView {
  return {
    ats: (pool, sku) => engine.index.ats(pool, sku),
    *takeable(pool, sku) {
      const bySku = engine.index.freeBySku(sku);
      if (!bySku) return;
      for (const loc of bySku.keys()) {
        const units = engine.index.atsAt(pool, loc, sku);
        if (units > 0) yield [loc, units];
      }
    },
    geo: (location) => {
      const entry = engine.location(location);
      return entry ? engine.locationInfo(entry).geo : undefined;
    },
  };
}
