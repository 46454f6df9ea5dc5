import type { Allocation } from './allocation.js';
import type { SourcingProblem } from './problem.js';
import type { SolveFallback, SourcingResult } from './result.js';
import { sortSmall } from './small-sort.js';
import { toSourcingResult } from './solve-result.js';

/**
 * Proximity-greedy allocation, as common commerce platforms source: the closest candidate that can ship
 * the whole order alone; otherwise candidates by distance, each taking what it can of what is left
 * (whole lines only unless lines may split). Null if that needs more shipments than allowed.
 * Ignores every cost but distance: it is the baseline the optimizer is measured against.
 */
export function proximityAllocation(problem: SourcingProblem): Allocation | null {
  const L = problem.lines.length;
  const byDistance = sortSmall(
    problem.candidateIds.map((_, c) => c),
    (a, b) => problem.distanceKm[a]! - problem.distanceKm[b]! || a - b,
  );
  const holdsAll = (c: number) => {
    for (let l = 0; l < L; l++) if (problem.stock[c * L + l]! < problem.lines[l]!.qty) return false;
    return true;
  };
  const nearestWithAll = byDistance.find(holdsAll);
  if (nearestWithAll !== undefined) return { members: [nearestWithAll], units: [problem.lines.map((line) => line.qty)] };

  const left = problem.lines.map((line) => line.qty);
  const picked: { c: number; units: number[] }[] = [];
  for (const c of byDistance) {
    if (left.every((q) => q === 0)) break;
    const units = left.map((q, l) => {
      const stock = problem.stock[c * L + l]!;
      if (q === 0 || stock === 0) return 0;
      if (problem.splitLines) return Math.min(q, stock);
      return stock >= q ? q : 0;
    });
    if (units.every((u) => u === 0)) continue;
    if (picked.length === problem.maxShipments) return null;
    units.forEach((u, l) => {
      left[l]! -= u;
    });
    picked.push({ c, units });
  }
  if (left.some((q) => q > 0)) return null;
  picked.sort((a, b) => a.c - b.c);
  return { members: picked.map((p) => p.c), units: picked.map((p) => p.units) };
}

/** The proximity-greedy plan as a result (never proven optimal); `fallback` says why it was used instead. */
export function greedyPlan(problem: SourcingProblem, fallback?: SolveFallback): SourcingResult {
  const started = performance.now();
  const allocation = proximityAllocation(problem);
  return toSourcingResult(problem, {
    allocation,
    proven: false,
    method: 'proximity-greedy',
    ...(fallback === undefined ? {} : { fallback }),
    nodesExplored: 0,
    elapsedMicros: Math.round((performance.now() - started) * 1000),
    candidates: problem.candidateIds.length,
    pruned: 0,
    runnerUps: [],
  });
}
