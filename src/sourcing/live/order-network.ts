import { availableToSell } from '../../domain/availability.js';
import type { Shipment } from '../../domain/order.js';
import { receivedAt } from '../../domain/position.js';
import type { GeoPoint } from '../../domain/geo.js';
import type { AvailabilityIndex } from '../../stock/index.js';
import type { NetworkLocation, SourcingNetwork } from '../types.js';
import { GeoTable, type NearestCursor } from './nearest-walk.js';
import type { SourcingPorts } from './sourcing.js';

const NO_LIMITS = Object.freeze({});

/** The network for one order, plus the pool's available-to-sell as that order sees it. */
export interface OrderNetwork extends SourcingNetwork {
  /**
   * The pool's ATS for a SKU, hold included. Per-location `available` does not know the pool buffer, so
   * an order may take at most this many units of a SKU in all.
   */
  ats(sku: string): number;
}

const DAY_MS = 86_400_000;

/**
 * The live network as the sourcing optimizer reads it for one order drawing on `pool` at time `now` (ISO):
 * the pool's members that hold any of the order's SKUs, with their configuration and load, what each may
 * give (its contribution to the pool: free units less the location buffer), and how old its units are (days
 * since they arrived, on average; unknown for units never received). Read synchronously while problems are
 * built; nothing is kept.
 *
 * With `releasing` (a cart hold the order is about to consume), those units count as already back on the
 * shelf, so the order can be planned against them before anything changes.
 */
export function sourcingNetwork(ports: SourcingPorts, pool: string, now: string, releasing: ReadonlyArray<Shipment> = []): OrderNetwork {
  const { index } = ports.stock;
  const held = new Map<string, Map<string, number>>();
  for (const s of releasing) {
    for (const l of s.lines) {
      let bySku = held.get(l.sku);
      if (!bySku) held.set(l.sku, (bySku = new Map()));
      bySku.set(s.location, (bySku.get(s.location) ?? 0) + l.qty);
    }
  }
  const definition = index.pool(pool);
  let nowMs: number | undefined;
  // Released units go back to sellable, so statuses the pool excludes do not grow: the index's own
  // contribution with the hold's units added to the free ones.
  const available = (location: string, sku: string): number => index.atsAt(pool, location, sku, held.get(sku)?.get(location) ?? 0);
  return {
    locations(skus) {
      // The common case (one SKU, no hold) lists the index's holders without building a set: intake hot path.
      if (skus.length === 1 && held.size === 0) return members(ports, pool, index.freeBySku(skus[0]!)?.keys() ?? []);
      const ids = new Set<string>();
      for (const sku of skus) {
        for (const id of index.freeBySku(sku)?.keys() ?? []) ids.add(id);
        for (const id of held.get(sku)?.keys() ?? []) ids.add(id);
      }
      return members(ports, pool, ids);
    },
    nearest(skus, to) {
      // Each SKU's holders (and the hold's units) looked up once, not once per location walked.
      const holders: Array<ReadonlyMap<string, number>> = [];
      for (const sku of skus) {
        const free = index.freeBySku(sku);
        if (free) holders.push(free);
        const more = held.get(sku);
        if (more) holders.push(more);
      }
      return new NearestMembers(ports, pool, holders.length === 0 ? null : geoTable(ports).cursor(to), holders);
    },
    product: (sku) => ports.stock.catalog.get(sku)?.attributes,
    available,
    futureValues: (strategyKey) => ports.sourcing.lookAhead.futureValues(strategyKey),
    stockAttributes(location, sku) {
      const p = ports.engine.position(location, sku);
      const arrived = p && receivedAt(p);
      // Parsed only for dated stock: most orders meet none, and intake pays for every call here.
      return arrived === undefined ? undefined : { ageDays: ((nowMs ??= Date.parse(now)) - arrived) / DAY_MS };
    },
    ats(sku) {
      const more = held.get(sku);
      if (!more || !definition) return index.ats(pool, sku);
      let sum = index.contributed(pool, sku);
      for (const location of more.keys()) sum += available(location, sku) - index.atsAt(pool, location, sku);
      return availableToSell(definition, sku, sum);
    },
  };
}

const tables = new WeakMap<AvailabilityIndex, { version: number; table: GeoTable }>();

/** Every location's place, rebuilt when a location is added or reconfigured (the index's version moves). */
function geoTable({ engine, stock }: SourcingPorts): GeoTable {
  const cached = tables.get(stock.index);
  if (cached?.version === stock.index.locationsVersion) return cached.table;
  const places: Array<[string, GeoPoint]> = [];
  for (const id of stock.index.locationIds()) {
    const entry = engine.location(id);
    if (entry) places.push([id, engine.locationInfo(entry).geo]);
  }
  const table = new GeoTable(places);
  tables.set(stock.index, { version: stock.index.locationsVersion, table });
  return table;
}

/**
 * The pool's members holding some of `holders`' units, nearest first, listed lazily. An iterator object
 * with a cursor and one lookup per location, not a generator: the walk was three generators deep, ~15 µs
 * and ~4.8 KB of the flash-sale order's sourcing (in-process profile and allocations.js, 2026-12-04), and
 * resuming a generator per location still cost ~5 µs of it.
 */
class NearestMembers implements IterableIterator<NetworkLocation> {
  readonly #ports: SourcingPorts;
  readonly #pool: string;
  readonly #cursor: NearestCursor | null;
  readonly #holders: ReadonlyArray<ReadonlyMap<string, number>>;

  constructor(ports: SourcingPorts, pool: string, cursor: NearestCursor | null, holders: ReadonlyArray<ReadonlyMap<string, number>>) {
    this.#ports = ports;
    this.#pool = pool;
    this.#cursor = cursor;
    this.#holders = holders;
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<NetworkLocation> {
    const cursor = this.#cursor;
    if (cursor === null) return DONE;
    const ids = cursor.ids;
    for (let i = cursor.next(); i >= 0; i = cursor.next()) {
      const id = ids[i]!;
      if (!this.#holds(id)) continue;
      const location = memberOf(this.#ports, this.#pool, id);
      if (location) return { value: location, done: false };
    }
    return DONE;
  }

  #holds(id: string): boolean {
    for (const units of this.#holders) if ((units.get(id) ?? 0) > 0) return true;
    return false;
  }
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/** The pool's members among `ids`, as sourcing sees a location. */
function* members(ports: SourcingPorts, pool: string, ids: Iterable<string>): Generator<NetworkLocation> {
  for (const id of ids) {
    const location = memberOf(ports, pool, id);
    if (location) yield location;
  }
}

/** Location `id` as sourcing sees it, if it is a member of `pool` the engine knows. */
function memberOf({ engine, stock, sourcing }: SourcingPorts, pool: string, id: string): NetworkLocation | undefined {
  if (!stock.index.isMember(pool, id)) return undefined;
  const entry = engine.location(id);
  if (!entry) return undefined;
  const info = engine.locationInfo(entry);
  return {
    id,
    geo: info.geo,
    country: info.country,
    status: info.status,
    capabilities: info.capabilities,
    capacity: info.capacity ?? NO_LIMITS,
    openOrders: sourcing.load.openOrders(id),
    ordersToday: sourcing.load.ordersToday(id),
    tags: info.tags,
    ...(info.carrierCutoff === undefined ? {} : { carrierCutoff: info.carrierCutoff }),
    ...(info.timezone === undefined ? {} : { timezone: info.timezone }),
  };
}
