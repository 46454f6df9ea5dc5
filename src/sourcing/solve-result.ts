import { allocationCost, type Allocation } from './allocation.js';
import type { SourcingProblem } from './problem.js';
import type { CostBreakdown, ShipmentCost, SolveFallback, SolveMethod, SourcingPlan, SourcingResult } from './result.js';
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
  return {
    shipments: allocation.members.map((c, m) => ({
      location: problem.candidateIds[c]!,
      lines: problem.lines.flatMap((line, l) => {
        const qty = allocation.units[m]![l]!;
        return qty > 0 ? [{ sku: line.sku, qty }] : [];
      }),
    })),
  };
}

/** Cost of an allocation by term and by shipment; per-unit terms are multiplied by the units shipped. */
export function costBreakdown(problem: SourcingProblem, allocation: Allocation): CostBreakdown {
  const L = problem.lines.length;
  const U = problem.unitTermNames.length;
  const F = problem.fixedTermNames.length;
  const totals: Record<string, number> = {};
  for (const name of [...problem.fixedTermNames, ...problem.unitTermNames]) totals[name] = 0;
  const shipments = allocation.members.map((c, m): ShipmentCost => {
    const terms: Record<string, number> = {};
    problem.fixedTermNames.forEach((name, f) => {
      terms[name] = problem.fixedTerms[c * F + f]!;
    });
    problem.unitTermNames.forEach((name, u) => {
      let sum = 0;
      for (let l = 0; l < L; l++) {
        const qty = allocation.units[m]![l]!;
        if (qty > 0) sum += qty * problem.unitTerms[(c * L + l) * U + u]!;
      }
      terms[name] = sum;
    });
    let total = 0;
    for (const [name, value] of Object.entries(terms)) {
      total += value;
      totals[name]! += value;
    }
    return { location: problem.candidateIds[c]!, distanceKm: problem.distanceKm[c]!, total, terms };
  });
  return { total: allocationCost(problem, allocation), terms: totals, shipments };
}
