import { prunedCandidates } from './dominance.js';
import type { SourcingProblem } from './problem.js';
import { suffixFills, type SuffixFills } from './suffix-fill.js';
import { sortSmall } from './small-sort.js';

/**
 * The arrays the branch and bound works on, derived once per problem. Candidates are re-indexed
 * 0..n-1 in search order (most promising first); `source[i]` is the problem's candidate index.
 * Matrices are n x L, row-major; "suffix" arrays have n + 1 rows, row i covering candidates i..n-1.
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

/** Builds the search model: prunes dominated candidates and orders the rest most promising first. */
export function createSearchModel(problem: SourcingProblem, dominance: boolean): SearchModel {
  const L = problem.lines.length;
  const split = problem.splitLines;
  const all = problem.candidateIds.length;
  const qty = Float64Array.from(problem.lines, (line) => line.qty);
  const capAll = new Float64Array(all * L);
  for (let c = 0; c < all; c++) {
    for (let l = 0; l < L; l++) {
      const stock = problem.stock[c * L + l]!;
      capAll[c * L + l] = split ? Math.min(stock, qty[l]!) : stock >= qty[l]! ? qty[l]! : 0;
    }
  }
  const drop = dominance
    ? prunedCandidates(all, L, qty, capAll, problem.unitCost, problem.fixedCost)
    : Uint8Array.from(problem.candidateIds, (_, c) => (capAll.subarray(c * L, c * L + L).some((u) => u > 0) ? 0 : 1));
  const kept: number[] = [];
  for (let c = 0; c < all; c++) if (drop[c] === 0) kept.push(c);
  const amortizedAll = amortizedCosts(all, L, kept, split, qty, capAll, problem.unitCost, problem.fixedCost);
  const order = searchOrder(kept, L, split, qty, amortizedAll);

  const n = order.length;
  const pick = (from: Float64Array, width: number) => {
    const to = new Float64Array(n * width);
    for (let i = 0; i < n; i++) for (let w = 0; w < width; w++) to[i * width + w] = from[order[i]! * width + w]!;
    return to;
  };
  const cap = pick(capAll, L);
  const unitCost = pick(problem.unitCost, L);
  const fixed = pick(problem.fixedCost, 1);
  const amortized = pick(amortizedAll, L);
  const plain = new Float64Array(n * L);
  for (let x = 0; x < n * L; x++) plain[x] = cap[x]! === 0 ? Infinity : split ? unitCost[x]! : unitCost[x]! * qty[x % L]!;
  return {
    n,
    L,
    k: Math.min(problem.maxShipments, split ? qty.reduce((a, b) => a + b, 0) : L),
    split,
    pruned: all - n,
    source: Int32Array.from(order),
    qty,
    cap,
    unitCost,
    fixed,
    fixedSuffixMin: suffixMinima(n, 1, fixed),
    plainSuffixMin: suffixMinima(n, L, plain),
    amortizedSuffixMin: split ? new Float64Array(0) : suffixMinima(n, L, amortized),
    amortizedFills: split ? suffixFills(n, L, qty, cap, amortized) : null,
  };
}

/** Amortized costs (see SearchModel); Infinity where the candidate cannot ship the line. */
function amortizedCosts(
  all: number,
  L: number,
  kept: readonly number[],
  split: boolean,
  qty: Float64Array,
  cap: Float64Array,
  unitCost: Float64Array,
  fixed: Float64Array,
): Float64Array {
  const amortized = new Float64Array(all * L).fill(Infinity);
  for (const c of kept) {
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
 * pruning. Ties by problem index, so the order (and the plan) is deterministic.
 */
function searchOrder(kept: number[], L: number, split: boolean, qty: Float64Array, amortized: Float64Array): number[] {
  const lineCost = (c: number, l: number) => amortized[c * L + l]! * (split ? qty[l]! : 1);
  const worst = new Float64Array(L);
  for (const c of kept) {
    for (let l = 0; l < L; l++) if (lineCost(c, l) !== Infinity) worst[l] = Math.max(worst[l]!, lineCost(c, l));
  }
  const score = new Float64Array(amortized.length / Math.max(1, L));
  for (const c of kept) {
    let s = 0;
    for (let l = 0; l < L; l++) s += lineCost(c, l) === Infinity ? worst[l]! : lineCost(c, l);
    score[c] = s;
  }
  return sortSmall(kept, (a, b) => score[a]! - score[b]! || a - b);
}

function suffixMinima(n: number, width: number, values: Float64Array): Float64Array {
  const suffix = new Float64Array((n + 1) * width).fill(Infinity);
  for (let i = n - 1; i >= 0; i--) {
    for (let w = 0; w < width; w++) {
      suffix[i * width + w] = Math.min(suffix[(i + 1) * width + w]!, values[i * width + w]!);
    }
  }
  return suffix;
}
