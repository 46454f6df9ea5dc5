/**
 * Plans whose costs differ by less than this (relative) count as equal: a plan must beat a ranked one by more
 * to go before it, and a subtree whose bound comes within it of the threshold is pruned. Keeps the
 * first-found plan among equals (determinism) and makes rounding in the bounds harmless.
 */
export const TOLERANCE = 1e-9;

/** A location set (problem candidate indexes, ascending) with the cost of its best allocation. */
export interface RankedSet {
  readonly cost: number;
  readonly members: Int32Array;
}

/**
 * The cheapest distinct location sets seen so far: the best plan and up to `runnerUps` others, cheapest
 * first, first-found first among equals. Sets are kept as index arrays; allocations are built only for
 * the final ranking, so the search allocates nothing per node.
 */
export class RankedPlans {
  readonly #capacity: number;
  readonly #sets: RankedSet[] = [];

  constructor(runnerUps: number) {
    this.#capacity = runnerUps + 1;
  }

  get sets(): readonly RankedSet[] {
    return this.#sets;
  }

  /**
   * Bounds at or above this cannot produce a set worth ranking: Infinity until the ranking is full, then
   * the last-ranked cost less the tolerance. Pruning against the last-ranked set rather than the best
   * makes the runner-ups exact, at the price of a weaker cut-off.
   */
  pruneAbove(): number {
    if (this.#sets.length < this.#capacity) return Infinity;
    const last = this.#sets[this.#sets.length - 1]!.cost;
    return last - TOLERANCE * Math.max(1, Math.abs(last));
  }

  /** Whether `members` (ascending) is already ranked. */
  has(members: Int32Array, length: number): boolean {
    return this.#sets.some((s) => s.members.length === length && s.members.every((m, i) => m === members[i]));
  }

  /** Ranks a set if it is among the cheapest; `members` is copied. */
  offer(cost: number, members: Int32Array, length: number): void {
    const sets = this.#sets;
    let at = sets.length;
    while (at > 0 && cost < sets[at - 1]!.cost - TOLERANCE * Math.max(1, Math.abs(sets[at - 1]!.cost))) at--;
    if (at >= this.#capacity) return;
    sets.splice(at, 0, { cost, members: members.slice(0, length) });
    if (sets.length > this.#capacity) sets.pop();
  }
}
