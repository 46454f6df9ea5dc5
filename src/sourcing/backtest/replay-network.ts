import { distanceKm, type GeoPoint } from '../../domain/geo.js';
import type { NetworkLocation, ProductAttributes, SourcingNetwork, StockAttributes } from '../types.js';
import type { ReplayLocation, ReplayOrder } from './replay-order.js';
import type { SandboxStock } from './sandbox-stock.js';

/** A location listed for an order, with its distance to the order's destination. */
interface Listed {
  readonly id: string;
  readonly km: number;
}

/** One order's recorded stock, indexed once for both sides. */
export interface SeenIndex {
  readonly order: ReplayOrder;
  readonly rows: ReadonlyMap<string, number>;
  readonly skus: ReadonlyMap<string, number>;
  /** Every location the record names: held and unrecorded. */
  readonly listed: ReadonlySet<string>;
  /**
   * The locations its record lists (held, then unrecorded; known ones only), nearest to `to` first, ties by
   * id: sorted once per order rather than once per side and strategy (sorting the listing was 14% of a
   * replay, profiled over 10,000 orders).
   */
  recordedNearest(to: GeoPoint): readonly Listed[];
}

/** Indexes what an order saw: its locations' rows and its SKUs' columns. */
export function indexSeen(order: ReplayOrder, locations: SideLocations): SeenIndex {
  const rows = new Map<string, number>();
  order.seen.held.forEach((location, i) => rows.set(location, i));
  const skus = new Map<string, number>();
  order.seen.skus.forEach((sku, i) => skus.set(sku, i));
  const listed = new Set<string>(order.seen.held);
  for (const id of order.seen.unrecorded) listed.add(id);
  let sorted: { to: GeoPoint; nearest: Listed[] } | undefined;
  return {
    order,
    rows,
    skus,
    listed,
    recordedNearest(to) {
      if (sorted?.to.lat === to.lat && sorted.to.lon === to.lon) return sorted.nearest;
      sorted = { to, nearest: listedByDistance(listed, locations, to) };
      return sorted.nearest;
    },
  };
}

/** The known locations of `ids` with their distance to `to`, nearest first, ties by id (as `buildProblem` sorts). */
function listedByDistance(ids: Iterable<string>, locations: SideLocations, to: GeoPoint): Listed[] {
  const listed: Listed[] = [];
  for (const id of ids) {
    const geo = locations.geo(id);
    if (geo) listed.push({ id, km: distanceKm(geo, to) });
  }
  return listed.sort(nearerFirst);
}

function nearerFirst(a: Listed, b: Listed): number {
  return a.km < b.km ? -1 : a.km > b.km ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
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
  /** Where a location is; undefined for one the backtest does not know. */
  geo(id: string): GeoPoint | undefined {
    return this.#byId.get(id)?.geo;
  }

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
    *nearest(wanted, to) {
      // The record's locations come sorted for the order; only those where this side left units (and the
      // record did not list) are added here, and the two nearest-first lists are merged.
      const recorded = seen.recordedNearest(to);
      const extra = new Set<string>();
      for (const sku of wanted) for (const id of sandbox.leftAt(sku)) if (!seen.listed.has(id)) extra.add(id);
      const left = extra.size === 0 ? [] : listedByDistance(extra, locations, to);
      let r = 0;
      let e = 0;
      while (r < recorded.length || e < left.length) {
        const next = e >= left.length || (r < recorded.length && nearerFirst(recorded[r]!, left[e]!) <= 0) ? recorded[r++]! : left[e++]!;
        const location = locations.at(next.id, sandbox, order.at);
        if (location) yield location;
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
