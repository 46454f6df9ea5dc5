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

/** Stored orders read per event turn while the window is built (~a few ms of the engine's thread). */
const SCAN_CHUNK = 2000;

/** The last LP answer for one strategy. */
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
   * the window is one key range, read `SCAN_CHUNK` orders per event turn so intake never waits long on it.
   * Orders created meanwhile are counted as they come (`orderChanged`), so the scan skips them.
   */
  async cover(fromMs: number): Promise<void> {
    if (fromMs < this.#coveredFrom) {
      const engine = this.#engine;
      const scanStart = engine.clock.now();
      this.demand.prune(Infinity);
      this.#coveredFrom = fromMs;
      const seen = new Set<string>();
      const add = (key: string, state: { context: unknown }) => {
        if (seen.has(key)) return;
        seen.add(key);
        const facts = state.context as OrderFacts;
        const created = Date.parse(facts.createdAt ?? '');
        if (created >= fromMs && created < scanStart) this.#record(facts);
      };
      for (const entry of engine.registry.orders.values()) add(`ord:${entry.id}`, entry.snapshot);
      for (const [key, { state }] of engine.passivating) if (key.startsWith('ord:')) add(key, state);
      let start = `ord:${SortableIds.firstAt('ord', fromMs)}`;
      for (;;) {
        let last: string | undefined;
        for (const { key, value } of engine.store.actors.getRange({ start, end: 'ord;', limit: SCAN_CHUNK })) {
          last = key as string;
          add(last, value.snapshot as StoredState);
        }
        if (last === undefined) break;
        start = `${last}\0`;
        await new Promise((resolve) => setImmediate(resolve));
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
