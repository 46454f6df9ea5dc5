import type { ModelScratch } from './model-scratch.js';

/**
 * For every suffix R_i = candidates i..n-1 and every line, the cheapest (cost, units) entries of R_i that
 * together reach the line's quantity, cheapest first. With these the split-line bound merges a handful
 * of entries per line instead of walking every candidate: O(k + q) per line and node, not O(n).
 *
 * A list holds at most min(qty, MAX_ENTRIES) entries (each entry has >= 1 unit, so qty entries always
 * suffice). When a list had to drop entries before reaching the quantity it is `open`: the dropped
 * entries cost at least its last entry, so a bound may take any further units at that cost.
 */
export interface SuffixFills {
  /** Entries of row i, line l start at i * width + offset[l]. */
  readonly width: number;
  readonly offset: Int32Array;
  readonly cost: Float64Array;
  readonly units: Float64Array;
  /** Entries per (row, line): count[i * L + l]. */
  readonly count: Int32Array;
  readonly open: Uint8Array;
}

const MAX_ENTRIES = 32;

/**
 * Builds the lists from the last candidate backwards: row i is row i+1 with candidate i inserted. The
 * arrays are `scratch`'s (see model-scratch.ts): rows 0..n are written here, row n empty.
 */
export function suffixFills(n: number, L: number, qty: Float64Array, cap: Float64Array, cost: Float64Array, scratch: ModelScratch): SuffixFills {
  const offset = scratch.fillOffset.get(L);
  const limit = scratch.fillLimit.get(L);
  let width = 0;
  for (let l = 0; l < L; l++) {
    offset[l] = width;
    limit[l] = Math.min(qty[l]!, MAX_ENTRIES);
    width += limit[l]!;
  }
  const costs = scratch.fillCost.get((n + 1) * width);
  const units = scratch.fillUnits.get((n + 1) * width);
  const count = scratch.fillCount.get((n + 1) * L);
  const open = scratch.fillOpen.get((n + 1) * L);
  // Row n, the empty suffix; rows below are written whole (entries only up to their count, which is all
  // a reader looks at).
  count.fill(0, n * L, (n + 1) * L);
  open.fill(0, n * L, (n + 1) * L);
  for (let i = n - 1; i >= 0; i--) {
    for (let l = 0; l < L; l++) {
      const from = (i + 1) * width + offset[l]!;
      const to = i * width + offset[l]!;
      const len = count[(i + 1) * L + l]!;
      const own = cap[i * L + l]!;
      const ownCost = cost[i * L + l]!;
      // Merge candidate i's entry into row i+1's list, cheapest first, until the quantity is reached.
      let ownPending = own > 0;
      let e = 0;
      let written = 0;
      let reached = 0;
      let dropped = false;
      while (reached < qty[l]!) {
        let c: number;
        let u: number;
        if (ownPending && (e >= len || ownCost < costs[from + e]!)) {
          c = ownCost;
          u = own;
          ownPending = false;
        } else if (e < len) {
          c = costs[from + e]!;
          u = units[from + e++]!;
        } else {
          break;
        }
        if (written === limit[l]) {
          dropped = true;
          break;
        }
        costs[to + written] = c;
        units[to + written++] = u;
        reached += u;
      }
      count[i * L + l] = written;
      open[i * L + l] = reached < qty[l]! && (dropped || open[(i + 1) * L + l] === 1) ? 1 : 0;
    }
  }
  return { width, offset, cost: costs, units, count, open };
}
