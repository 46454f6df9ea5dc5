import type { ModelScratch } from './model-scratch.js';
import { sortSmall } from './small-sort.js';

/**
 * Dominance pruning of candidates, before the search.
 *
 * `a` weakly dominates `b` when a's fixed cost is no higher, and on every line b can ship (cap > 0) a can
 * ship the whole line at no higher unit cost. Then in any plan b can be replaced by a (or merged into a
 * if a is already in the plan: a holds the whole line, so it can take b's units too) without raising the
 * cost or the number of shipments. The relation is a preorder, so it is safe to drop every candidate that
 * has a strict dominator, and of equivalent candidates all but the lowest index: each dropped candidate
 * keeps a dominator that is not dropped.
 *
 * Lines are compared as bit masks, so orders with more than 30 lines are not pruned (the search stays
 * exact; it only has more candidates).
 */
const MAX_MASK_LINES = 30;

/**
 * Up to this many candidates every pair is compared directly; above it, by groups (below). Both drop
 * exactly the candidates the rule above names (whether some other candidate dominates), so they agree;
 * the direct scan allocates nothing, which is what the flash-sale order's three candidates need.
 */
const DIRECT_MAX = 32;

/**
 * Flags (1 = drop) for candidates that are dominated or cannot ship anything at all, in `scratch.drop`
 * (its first n elements).
 */
export function prunedCandidates(
  n: number,
  L: number,
  qty: Float64Array,
  cap: Float64Array,
  unitCost: Float64Array,
  fixed: Float64Array,
  scratch: ModelScratch,
): Uint8Array {
  const drop = scratch.drop.get(n);
  const ships = scratch.ships.get(n);
  const whole = scratch.whole.get(n);
  drop.fill(0, 0, n);
  ships.fill(0, 0, n);
  whole.fill(0, 0, n);
  for (let c = 0; c < n; c++) {
    let shipsAny = false;
    for (let l = 0; l < L; l++) if (cap[c * L + l]! > 0) shipsAny = true;
    if (!shipsAny) drop[c] = 1;
  }
  if (L > MAX_MASK_LINES) return drop;
  for (let c = 0; c < n; c++) {
    for (let l = 0; l < L; l++) {
      const units = cap[c * L + l]!;
      if (units > 0) ships[c]! |= 1 << l;
      if (units >= qty[l]!) whole[c]! |= 1 << l;
    }
  }

  if (n <= DIRECT_MAX) {
    for (let b = 0; b < n; b++) {
      if (drop[b] === 1) continue;
      for (let a = 0; a < n; a++) {
        if (a === b || whole[a] === 0 || !weakly(a, b, L, fixed, whole, ships, unitCost)) continue;
        if (!weakly(b, a, L, fixed, whole, ships, unitCost) || a < b) {
          drop[b] = 1;
          break;
        }
      }
    }
    return drop;
  }

  // Only candidates that hold some whole line can dominate. They are grouped by the set of lines they
  // hold whole, each group sorted by fixed cost, so a candidate is compared only with groups covering
  // what it ships, and within a group only up to its own fixed cost. (Measured on the bench's
  // 1,000-location networks: ~100 us per problem scanning every dominator, ~71 us grouped.)
  const groups = new Map<number, number[]>();
  for (let c = 0; c < n; c++) {
    if (whole[c] === 0) continue;
    const group = groups.get(whole[c]!);
    if (group === undefined) groups.set(whole[c]!, [c]);
    else group.push(c);
  }
  const byFixed = (a: number, b: number) => fixed[a]! - fixed[b]! || a - b;
  const sorted = [...groups].map(([mask, members]) => ({ mask, members: sortSmall(members, byFixed) }));
  for (let b = 0; b < n; b++) {
    if (drop[b] === 1) continue;
    search: for (const group of sorted) {
      if ((group.mask & ships[b]!) !== ships[b]!) continue;
      for (const a of group.members) {
        if (fixed[a]! > fixed[b]!) break;
        if (a === b || !weakly(a, b, L, fixed, whole, ships, unitCost)) continue;
        if (!weakly(b, a, L, fixed, whole, ships, unitCost) || a < b) {
          drop[b] = 1;
          break search;
        }
      }
    }
  }
  return drop;
}

/** Whether `a` weakly dominates `b` (see above). */
function weakly(a: number, b: number, L: number, fixed: Float64Array, whole: Int32Array, ships: Int32Array, unitCost: Float64Array): boolean {
  if (fixed[a]! > fixed[b]! || (whole[a]! & ships[b]!) !== ships[b]!) return false;
  for (let l = 0; l < L; l++) {
    if ((ships[b]! & (1 << l)) !== 0 && unitCost[a * L + l]! > unitCost[b * L + l]!) return false;
  }
  return true;
}
