import type { NetworkLocation, ProductAttributes, SourcingLine, SourcingRequest } from '../types.js';

/**
 * What a backtest replays, as plain data that crosses to a worker (structured-clone safe). Built on the
 * engine's thread from each order and the decision recorded when it was placed; read-only afterwards.
 */

/** A location as a backtest sees it: its configuration when the backtest starts (its load is the sandbox's own). */
export type ReplayLocation = Omit<NetworkLocation, 'openOrders' | 'ordersToday'>;

/**
 * The stock an order saw when it was placed, as its decision record kept it. Units are per SKU of `skus`
 * (the order's lines merged by SKU), after reservations and location buffers, as sourcing read them. Flat
 * arrays, row-major by location: a chunk of 2,000 orders crosses to a worker as a few arrays per order, not
 * a hundred small objects each.
 */
export interface StockSeen {
  readonly skus: readonly string[];
  /** Locations whose stock was read. */
  readonly held: readonly string[];
  /** Units, held x skus: `units[h * skus.length + s]`. */
  readonly units: readonly number[];
  /** How old those units were, days (NaN: unknown); absent when no age was known. */
  readonly ageDays?: readonly number[];
  /**
   * Locations whose stock the record does not say: the live profile excluded them before reading it (a filter
   * other than stock), or the record kept only the nearest candidates. The replay counts them as holding none.
   * (Locations known to hold none are not listed: a side can only find units there that it left itself.)
   */
  readonly unrecorded: readonly string[];
}

/** One order to replay, in the order orders arrived. */
export interface ReplayOrder {
  readonly id: string;
  /** When it was placed (ISO): the decision time for cut-offs, and the day its location load counts toward. */
  readonly at: string;
  readonly request: Omit<SourcingRequest, 'now' | 'lines'> & { readonly lines: readonly SourcingLine[] };
  /** The profile version that was live when the order was placed. */
  readonly live: { readonly id: string; readonly version: number };
  readonly seen: StockSeen;
  /** What the order reserved at intake, by location: the consumption the recorded stock already reflects. */
  readonly recorded: ReadonlyArray<{ readonly location: string; readonly lines: readonly SourcingLine[] }>;
}

/** SKU attributes the replayed orders need, by SKU. */
export type ReplayProducts = ReadonlyArray<readonly [sku: string, attributes: ProductAttributes]>;
