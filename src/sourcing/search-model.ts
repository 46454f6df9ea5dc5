import { prunedCandidates } from './dominance.js';
import type { SourcingProblem } from './problem.js';
import { suffixFills, type SuffixFills } from './suffix-fill.js';
import type { ModelScratch } from './model-scratch.js';
import { insertionSort, SMALL_SORT, sortSmall } from './small-sort.js';

/**
 * The arrays the branch and bound works on, derived once per problem. Candidates are re-indexed
 * 0..n-1 in search order (most promising first); `source[i]` is the problem's candidate index.
 * Matrices are n x L, row-major; "suffix" arrays have n + 1 rows, row i covering candidates i..n-1.
 * The arrays may be longer than that (they are reused, see model-scratch.ts): index them, never read
 * their length.
 */
export interface SearchModel {
  readonly n: number;
  readonly L: number;
  /** Most locations a plan may use, capped by what can be useful (lines, or units when lines split). */
  readonly k: number;
  readonly split: boolean;
  readonly pruned: number;
  readonly source: Int32Array;
  readonly qty: Float64Array;
  /** Units a candidate can contribute to a line: min(stock, qty); without split, qty or 0. */
  readonly cap: Float64Array;
  readonly unitCost: Float64Array;
  readonly fixed: Float64Array;
  /** Cheapest fixed cost among candidates i..n-1. */
  readonly fixedSuffixMin: Float64Array;
  /**
   * Cheapest real cost per line among candidates i..n-1, fixed costs left out: per whole line without
   * split, per unit with split.
   */
  readonly plainSuffixMin: Float64Array;
  /**
   * Without split: cheapest amortized whole-line cost among candidates i..n-1, where a candidate's fixed
   * cost is shared over the w lines it can ship (a new location serves at most those, so each carries at
   * least 1/w of it): line cost + fixed / w.
   */
  readonly amortizedSuffixMin: Float64Array;
  /** With split: per suffix and line, the cheapest units at amortized unit cost, unit cost + fixed / (w * cap). */
  readonly amortizedFills: SuffixFills | null;
}

/**
 * Builds the search model in `scratch`'s arrays (see model-scratch.ts): prunes dominated candidates and
 * orders the rest most promising first. The model is valid until `scratch` builds another.
 */
export function createSearchModel(problem: SourcingProblem, dominance: boolean, scratch: ModelScratch): SearchModel {
  const L = problem.lines.length;
  const split = problem.splitLines;
  const all = problem.candidateIds.length;
  const qty = scratch.qty.get(L);
  let units = 0;
  for (let l = 0; l < L; l++) {
    qty[l] = problem.lines[l]!.qty;
    units += qty[l]!;
  }
  const capAll = scratch.capAll.get(all * L);
  for (let c = 0; c < all; c++) {
    for (let l = 0; l < L; l++) {
      const stock = problem.stock[c * L + l]!;
      capAll[c * L + l] = split ? Math.min(stock, qty[l]!) : stock >= qty[l]! ? qty[l]! : 0;
    }
  }
  const drop = dominance ? prunedCandidates(all, L, qty, capAll, problem.unitCost, problem.fixedCost, scratch) : shipsNothing(all, L, capAll, scratch);
  const kept = scratch.kept.get(all);
  let keptCount = 0;
  for (let c = 0; c < all; c++) if (drop[c] === 0) kept[keptCount++] = c;
  const amortizedAll = amortizedCosts(all, L, kept, keptCount, split, qty, capAll, problem.unitCost, problem.fixedCost, scratch);
  const order = searchOrder(kept, keptCount, all, L, split, qty, amortizedAll, scratch);

  const n = keptCount;
  const pick = (from: Float64Array, width: number, to: Float64Array) => {
    for (let i = 0; i < n; i++) for (let w = 0; w < width; w++) to[i * width + w] = from[order[i]! * width + w]!;
    return to;
  };
  const cap = pick(capAll, L, scratch.cap.get(n * L));
  const unitCost = pick(problem.unitCost, L, scratch.unitCost.get(n * L));
  const fixed = pick(problem.fixedCost, 1, scratch.fixed.get(n));
  const amortized = pick(amortizedAll, L, scratch.amortized.get(n * L));
  const plain = scratch.plain.get(n * L);
  for (let x = 0; x < n * L; x++) plain[x] = cap[x]! === 0 ? Infinity : split ? unitCost[x]! : unitCost[x]! * qty[x % L]!;
  return {
    n,
    L,
    k: Math.min(problem.maxShipments, split ? units : L),
    split,
    pruned: all - n,
    source: order,
    qty,
    cap,
    unitCost,
    fixed,
    fixedSuffixMin: suffixMinima(n, 1, fixed, scratch.fixedSuffixMin.get(n + 1)),
    plainSuffixMin: suffixMinima(n, L, plain, scratch.plainSuffixMin.get((n + 1) * L)),
    amortizedSuffixMin: split ? NONE : suffixMinima(n, L, amortized, scratch.amortizedSuffixMin.get((n + 1) * L)),
    amortizedFills: split ? suffixFills(n, L, qty, cap, amortized, scratch) : null,
  };
}

