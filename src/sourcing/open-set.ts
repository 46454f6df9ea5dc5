import type { SearchModel } from './search-model.js';

/**
 * The location set along the current search path, one level per depth: level d holds the first d
 * members. Adding a member derives level d+1 from level d, so backtracking is free (the deeper levels are
 * simply overwritten). All state is in typed arrays sized once: the search allocates nothing per node.
 *
 * Without split lines a level keeps, per line, the cheapest member holding the whole line; with split
 * lines, the members that hold some of the line, ordered by unit cost. Ties go to the lower problem
 * index, as in allocateToSet, so "which member serves" agrees with the allocation built at the end.
 */
export class OpenSet {
  readonly members: Int32Array;
  /** Fixed cost of each level. */
  readonly fixedAt: Float64Array;
  /** Whether each level can cover the order on its own (set by the search after costing it). */
  readonly covered: Uint8Array;
  /** Without split: per level and line, cost of the whole line at the cheapest member (Infinity if none)... */
  readonly lineBest: Float64Array;
  /** ...and that member's position in `members` (-1 if none). */
  readonly lineBy: Int32Array;
  /** With split: per level and line, up to k entries (unit cost, units, member position) by unit cost. */
  readonly entryCost: Float64Array;
  readonly entryUnits: Float64Array;
  readonly entryBy: Int32Array;
  readonly entries: Int32Array;
  #m: SearchModel;
  readonly #used: Uint8Array;

  constructor(model: SearchModel) {
    const { k, L, split } = model;
    this.#m = model;
    this.members = new Int32Array(k);
    this.fixedAt = new Float64Array(k + 1);
    this.covered = new Uint8Array(k + 1);
    this.lineBest = new Float64Array(split ? 0 : (k + 1) * L).fill(Infinity);
    this.lineBy = new Int32Array(split ? 0 : (k + 1) * L).fill(-1);
    this.entryCost = new Float64Array(split ? (k + 1) * L * k : 0);
    this.entryUnits = new Float64Array(split ? (k + 1) * L * k : 0);
    this.entryBy = new Int32Array(split ? (k + 1) * L * k : 0);
    this.entries = new Int32Array(split ? (k + 1) * L : 0);
    this.#used = new Uint8Array(k);
  }

  /** Whether this set's arrays have the sizes a search over `model` needs. */
  fits(model: SearchModel): boolean {
    const m = this.#m;
    return m.k === model.k && m.L === model.L && m.split === model.split;
  }

  /** Makes this set exactly as `new OpenSet(model)` would be, for a model it `fits`, without allocating. */
  reset(model: SearchModel): void {
    this.#m = model;
    this.members.fill(0);
    this.fixedAt.fill(0);
    this.covered.fill(0);
    this.lineBest.fill(Infinity);
    this.lineBy.fill(-1);
    this.entryCost.fill(0);
    this.entryUnits.fill(0);
    this.entryBy.fill(0);
    this.entries.fill(0);
    this.#used.fill(0);
  }

  /** Level depth+1 = level depth plus candidate i. */
  push(depth: number, i: number): void {
    const m = this.#m;
    const { L, k, cap, unitCost, qty, source } = m;
    this.members[depth] = i;
    this.fixedAt[depth + 1] = this.fixedAt[depth]! + m.fixed[i]!;
    const rank = source[i]!;
    if (!m.split) {
      const from = depth * L;
      const to = from + L;
      for (let l = 0; l < L; l++) {
        const own = cap[i * L + l]! > 0 ? unitCost[i * L + l]! * qty[l]! : Infinity;
        const best = this.lineBest[from + l]!;
        const by = this.lineBy[from + l]!;
        const wins = own < best || (own === best && own !== Infinity && rank < source[this.members[by]!]!);
        this.lineBest[to + l] = wins ? own : best;
        this.lineBy[to + l] = wins ? depth : by;
      }
      return;
    }
    for (let l = 0; l < L; l++) {
      const from = (depth * L + l) * k;
      const to = ((depth + 1) * L + l) * k;
      const len = this.entries[depth * L + l]!;
      const units = cap[i * L + l]!;
      const cost = unitCost[i * L + l]!;
      let w = 0;
      let inserted = units === 0;
      for (let e = 0; e < len; e++) {
        const other = this.entryCost[from + e]!;
        if (!inserted && (cost < other || (cost === other && rank < source[this.members[this.entryBy[from + e]!]!]!))) {
          this.#write(to + w++, cost, units, depth);
          inserted = true;
        }
        this.#write(to + w++, other, this.entryUnits[from + e]!, this.entryBy[from + e]!);
      }
      if (!inserted) this.#write(to + w++, cost, units, depth);
      this.entries[(depth + 1) * L + l] = w;
    }
  }

  /** Exact cost of level `depth` (members that ship nothing included); Infinity if it cannot cover the order. */
  cost(depth: number): number {
    const { L, k, qty, split } = this.#m;
    let total = this.fixedAt[depth]!;
    for (let l = 0; l < L; l++) {
      if (!split) {
        total += this.lineBest[depth * L + l]!;
        continue;
      }
      let need = qty[l]!;
      const at = (depth * L + l) * k;
      const len = this.entries[depth * L + l]!;
      for (let e = 0; e < len && need > 0; e++) {
        const take = Math.min(need, this.entryUnits[at + e]!);
        total += take * this.entryCost[at + e]!;
        need -= take;
      }
      if (need > 0) return Infinity;
    }
    return total;
  }

  /**
   * Whether every member of a covering level ships something. A level with an idle member is the same
   * plan as the level without it (at a higher cost), which the search evaluates on its own.
   */
  allMembersUsed(depth: number): boolean {
    const { L, k, qty, split } = this.#m;
    const used = this.#used;
    used.fill(0);
    for (let l = 0; l < L; l++) {
      if (!split) {
        used[this.lineBy[depth * L + l]!] = 1;
        continue;
      }
      let need = qty[l]!;
      const at = (depth * L + l) * k;
      for (let e = 0; need > 0; e++) {
        used[this.entryBy[at + e]!] = 1;
        need -= Math.min(need, this.entryUnits[at + e]!);
      }
    }
    for (let d = 0; d < depth; d++) if (used[d] === 0) return false;
    return true;
  }

  #write(at: number, cost: number, units: number, by: number): void {
    this.entryCost[at] = cost;
    this.entryUnits[at] = units;
    this.entryBy[at] = by;
  }
}

/**
 * The open set of the last search, for the next search of the same shape: ten typed arrays per solve were
 * ~1.9 KB of each flash-sale order's allocation, and consecutive orders mostly have the same shape. A set
 * is taken out while a search uses it, so two searches never share one.
 */
let spare: OpenSet | undefined;

/** An open set for a search over `model`: the spare one reset when it fits, else a new one. */
export function takeOpenSet(model: SearchModel): OpenSet {
  const set = spare;
  if (set === undefined || !set.fits(model)) return new OpenSet(model);
  spare = undefined;
  set.reset(model);
  return set;
}

/** Hands a set back once its search finished (it must not be used after). */
export function releaseOpenSet(set: OpenSet): void {
  spare = set;
}
