import type { NetworkLocation, ProductAttributes, SourcingNetwork, StockAttributes } from '../types.js';
import type { ReplayLocation, ReplayOrder } from './replay-order.js';
import type { SandboxStock } from './sandbox-stock.js';

/**
 * The network one replayed order sees on one side of a backtest: the locations its record listed and those
 * where the side left units of its SKUs (today's configuration, the side's own load), the stock its record kept adjusted by the side's sandbox, and the
 * units' ages as recorded. Nothing here reads live state.
 */
export function replayNetwork(
  order: ReplayOrder,
  locations: ReadonlyMap<string, ReplayLocation>,
  products: ReadonlyMap<string, ProductAttributes>,
  sandbox: SandboxStock,
): SourcingNetwork {
  const { seen } = order;
  const rows = new Map<string, number>();
  seen.held.forEach((h, i) => rows.set(h.location, i));
  const skuIndex = new Map<string, number>();
  seen.skus.forEach((sku, i) => skuIndex.set(sku, i));
  return {
    *locations(skus) {
      const listed = new Set<string>();
      const more = skus.flatMap((sku) => [...sandbox.leftAt(sku)]);
      for (const list of [seen.held.map((h) => h.location), seen.empty, seen.unrecorded, more]) {
        for (const id of list) {
          const location = locations.get(id);
          if (!location || listed.has(id)) continue;
          listed.add(id);
          yield withLoad(location, sandbox.ordersToday(id, order.at));
        }
      }
    },
    product: (sku) => products.get(sku),
    available(location, sku) {
      const row = rows.get(location);
      const s = skuIndex.get(sku);
      const recorded = row === undefined || s === undefined ? 0 : (seen.held[row]!.units[s] ?? 0);
      return sandbox.units(location, sku, recorded);
    },
    stockAttributes(location, sku): StockAttributes | undefined {
      const row = rows.get(location);
      const s = skuIndex.get(sku);
      const age = row === undefined || s === undefined ? undefined : seen.held[row]!.ageDays?.[s];
      return age === undefined || Number.isNaN(age) ? undefined : { ageDays: age };
    },
  };
}

/**
 * A location with the side's load. Open orders are not replayed (when each would have shipped is not known),
 * so the day's shipments stand for them too: an approximation the report states.
 */
function withLoad(location: ReplayLocation, today: number): NetworkLocation {
  return { ...location, openOrders: today, ordersToday: today };
}
