/**
 * Location numbers: each location id the index meets gets the next small integer, so a SKU's holders can be
 * found by number instead of by hashing the id.
 */
export class LocationNumbers {
  readonly #numbers = new Map<string, number>();

  /** The location's number, assigned on first sight. */
  of(id: string): number {
    let n = this.#numbers.get(id);
    if (n === undefined) this.#numbers.set(id, (n = this.#numbers.size));
    return n;
  }

  /** The location's number, or undefined for an id never seen. */
  find(id: string): number | undefined {
    return this.#numbers.get(id);
  }

  get count(): number {
    return this.#numbers.size;
  }
}

/** Holders past which a SKU's slots become a table indexed by location number (when it is dense enough). */
const DENSE_AFTER = 16;
/** At most this many table cells per holder: a SKU held at few of many locations keeps the sparse map. */
const CELLS_PER_HOLDER = 32;
/** Holes left by holders that ran out, kept until they outnumber the holders too. */
const HOLES_KEPT = 16;

/**
 * The free units of one SKU by location: what `AvailabilityIndex.freeBySku` returns, with a Map's reading
 * API and a Map's order (the order in which locations got units; one that runs out and gets units again
 * goes last), which sourcing's walks depend on.
 *
 * Why not a `Map<string, number>` per SKU: a bulk load arrives location by location, so each row inserts
 * into another SKU's map; hashing the id and walking the map's buckets missed the cache on almost every
 * row (`AvailabilityIndex.update` was 20% of a load's main thread, `bench/results/bulk.md`). Here a holder's
 * slot is found by location number: in a table indexed by it once the SKU is held at enough locations, in a
 * small map of numbers before. A location that runs out leaves a hole that iteration skips; holes are
 * compacted away once they outnumber the holders, so a load that empties many positions stays linear.
 */
export class HolderMap implements ReadonlyMap<string, number> {
  readonly #numbers: LocationNumbers;
  /** Holder ids in the order they got units; undefined where a holder left. */
  #ids: Array<string | undefined> = [];
  /** Units per slot, beside `#ids`. */
  #units: number[] = [];
  /** Location number -> slot + 1 (0: not a holder), once dense. */
  #table: Int32Array | undefined;
  /** Location number -> slot, while sparse. */
  #sparse: Map<number, number> | undefined = new Map();
  #size = 0;

  constructor(numbers: LocationNumbers) {
    this.#numbers = numbers;
  }

  get size(): number {
    return this.#size;
  }

  get [Symbol.toStringTag](): string {
    return 'HolderMap';
  }

  /** Units held at a location (by number), or undefined when it holds none. */
  at(n: number): number | undefined {
    const slot = this.#slot(n);
    return slot < 0 ? undefined : this.#units[slot];
  }

  get(id: string): number | undefined {
    const n = this.#numbers.find(id);
    return n === undefined ? undefined : this.at(n);
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  /** Sets a holder's units (> 0): in place when it holds some, else as the last holder. */
  set(n: number, id: string, units: number): void {
    const slot = this.#slot(n);
    if (slot >= 0) {
      this.#units[slot] = units;
      return;
    }
    const at = this.#ids.length;
    this.#ids.push(id);
    this.#units.push(units);
    this.#size++;
    this.#place(n, at);
  }

  /** Removes a holder; returns whether it was one. */
  delete(n: number): boolean {
    const slot = this.#slot(n);
    if (slot < 0) return false;
    this.#ids[slot] = undefined;
    this.#units[slot] = 0;
    this.#size--;
    if (this.#table) this.#table[n] = 0;
    else this.#sparse!.delete(n);
    if (this.#ids.length - this.#size > Math.max(HOLES_KEPT, this.#size)) this.#compact();
    return true;
  }

  *entries(): MapIterator<[string, number]> {
    const ids = this.#ids;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id !== undefined) yield [id, this.#units[i]!];
    }
  }

  *keys(): MapIterator<string> {
    for (const id of this.#ids) if (id !== undefined) yield id;
  }

  *values(): MapIterator<number> {
    const ids = this.#ids;
    for (let i = 0; i < ids.length; i++) if (ids[i] !== undefined) yield this.#units[i]!;
  }

  [Symbol.iterator](): MapIterator<[string, number]> {
    return this.entries();
  }

  forEach(callback: (value: number, key: string, map: ReadonlyMap<string, number>) => void, thisArg?: unknown): void {
    for (const [id, units] of this.entries()) callback.call(thisArg, units, id, this);
  }

  #slot(n: number): number {
    if (this.#table) return n < this.#table.length ? this.#table[n]! - 1 : -1;
    return this.#sparse!.get(n) ?? -1;
  }

  #place(n: number, slot: number): void {
    if (!this.#table && this.#size > DENSE_AFTER && this.#size * CELLS_PER_HOLDER >= this.#numbers.count) this.#densify();
    if (this.#table) {
      if (n >= this.#table.length) this.#grow(n);
      this.#table[n] = slot + 1;
    } else this.#sparse!.set(n, slot);
  }

  #densify(): void {
    const table = new Int32Array(Math.max(this.#numbers.count, 8));
    for (const [n, slot] of this.#sparse!) table[n] = slot + 1;
    this.#table = table;
    this.#sparse = undefined;
  }

  #grow(n: number): void {
    const table = new Int32Array(Math.max(n + 1, this.#table!.length * 2, this.#numbers.count));
    table.set(this.#table!);
    this.#table = table;
  }

  /** Drops the holes, keeping the holders' order, and renumbers their slots. */
  #compact(): void {
    const ids: string[] = [];
    const units: number[] = [];
    for (let i = 0; i < this.#ids.length; i++) {
      const id = this.#ids[i];
      if (id === undefined) continue;
      const n = this.#numbers.find(id)!;
      const slot = ids.length;
      ids.push(id);
      units.push(this.#units[i]!);
      if (this.#table) this.#table[n] = slot + 1;
      else this.#sparse!.set(n, slot);
    }
    this.#ids = ids;
    this.#units = units;
  }
}
