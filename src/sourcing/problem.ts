/** Why a location cannot ship an order; `detail` carries the specifics (capability, local time...). */
export type ExclusionCode =
  | 'excluded_by_request'
  | 'not_the_collect_location'
  | 'status'
  | 'missing_capability'
  | 'destination_not_allowed'
  | 'no_international_shipping'
  | 'daily_capacity_reached'
  | 'open_orders_limit'
  | 'carrier_cutoff_passed'
  | 'invalid_location_data'
  | 'too_far'
  | 'plugin_filter'
  | 'no_stock';

export interface ExclusionReason {
  readonly code: ExclusionCode;
  readonly detail?: string;
}

/** A location that is not a candidate, with every reason that applies. */
export interface ExcludedLocation {
  readonly location: string;
  readonly reasons: readonly ExclusionReason[];
}

/** A line of the problem; lines of the request with the same SKU are merged (stock is per SKU). */
export interface ProblemLine {
  readonly sku: string;
  readonly qty: number;
}

/**
 * Everything the optimizer needs, as plain data: structured-clone safe so it can be posted to a worker.
 * Matrices are flat typed arrays, row-major by candidate: `stock[c * lines.length + l]`.
 * Costs are linear: shipping `u` units of line `l` from candidate `c` costs `u * unitCost[c, l]`, and
 * using candidate `c` at all costs `fixedCost[c]` once. Every unit cost is the sum of its named terms.
 */
export interface SourcingProblem {
  readonly profileId: string;
  readonly profileVersion: number;
  readonly strategyId: string;
  readonly lines: readonly ProblemLine[];
  /** Most locations the plan may use (>= 1). */
  readonly maxShipments: number;
  /** Whether one line may be split across locations. */
  readonly splitLines: boolean;
  /**
   * Candidates: locations that passed the hard filters and hold stock of at least one line, by id.
   * Ids and distances are kept as two arrays rather than an array of objects: cloning a problem of 400
   * candidates for a worker measured ~185 us with objects and ~70 us this way (bench machine, see LIMITS.md).
   */
  readonly candidateIds: readonly string[];
  /** Distance to the destination per candidate, km. */
  readonly distanceKm: Float64Array;
  /** Units available, candidates x lines. */
  readonly stock: Float64Array;
  /** Cost per unit, candidates x lines: the sum of `unitTerms` over terms. */
  readonly unitCost: Float64Array;
  readonly unitTermNames: readonly string[];
  /** Cost per unit by term, candidates x lines x unitTermNames. */
  readonly unitTerms: Float64Array;
  /** Cost of using a candidate at all (>= 0): the sum of `fixedTerms`. */
  readonly fixedCost: Float64Array;
  readonly fixedTermNames: readonly string[];
  /** Fixed cost by term, candidates x fixedTermNames. */
  readonly fixedTerms: Float64Array;
  /** Locations that are not candidates, in the order the network listed them. */
  readonly excluded: readonly ExcludedLocation[];
  /**
   * Age in days of each candidate's stock of each line (candidates x lines, NaN where unknown), as the
   * inventory-age term priced it; absent when no age is known. For explanations: the costs carry the term.
   */
  readonly ageDays?: Float64Array;
  /**
   * Set when the strategy's `nearest` filter ended the walk over the network before its end: the candidates
   * are the `limit` nearest (plus `complete`, the nearest location that could ship the whole order, when none
   * of those could), all within `withinKm`; farther locations were not looked at.
   */
  readonly nearest?: { readonly limit: number; readonly withinKm: number; readonly complete?: string };
}

/** Units of line `line` at candidate `candidate`. */
export function stockAt(problem: SourcingProblem, candidate: number, line: number): number {
  return problem.stock[candidate * problem.lines.length + line] ?? 0;
}

/** Cost per unit of line `line` from candidate `candidate`. */
export function unitCostAt(problem: SourcingProblem, candidate: number, line: number): number {
  return problem.unitCost[candidate * problem.lines.length + line] ?? 0;
}

/** Size of the search, candidates x lines: what decides inline vs pool (see pool.ts). */
export function problemWork(problem: SourcingProblem): number {
  return problem.candidateIds.length * problem.lines.length;
}
