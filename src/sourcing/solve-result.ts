import { allocationCost, type Allocation } from './allocation.js';
import type { SourcingProblem } from './problem.js';
import type { CostBreakdown, PlannedShipment, ShipmentCost, SolveFallback, SolveMethod, SourcingPlan, SourcingResult } from './result.js';
import { findShortLines } from './short-lines.js';

/** What a solver found, before it is turned into a result. */
export interface SolveOutcome {
  readonly allocation: Allocation | null;
  readonly proven: boolean;
  readonly method: SolveMethod;
  readonly nodesExplored: number;
  readonly elapsedMicros: number;
  readonly candidates: number;
  readonly pruned: number;
  /** Other allocations, cheapest first. */
  readonly runnerUps: readonly Allocation[];
  readonly fallback?: SolveFallback;
}

/** Prices an outcome and turns it into the public result shape. */
export function toSourcingResult(problem: SourcingProblem, outcome: SolveOutcome): SourcingResult {
  const allocation = outcome.allocation;
  const shortLines = allocation === null ? findShortLines(problem) : [];
  const cost = allocation === null ? null : allocationCost(problem, allocation);
  return {
    profileId: problem.profileId,
    profileVersion: problem.profileVersion,
    strategyId: problem.strategyId,
    plan: allocation === null ? null : toPlan(problem, allocation),
    cost,
    breakdown: allocation === null ? null : costBreakdown(problem, allocation),
    proven: outcome.proven,
    method: outcome.method,
    ...(outcome.fallback === undefined ? {} : { fallback: outcome.fallback }),
    nodesExplored: outcome.nodesExplored,
    elapsedMicros: outcome.elapsedMicros,
    candidates: outcome.candidates,
    pruned: outcome.pruned,
    runnerUps: outcome.runnerUps.map((a) => ({ plan: toPlan(problem, a), cost: allocationCost(problem, a) })),
    excluded: problem.excluded,
    infeasibility: allocation !== null ? null : shortLines.length > 0 ? 'short_stock' : 'split_limit',
    shortLines,
  };
}

/** The shipments of an allocation, in candidate order (location id order). */
export function toPlan(problem: SourcingProblem, allocation: Allocation): SourcingPlan {
  // Plain loops (every solve builds a plan): the map and flatMap with their closures were ~1.5 µs of the
  // flash-sale order's solve in the in-process profile.
  const shipments: PlannedShipment[] = [];
  for (let m = 0; m < allocation.members.length; m++) {
    const units = allocation.units[m]!;
    const lines: { sku: string; qty: number }[] = [];
    for (let l = 0; l < problem.lines.length; l++) if (units[l]! > 0) lines.push({ sku: problem.lines[l]!.sku, qty: units[l]! });
    shipments.push({ location: problem.candidateIds[allocation.members[m]!]!, lines });
  }
  return { shipments };
}

/**
 * Cost of an allocation by term and by shipment; per-unit terms are multiplied by the units shipped. Plain
 * loops: every solve builds it (intake included), and the spread of the term names, the closures and the
 * entry pairs of `Object.entries` were ~1.5 KB of each flash-sale order's allocation.
 */
export function costBreakdown(problem: SourcingProblem, allocation: Allocation): CostBreakdown {
  const L = problem.lines.length;
  const { fixedTermNames, unitTermNames } = problem;
  const U = unitTermNames.length;
  const F = fixedTermNames.length;
  const totals: Record<string, number> = {};
  for (let f = 0; f < F; f++) totals[fixedTermNames[f]!] = 0;
  for (let u = 0; u < U; u++) totals[unitTermNames[u]!] = 0;
  const shipments = new Array<ShipmentCost>(allocation.members.length);
  for (let m = 0; m < allocation.members.length; m++) {
    const c = allocation.members[m]!;
    const units = allocation.units[m]!;
    const terms: Record<string, number> = {};
    for (let f = 0; f < F; f++) terms[fixedTermNames[f]!] = problem.fixedTerms[c * F + f]!;
    for (let u = 0; u < U; u++) {
      let sum = 0;
      for (let l = 0; l < L; l++) {
        const qty = units[l]!;
        if (qty > 0) sum += qty * problem.unitTerms[(c * L + l) * U + u]!;
      }
      terms[unitTermNames[u]!] = sum;
    }
    // Summed once per name, in the order the names were set (a name in both lists counts its unit value).
    let total = 0;
    for (const name in terms) {
      total += terms[name]!;
      totals[name]! += terms[name]!;
    }
    shipments[m] = { location: problem.candidateIds[c]!, distanceKm: problem.distanceKm[c]!, total, terms };
  }
  return { total: allocationCost(problem, allocation), terms: totals, shipments };
}
