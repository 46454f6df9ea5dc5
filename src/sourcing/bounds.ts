import type { OpenSet } from './open-set.js';
import type { SearchModel } from './search-model.js';

/**
 * Lower bound on the cost of every plan made of the open set at `depth` plus any candidates i..n-1 (R_i),
 * ignoring the shipment limit: the larger of two admissible bounds.
 * - "One more": the set's fixed cost, plus the cheapest fixed cost in R_i if the set cannot cover the
 *   order alone (at least one more location is needed), plus each line at its cheapest real cost with
 *   fixed costs left out.
 * - "Amortized": the set's fixed cost plus each line at its cheapest cost with R_i's fixed costs shared
 *   out over the lines each location could serve (see SearchModel).
 * The first is cheaper and settles most nodes, so the second is computed only if the first does not
 * reach `pruneAbove`. Both never decrease as i grows.
 */
export function lowerBound(m: SearchModel, set: OpenSet, depth: number, i: number, pruneAbove: number): number {
  const { L, split } = m;
  const base = set.fixedAt[depth]!;
  let oneMore = base + (set.covered[depth] === 1 ? 0 : m.fixedSuffixMin[i]!);
  for (let l = 0; l < L; l++) {
    const rest = m.plainSuffixMin[i * L + l]!;
    if (split) {
      oneMore += fillAtPrice(m, set, depth, l, rest);
    } else {
      const own = set.lineBest[depth * L + l]!;
      oneMore += own < rest ? own : rest;
    }
  }
  if (oneMore >= pruneAbove) return oneMore;
  let amortized = base;
  for (let l = 0; l < L; l++) {
    if (split) {
      amortized += fillFromSuffix(m, set, depth, l, i);
    } else {
      const own = set.lineBest[depth * L + l]!;
      const rest = m.amortizedSuffixMin[i * L + l]!;
      amortized += own < rest ? own : rest;
    }
  }
  return amortized > oneMore ? amortized : oneMore;
}

/** Cheapest fill of line l from the open set, any units beyond what it holds at `price` each. */
function fillAtPrice(m: SearchModel, set: OpenSet, depth: number, l: number, price: number): number {
  const at = (depth * m.L + l) * m.k;
  const len = set.entries[depth * m.L + l]!;
  let need = m.qty[l]!;
  let total = 0;
  for (let e = 0; e < len && need > 0 && set.entryCost[at + e]! < price; e++) {
    const take = Math.min(need, set.entryUnits[at + e]!);
    total += take * set.entryCost[at + e]!;
    need -= take;
  }
  return need > 0 ? total + need * price : total;
}

/** Cheapest fill of line l from the open set (real unit costs) and R_i (amortized unit costs). */
function fillFromSuffix(m: SearchModel, set: OpenSet, depth: number, l: number, i: number): number {
  const L = m.L;
  const fills = m.amortizedFills!;
  const at = (depth * L + l) * m.k;
  const len = set.entries[depth * L + l]!;
  const row = i * fills.width + fills.offset[l]!;
  const rowLen = fills.count[i * L + l]!;
  let need = m.qty[l]!;
  let total = 0;
  let a = 0;
  let b = 0;
  while (need > 0) {
    const fromSet = a < len ? set.entryCost[at + a]! : Infinity;
    const fromRest = b < rowLen ? fills.cost[row + b]! : Infinity;
    if (fromSet === Infinity && fromRest === Infinity) {
      // R_i's list stops short of the quantity only if it is open: further units cost at least its last entry.
      return fills.open[i * L + l] === 1 ? total + need * fills.cost[row + rowLen - 1]! : Infinity;
    }
    let take: number;
    if (fromSet <= fromRest) {
      take = Math.min(need, set.entryUnits[at + a++]!);
      total += take * fromSet;
    } else {
      take = Math.min(need, fills.units[row + b++]!);
      total += take * fromRest;
    }
    need -= take;
  }
  return total;
}
