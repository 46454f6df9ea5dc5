import type { GeoPoint } from '../../domain/geo.js';

/**
 * Every location's place as a point on the unit sphere, for listing locations nearest-first. The chord
 * between two points grows with their great-circle distance, so ordering by the squared chord (three
 * multiplications) orders by the haversine distance the cost model uses, without a trigonometric call per
 * location and order.
 */
export class GeoTable {
  readonly ids: string[];
  readonly #x: Float64Array;
  readonly #y: Float64Array;
  readonly #z: Float64Array;

  /** `places` in id order: equal distances then list the lower id first, as candidates are sorted. */
  constructor(places: ReadonlyArray<readonly [string, GeoPoint]>) {
    const sorted = [...places].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const n = sorted.length;
    this.ids = sorted.map(([id]) => id);
    this.#x = new Float64Array(n);
    this.#y = new Float64Array(n);
    this.#z = new Float64Array(n);
    sorted.forEach(([, geo], i) => {
      const [x, y, z] = unitVector(geo);
      this.#x[i] = x;
      this.#y[i] = y;
      this.#z[i] = z;
    });
  }

  /**
   * Indexes into `ids`, nearest to `to` first (ties: lower id first; a location without a valid place last),
   * produced lazily: a heap is built in O(n) and each next one costs O(log n), so a walk that stops after
   * the nearest fifty of a thousand pays for fifty.
   */
  *walk(to: GeoPoint): Generator<number> {
    const cursor = this.cursor(to);
    for (let i = cursor.next(); i >= 0; i = cursor.next()) yield i;
  }

  /** `walk` as a cursor: `next()` gives the next index, -1 after the last (no generator per order). */
  cursor(to: GeoPoint): NearestCursor {
    return new NearestCursor(this.ids, this.#x, this.#y, this.#z, to);
  }
}

/** One walk over a GeoTable (see `GeoTable.walk`). */
export class NearestCursor {
  /** The table's ids, which `next()` indexes. */
  readonly ids: readonly string[];
  readonly #key: Float64Array;
  readonly #heap: Int32Array;
  #size: number;

  constructor(ids: readonly string[], x: Float64Array, y: Float64Array, z: Float64Array, to: GeoPoint) {
    this.ids = ids;
    const n = x.length;
    const [qx, qy, qz] = unitVector(to);
    const key = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const dx = x[i]! - qx;
      const dy = y[i]! - qy;
      const dz = z[i]! - qz;
      const d = dx * dx + dy * dy + dz * dz;
      key[i] = Number.isNaN(d) ? Infinity : d;
    }
    const heap = new Int32Array(n);
    for (let i = 0; i < n; i++) heap[i] = i;
    this.#key = key;
    this.#heap = heap;
    this.#size = n;
    for (let i = (n >> 1) - 1; i >= 0; i--) this.#down(i, n);
  }

  next(): number {
    const size = this.#size;
    if (size === 0) return -1;
    const heap = this.#heap;
    const top = heap[0]!;
    heap[0] = heap[size - 1]!;
    this.#size = size - 1;
    this.#down(0, size - 1);
    return top;
  }

  #before(a: number, b: number): boolean {
    const key = this.#key;
    return key[a]! < key[b]! || (key[a] === key[b] && a < b);
  }

  #down(start: number, size: number): void {
    const heap = this.#heap;
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) return;
      const r = l + 1;
      const child = r < size && this.#before(heap[r]!, heap[l]!) ? r : l;
      if (!this.#before(heap[child]!, heap[i]!)) return;
      const t = heap[i]!;
      heap[i] = heap[child]!;
      heap[child] = t;
      i = child;
    }
  }
}

function unitVector(geo: GeoPoint): [number, number, number] {
  const lat = (geo.lat * Math.PI) / 180;
  const lon = (geo.lon * Math.PI) / 180;
  const c = Math.cos(lat);
  return [c * Math.cos(lon), c * Math.sin(lon), Math.sin(lat)];
}
