import type { SourcingLine } from '../types.js';

/** A sandbox as it crosses between chunks of a replay: plain arrays, structured-clone safe. */
export interface SandboxState {
  /** Units per (location, SKU) the replay left on the shelf (+) or took (-) beyond what the live orders took. */
  readonly drift: ReadonlyArray<readonly [location: string, sku: string, units: number]>;
  /** The UTC day (`YYYY-MM-DD`) `today` counts, and the replay's shipments per location on that day. */
  readonly day: string;
  readonly today: ReadonlyArray<readonly [string, number]>;
}

/**
 * The stock of one side of a backtest (the draft, or the profile that was live), kept apart from live state.
 *
 * Each order's record says what it saw, and that already reflects what the live orders before it took. So
 * the sandbox keeps only the difference: when a replayed plan takes other units than the order really took,
 * the units it left are added back for the orders after it, and the units it took are taken from them. An
 * order then sees `recorded + drift`, never below zero: the draft's choices consume stock as they would have.
 * A location the record never listed (it had nothing free then) still offers what the side left there.
 *
 * Location load (open and today's orders, for the capacity filter and the load cost) is the replay's own
 * shipments that UTC day: the orders placed before the period that day are not counted.
 */
export class SandboxStock {
  /** By SKU, then location: lookups by SKU find the locations where a side left units. */
  readonly #drift = new Map<string, Map<string, number>>();
  #day: string;
  #today: Map<string, number>;

  constructor(state?: SandboxState) {
    for (const [location, sku, units] of state?.drift ?? []) this.#add(location, sku, units);
    this.#day = state?.day ?? '';
    this.#today = new Map(state?.today ?? []);
  }

  /** Units of `sku` at `location` for an order whose record saw `recorded` of them. */
  units(location: string, sku: string, recorded: number): number {
    return Math.max(0, recorded + (this.#drift.get(sku)?.get(location) ?? 0));
  }

  /** Locations where this side left units of `sku` that the live orders took. */
  *leftAt(sku: string): Generator<string> {
    for (const [location, units] of this.#drift.get(sku) ?? []) if (units > 0) yield location;
  }

  /** Shipments this side sent from `location` on the UTC day of `at` (ISO), before this order. */
  ordersToday(location: string, at: string): number {
    this.#rollOver(at);
    return this.#today.get(location) ?? 0;
  }

  /**
   * Settles one order: it really reserved `recorded`, the replay planned `planned` (null: it could not be
   * sourced, so it took nothing).
   */
  settle(recorded: ReadonlyArray<{ location: string; lines: readonly SourcingLine[] }>, planned: ReadonlyArray<{ location: string; lines: readonly SourcingLine[] }> | null, at: string): void {
    for (const s of recorded) for (const l of s.lines) this.#add(s.location, l.sku, l.qty);
    if (planned === null) return;
    this.#rollOver(at);
    for (const s of planned) {
      for (const l of s.lines) this.#add(s.location, l.sku, -l.qty);
      this.#today.set(s.location, (this.#today.get(s.location) ?? 0) + 1);
    }
  }

  state(): SandboxState {
    const drift: Array<[string, string, number]> = [];
    for (const [sku, byLocation] of this.#drift) for (const [location, units] of byLocation) drift.push([location, sku, units]);
    return { drift, day: this.#day, today: [...this.#today] };
  }

  #add(location: string, sku: string, qty: number): void {
    let bySku = this.#drift.get(sku);
    if (!bySku) this.#drift.set(sku, (bySku = new Map()));
    const n = (bySku.get(location) ?? 0) + qty;
    if (n !== 0) bySku.set(location, n);
    else {
      bySku.delete(location);
      if (bySku.size === 0) this.#drift.delete(sku);
    }
  }

  #rollOver(at: string): void {
    const day = at.slice(0, 10);
    if (day === this.#day) return;
    this.#day = day;
    this.#today = new Map();
  }
}
