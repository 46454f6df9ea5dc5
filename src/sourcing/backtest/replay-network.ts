import type { NetworkLocation, ProductAttributes, SourcingNetwork, StockAttributes } from '../types.js';
import type { ReplayLocation, ReplayOrder } from './replay-order.js';
import type { SandboxStock } from './sandbox-stock.js';

/** One order's recorded stock, indexed once for both sides. */
export interface SeenIndex {
  readonly order: ReplayOrder;
  readonly rows: ReadonlyMap<string, number>;
  readonly skus: ReadonlyMap<string, number>;
}

/** Indexes what an order saw: its locations' rows and its SKUs' columns. */
export function indexSeen(order: ReplayOrder): SeenIndex {
  const rows = new Map<string, number>();
  order.seen.held.forEach((location, i) => rows.set(location, i));
  const skus = new Map<string, number>();
  order.seen.skus.forEach((sku, i) => skus.set(sku, i));
  return { order, rows, skus };
}

/**
 * One side's locations: today's configuration with the side's load. One object per location, updated in
 * place before each order reads it: a copy per location per order cost 20% of a replay (profiled, 3,000
 * orders over 200 locations), and a problem keeps no location object once built.
 */
export class SideLocations {
  readonly #byId = new Map<string, { -readonly [K in keyof NetworkLocation]: NetworkLocation[K] }>();

  constructor(locations: readonly ReplayLocation[]) {
    for (const l of locations) this.#byId.set(l.id, { ...l, openOrders: 0, ordersToday: 0 });
  }

  /**
   * The location with the side's load before an order at `at`. Open orders are not replayed (when each would
   * have shipped is not known), so the day's shipments stand for them too: an approximation the report states.
   */
  at(id: string, sandbox: SandboxStock, at: string): NetworkLocation | undefined {
    const location = this.#byId.get(id);
    if (location) location.openOrders = location.ordersToday = sandbox.ordersToday(id, at);
    return location;
  }
}

/**
 * The network one replayed order sees on one side of a backtest: the locations its record listed and those
 * where the side left units of its SKUs (today's configuration, the side's own load), the stock its record
 * kept adjusted by the side's sandbox, and the units' ages as recorded. Nothing here reads live state.
 */
export function replayNetwork(seen: SeenIndex, locations: SideLocations, products: ReadonlyMap<string, ProductAttributes>, sandbox: SandboxStock): SourcingNetwork {
  const { order, rows, skus: columns } = seen;
  const { held, units, ageDays, unrecorded, skus } = order.seen;
  const S = skus.length;
  return {
    *locations(wanted) {
      const listed = new Set<string>();
      for (const list of [held, unrecorded, wanted.flatMap((sku) => [...sandbox.leftAt(sku)])]) {
        for (const id of list) {
          if (listed.has(id)) continue;
          listed.add(id);
          const location = locations.at(id, sandbox, order.at);
          if (location) yield location;
        }
      }
    },
    product: (sku) => products.get(sku),
    available(location, sku) {
      const row = rows.get(location);
      const s = columns.get(sku);
      return sandbox.units(location, sku, row === undefined || s === undefined ? 0 : (units[row * S + s] ?? 0));
    },
    stockAttributes(location, sku): StockAttributes | undefined {
      if (!ageDays) return undefined;
      const row = rows.get(location);
      const s = columns.get(sku);
      const age = row === undefined || s === undefined ? undefined : ageDays[row * S + s];
      return age === undefined || Number.isNaN(age) ? undefined : { ageDays: age };
    },
  };
}
