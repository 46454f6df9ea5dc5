import type { AnyMachineSnapshot } from 'xstate';
import type { StoredState } from '../../../snapshots/index.js';
import { SortableIds, type Engine } from '../../engine/index.js';

/** What this module reads of an order's context. */
interface OrderFacts {
  createdAt?: string;
  fulfilments?: ReadonlyArray<{ id: string; location: string; status: string }>;
}

const DAY_MS = 86_400_000;

/** Fulfilment statuses after which a location has no more work on it. */
const CLOSED = new Set(['shipped', 'collected', 'delivered', 'cancelled', 'rejected', 'returned']);

/**
 * How busy each location is, for the sourcing capacity filter and the location-load cost: its open
 * fulfilments (of orders not yet finished, in a status that still needs work), and the fulfilments of
 * orders created today (UTC day of the engine's clock; a fulfilment of an order created yesterday counts
 * toward yesterday even when re-sourced today, which is what lets a restart derive the figure).
 *
 * Derived data, never stored: built from the orders on the first read (so recovery and replay cost
 * nothing here), then kept current by the engine reporting each change of an order's context.
 */
export class LocationLoad {
  readonly #engine: Engine;
  #built = false;
  readonly #open = new Map<string, number>();
  #today = new Map<string, number>();
  /** The UTC date (`YYYY-MM-DD`) `#today` counts, and where that day ends (ms). */
  #day = '';
  #dayEnd = -Infinity;

  constructor(engine: Engine) {
    this.#engine = engine;
  }

  /** Fulfilments at the location that still need work. */
  openOrders(location: string): number {
    this.#build();
    return this.#open.get(location) ?? 0;
  }

  /** Fulfilments at the location of orders created today. */
  ordersToday(location: string): number {
    this.#build();
    this.#rollOver(this.#engine.clock.now());
    return this.#today.get(location) ?? 0;
  }

  /** @internal The engine reports every change of an order's snapshot (`before` undefined: created). */
  orderChanged(before: AnyMachineSnapshot | undefined, after: AnyMachineSnapshot, nowMs: number): void {
    if (!this.#built) return;
    if (before !== undefined) this.#count(before.context as OrderFacts, before.status === 'done', -1);
    this.#count(after.context as OrderFacts, after.status === 'done', 1);
    this.#rollOver(nowMs);
    const facts = after.context as OrderFacts;
    if (!facts.createdAt?.startsWith(this.#day)) return;
    const known = (before?.context as OrderFacts | undefined)?.fulfilments;
    for (const f of facts.fulfilments ?? []) {
      if (known === undefined || !known.some((k) => k.id === f.id)) bump(this.#today, f.location, 1);
    }
  }

  #count(order: OrderFacts, done: boolean, sign: 1 | -1): void {
    if (done) return;
    for (const f of order.fulfilments ?? []) if (!CLOSED.has(f.status)) bump(this.#open, f.location, sign);
  }

  #rollOver(nowMs: number): void {
    // Compared as numbers: this runs twice per order placed, and formatting a date costs more than the rest.
    if (nowMs < this.#dayEnd) return;
    const start = nowMs - (((nowMs % DAY_MS) + DAY_MS) % DAY_MS);
    this.#day = new Date(start).toISOString().slice(0, 10);
    this.#dayEnd = start + DAY_MS;
    this.#today = new Map();
  }

  /**
   * Counts open work from the open orders (all in memory) and today's orders from the memory and the store:
   * order ids sort by creation time, so today's finished orders are one key range.
   */
  #build(): void {
    if (this.#built) return;
    this.#built = true;
    const engine = this.#engine;
    this.#rollOver(engine.clock.now());
    const seen = new Set<string>();
    const addToday = (key: string, state: { context: unknown }) => {
      if (seen.has(key)) return;
      seen.add(key);
      const facts = state.context as OrderFacts;
      if (!facts.createdAt?.startsWith(this.#day)) return;
      for (const f of facts.fulfilments ?? []) bump(this.#today, f.location, 1);
    };
    for (const entry of engine.registry.orders.values()) {
      this.#count(entry.snapshot.context as OrderFacts, entry.snapshot.status === 'done', 1);
      addToday(`ord:${entry.id}`, entry.snapshot);
    }
    for (const [key, { state }] of engine.passivating) if (key.startsWith('ord:')) addToday(key, state);
    const firstIdToday = SortableIds.firstAt('ord', Date.parse(this.#day));
    for (const { key, value } of engine.store.actors.getRange({ start: `ord:${firstIdToday}`, end: 'ord;' })) {
      addToday(key, value.snapshot as StoredState);
    }
  }
}

function bump(counts: Map<string, number>, location: string, by: number): void {
  const n = (counts.get(location) ?? 0) + by;
  if (n === 0) counts.delete(location);
  else counts.set(location, n);
}
