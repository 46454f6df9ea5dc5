import { allocateToSet, allocationCost, type Allocation } from './allocation.js';
import { lowerBound } from './bounds.js';
import { releaseOpenSet, takeOpenSet, type OpenSet } from './open-set.js';
import type { SourcingProblem } from './problem.js';
import { RankedPlans } from './ranked-plans.js';
import type { SearchModel } from './search-model.js';

/** When to stop: a deadline on `performance.now()` and a node limit (the deterministic one). */
export interface SearchLimits {
  readonly deadline: number;
  readonly maxNodes: number;
  /** How many plans besides the best to rank. */
  readonly runnerUps: number;
}

export interface SearchOutcome {
  /** Cheapest first; the first is the best plan found. */
  readonly plans: readonly Allocation[];
  readonly nodes: number;
  /** True if the whole tree was searched or pruned: the first plan is optimal, the others the next-cheapest. */
  readonly complete: boolean;
}

/** Check the clock every this many nodes (a power of two): reading it costs more than a node. */
const CLOCK_EVERY = 128;

/**
 * Branch and bound over location sets. With the set of open locations fixed the allocation is easy (see
 * allocateToSet), so the tree enumerates sets in search order: a node adds one later candidate to its
 * parent's set. A node's loop over candidates stops at the first i whose bound (see lowerBound) reaches
 * the ranking's threshold, since bounds only grow with i. `incumbent` (a valid plan, allocated at least
 * cost for its set) seeds the ranking.
 */
export function branchAndBound(
  problem: SourcingProblem,
  model: SearchModel,
  incumbent: Allocation | null,
  limits: SearchLimits,
): SearchOutcome {
  const ranked = new RankedPlans(limits.runnerUps);
  if (incumbent !== null) {
    ranked.offer(allocationCost(problem, incumbent), Int32Array.from(incumbent.members), incumbent.members.length);
  }
  const search = new Search(model, ranked, limits);
  const complete = search.run();
  search.release();
  const plans: Allocation[] = [];
  for (const s of ranked.sets) {
    // The incumbent is already that set's allocation (allocateToSet is deterministic, and the incumbent's
    // members are the ones that ship): on the flash-sale order it is usually the best plan, built twice.
    if (incumbent !== null && sameMembers(s.members, incumbent.members)) {
      plans.push(incumbent);
      continue;
    }
    const allocation = allocateToSet(problem, Array.from(s.members));
    if (allocation !== null) plans.push(allocation);
  }
  return { plans, nodes: search.nodes, complete };
}

function sameMembers(a: Int32Array, b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

class Search {
  nodes = 0;
  readonly #m: SearchModel;
  readonly #ranked: RankedPlans;
  readonly #limits: SearchLimits;
  readonly #set: OpenSet;
  /** Scratch for the current set's problem indexes, ascending. */
  readonly #sorted: Int32Array;
  #aborted = false;

  constructor(model: SearchModel, ranked: RankedPlans, limits: SearchLimits) {
    this.#m = model;
    this.#ranked = ranked;
    this.#limits = limits;
    this.#set = takeOpenSet(model);
    this.#sorted = new Int32Array(model.k);
  }

  /** Gives the open set back for the next search; this search must not run again. */
  release(): void {
    releaseOpenSet(this.#set);
  }

  /** Searches the tree; true if it finished within the limits. */
  run(): boolean {
    if (this.#m.k > 0) this.#descend(0, 0);
    return !this.#aborted;
  }

  #descend(depth: number, start: number): void {
    const { n, k } = this.#m;
    const set = this.#set;
    for (let i = start; i < n; i++) {
      const pruneAbove = this.#ranked.pruneAbove();
      if (lowerBound(this.#m, set, depth, i, pruneAbove) >= pruneAbove) return;
      set.push(depth, i);
      if ((++this.nodes & (CLOCK_EVERY - 1)) === 0 && this.#outOfBudget()) return;
      const cost = set.cost(depth + 1);
      set.covered[depth + 1] = cost === Infinity ? 0 : 1;
      if (cost < pruneAbove && set.allMembersUsed(depth + 1)) this.#rank(depth + 1, cost);
      if (depth + 1 < k) this.#descend(depth + 1, i + 1);
      if (this.#aborted) return;
    }
  }

  #rank(depth: number, cost: number): void {
    const sorted = this.#sorted;
    for (let d = 0; d < depth; d++) {
      const c = this.#m.source[this.#set.members[d]!]!;
      let at = d;
      while (at > 0 && sorted[at - 1]! > c) sorted[at] = sorted[--at]!;
      sorted[at] = c;
    }
    // Every set is visited once, so only the incumbent can already be ranked.
    if (!this.#ranked.has(sorted, depth)) this.#ranked.offer(cost, sorted, depth);
  }

  #outOfBudget(): boolean {
    if (this.nodes >= this.#limits.maxNodes || performance.now() > this.#limits.deadline) this.#aborted = true;
    return this.#aborted;
  }
}
