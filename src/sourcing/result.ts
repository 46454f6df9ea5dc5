import type { ExcludedLocation } from './problem.js';

export interface PlannedLine {
  readonly sku: string;
  readonly qty: number;
}

/** Units one location ships. Same shape as the domain's `Shipment`. */
export interface PlannedShipment {
  readonly location: string;
  readonly lines: readonly PlannedLine[];
}

/** A proposal: every unit of every line assigned. The engine re-checks it against live stock. */
export interface SourcingPlan {
  readonly shipments: readonly PlannedShipment[];
}

/** Cost of one shipment, by term (fixed terms and unit terms times units). */
export interface ShipmentCost {
  readonly location: string;
  readonly distanceKm: number;
  readonly total: number;
  readonly terms: Readonly<Record<string, number>>;
}

/** Cost of a plan: total, by term, and by shipment. */
export interface CostBreakdown {
  readonly total: number;
  readonly terms: Readonly<Record<string, number>>;
  readonly shipments: readonly ShipmentCost[];
}

/** An alternative plan the search evaluated, with its cost. */
export interface RankedPlan {
  readonly plan: SourcingPlan;
  readonly cost: number;
}

/** A line the candidates cannot cover: not enough units, or no single location has all (no split). */
export interface ShortLine {
  readonly sku: string;
  readonly qty: number;
  /** Units across all candidates. */
  readonly available: number;
  /** Most units one candidate holds. */
  readonly maxAtOneLocation: number;
}

/** Why there is no plan: stock is short, or covering the order needs more shipments than allowed. */
export type Infeasibility = 'short_stock' | 'split_limit';

export type SolveMethod = 'branch-and-bound' | 'proximity-greedy';

/** Why a pooled solve fell back to the greedy plan. */
export interface SolveFallback {
  readonly reason: 'worker_crash' | 'worker_timeout';
  readonly message: string;
}

/** The outcome of one solve of one problem. */
export interface SourcingResult {
  readonly profileId: string;
  readonly profileVersion: number;
  readonly strategyId: string;
  readonly plan: SourcingPlan | null;
  readonly cost: number | null;
  readonly breakdown: CostBreakdown | null;
  /** True when the plan is the minimum-cost plan (or infeasibility is certain); false after a budget cut-off or fallback. */
  readonly proven: boolean;
  readonly method: SolveMethod;
  readonly fallback?: SolveFallback;
  /** Location sets evaluated. */
  readonly nodesExplored: number;
  readonly elapsedMicros: number;
  /** Candidates, and how many were dropped before the search (dominated, or unable to ship any line). */
  readonly candidates: number;
  readonly pruned: number;
  /** The next-cheapest plans on other location sets, cheapest first (dominated locations left out; exact when proven). */
  readonly runnerUps: readonly RankedPlan[];
  readonly excluded: readonly ExcludedLocation[];
  readonly infeasibility: Infeasibility | null;
  readonly shortLines: readonly ShortLine[];
}
