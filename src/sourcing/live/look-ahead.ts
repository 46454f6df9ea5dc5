import type { AnyMachineSnapshot } from 'xstate';
import type { StoredState } from '../../../snapshots/index.js';
import type { GeoPoint } from '../../domain/geo.js';
import { SortableIds, type Engine } from '../../engine/index.js';
import { DemandWindow } from '../look-ahead/demand.js';
import type { FutureValues } from '../look-ahead/future-values.js';

/** What this module reads of an order's context. */
interface OrderFacts {
  createdAt?: string;
  deliverTo?: GeoPoint;
  lines?: ReadonlyArray<{ sku: string; qty: number }>;
}

/** The last LP answer for one strategy, as `GET /sourcing/look-ahead` would show it. */
export interface LookAheadPrices {
  readonly values: FutureValues;
  /** Engine time of the stock and demand the LP saw (ms). */
  readonly solvedAt: number;
  readonly skusPriced: number;
  readonly elapsedMs: number;
}

/**
 * The look-ahead state of live sourcing: the orders of the recent past (the demand estimate) and the future
 * values of stock the LP last gave for each strategy with the term. Derived data, never stored: the window is
 * built from the stored orders when a strategy first needs it, then kept current by every order created.
 */
export class LookAhead {
  readonly #engine: Engine;
  readonly demand = new DemandWindow();
  /** Orders created at or after this time (ms) are in `demand`; Infinity until first built. */
  #coveredFrom = Infinity;
  readonly #prices = new Map<string, LookAheadPrices>();

  constructor(engine: Engine) {
    this.#engine = engine;
  }

  /** Future values for a strategy (by `lookAheadKey`); undefined until its LP has answered. */
  futureValues(key: string): FutureValues | undefined {
    return this.#prices.get(key)?.values;
  }

  prices(key: string): LookAheadPrices | undefined {
    return this.#prices.get(key);
  }

  /** Keeps the answers of these strategies only (the active profile's, after it changed). */
  retain(keys: ReadonlySet<string>): void {
    for (const key of this.#prices.keys()) if (!keys.has(key)) this.#prices.delete(key);
  }

  /** @internal The solver stores each answer. */
  setPrices(key: string, prices: LookAheadPrices): void {
    this.#prices.set(key, prices);
  }

  /** @internal The engine reports every change of an order's snapshot (`before` undefined: created). */
  orderChanged(before: AnyMachineSnapshot | undefined, after: AnyMachineSnapshot): void {
    if (before === undefined && this.#coveredFrom !== Infinity) this.#record(after.context as OrderFacts);
  }

  /**
   * Makes the window hold every order created since `fromMs` and forgets older ones. The first call (or one
   * reaching further back) reads the orders from memory and the store: order ids sort by creation time, so
   * the window is one key range.
   */
  cover(fromMs: number): void {
    if (fromMs < this.#coveredFrom) {
      this.demand.prune(Infinity);
      const engine = this.#engine;
      const seen = new Set<string>();
      const add = (key: string, state: { context: unknown }) => {
        if (seen.has(key)) return;
        seen.add(key);
        const facts = state.context as OrderFacts;
        if (Date.parse(facts.createdAt ?? '') >= fromMs) this.#record(facts);
      };
      for (const entry of engine.registry.orders.values()) add(`ord:${entry.id}`, entry.snapshot);
      for (const [key, { state }] of engine.passivating) if (key.startsWith('ord:')) add(key, state);
      for (const { key, value } of engine.store.actors.getRange({ start: `ord:${SortableIds.firstAt('ord', fromMs)}`, end: 'ord;' })) {
        add(key as string, value.snapshot as StoredState);
      }
    }
    this.#coveredFrom = fromMs;
    this.demand.prune(fromMs);
  }

  #record(facts: OrderFacts): void {
    if (facts.createdAt === undefined || facts.deliverTo === undefined || facts.lines === undefined) return;
    this.demand.record(Date.parse(facts.createdAt), facts.deliverTo, facts.lines);
  }
}
