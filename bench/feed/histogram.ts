/** A latency histogram with 1 ms buckets up to a minute; weights may be fractional. */
export class Histogram {
  readonly buckets: Float64Array;

  constructor(buckets: ArrayLike<number> = new Float64Array(60_000)) {
    this.buckets = Float64Array.from(buckets);
  }

  add(ms: number, weight = 1): void {
    const i = Math.min(this.buckets.length - 1, Math.max(0, Math.floor(ms)));
    this.buckets[i]! += weight;
  }

  merge(other: ArrayLike<number>): void {
    for (let i = 0; i < other.length; i++) this.buckets[i]! += other[i]!;
  }

  get count(): number {
    let n = 0;
    for (const w of this.buckets) n += w;
    return n;
  }

  /** The value (upper edge of its bucket, ms) below which `p` percent of the weight lies. */
  percentile(p: number): number {
    const target = (this.count * p) / 100;
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i]!;
      if (seen >= target && seen > 0) return i + 1;
    }
    return NaN;
  }

  /** The buckets as a plain array, trimmed after the last non-empty one, for IPC. */
  toArray(): number[] {
    let end = this.buckets.length;
    while (end > 0 && this.buckets[end - 1] === 0) end--;
    return Array.from(this.buckets.subarray(0, end));
  }
}