const NONE = new Float64Array(0);

/** Without dominance pruning: flags (1 = drop) only the candidates that cannot ship any line. */
function shipsNothing(all: number, L: number, cap: Float64Array, scratch: ModelScratch): Uint8Array {
  const drop = scratch.drop.get(all);
  for (let c = 0; c < all; c++) {
    drop[c] = 1;
    for (let l = 0; l < L; l++) if (cap[c * L + l]! > 0) drop[c] = 0;
  }
  return drop;
}

/** Amortized costs (see SearchModel); Infinity where the candidate cannot ship the line. */
function amortizedCosts(
  all: number,
  L: number,
  kept: Int32Array,
  keptCount: number,
  split: boolean,
  qty: Float64Array,
  cap: Float64Array,
  unitCost: Float64Array,
  fixed: Float64Array,
  scratch: ModelScratch,
): Float64Array {
  const amortized = scratch.amortizedAll.get(all * L);
  amortized.fill(Infinity, 0, all * L);
  for (let k = 0; k < keptCount; k++) {
    const c = kept[k]!;
    let lines = 0;
    for (let l = 0; l < L; l++) if (cap[c * L + l]! > 0) lines++;
    const share = fixed[c]! / lines;
    for (let l = 0; l < L; l++) {
      const units = cap[c * L + l]!;
      if (units === 0) continue;
      const unit = unitCost[c * L + l]!;
      amortized[c * L + l] = split ? unit + share / units : unit * qty[l]! + share;
    }
  }
  return amortized;
}

/**
 * Most promising first: by the sum over lines of the amortized cost of serving the line, a line the
 * candidate cannot ship counted at that line's dearest amortized cost. Early good plans tighten the
 * pruning. Ties by problem index, so the order (and the plan) is deterministic. The kept candidates'
 * problem indexes in that order, in `scratch.order`.
 */
function searchOrder(
  kept: Int32Array,
  keptCount: number,
  all: number,
  L: number,
  split: boolean,
  qty: Float64Array,
  amortized: Float64Array,
  scratch: ModelScratch,
): Int32Array {
  const lineCost = (c: number, l: number) => amortized[c * L + l]! * (split ? qty[l]! : 1);
  const worst = scratch.worst.get(L);
  worst.fill(0, 0, L);
  for (let k = 0; k < keptCount; k++) {
    const c = kept[k]!;
    for (let l = 0; l < L; l++) if (lineCost(c, l) !== Infinity) worst[l] = Math.max(worst[l]!, lineCost(c, l));
  }
  const score = scratch.score.get(all);
  for (let k = 0; k < keptCount; k++) {
    const c = kept[k]!;
    let s = 0;
    for (let l = 0; l < L; l++) s += lineCost(c, l) === Infinity ? worst[l]! : lineCost(c, l);
    score[c] = s;
  }
  const byScore = (a: number, b: number) => score[a]! - score[b]! || a - b;
  const order = scratch.order.get(keptCount);
  if (keptCount > SMALL_SORT) {
    // Large problems: the engine's sort, as before (its work array is small beside such a problem).
    const sorted = sortSmall(Array.from(kept.subarray(0, keptCount)), byScore);
    for (let i = 0; i < keptCount; i++) order[i] = sorted[i]!;
    return order;
  }
  // sortSmall's insertion sort on the typed array: the same stable result, nothing allocated.
  for (let i = 0; i < keptCount; i++) order[i] = kept[i]!;
  return insertionSort(order, keptCount, byScore);
}

function suffixMinima(n: number, width: number, values: Float64Array, suffix: Float64Array): Float64Array {
  suffix.fill(Infinity, n * width, (n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let w = 0; w < width; w++) {
      suffix[i * width + w] = Math.min(suffix[(i + 1) * width + w]!, values[i * width + w]!);
    }
  }
  return suffix;
}
