import { DomainError } from '../domain/errors.js';
import { allocateToSet } from './allocation.js';
import { branchAndBound, type SearchOutcome } from './branch-and-bound.js';
import { proximityAllocation } from './greedy.js';
import type { SourcingProblem } from './problem.js';
import type { SourcingResult } from './result.js';
import { releaseModelScratch, takeModelScratch } from './model-scratch.js';
import { createSearchModel } from './search-model.js';
import { findShortLines } from './short-lines.js';
import { toSourcingResult } from './solve-result.js';

export interface OptimizeOptions {
  /** Wall-clock budget; past it the best plan found so far is returned with proven=false. Default 100. */
  readonly budgetMs?: number;
  /** Node budget, for a cut-off that does not depend on machine speed. Default unlimited. */
  readonly maxNodes?: number;
  /**
   * Next-cheapest plans (other location sets) to rank and report. Exact: the search prunes against the
   * last-ranked plan instead of the best, which costs time (bench/results/sourcing.md); 0 is fastest.
   * Default 3.
   */
  readonly runnerUps?: number;
  /** Drop dominated candidates before the search (on by default; off only to measure or test it). */
  readonly dominance?: boolean;
}

export const DEFAULT_BUDGET_MS = 100;
const DEFAULT_RUNNER_UPS = 3;

/**
 * The minimum-cost plan for a problem: every unit assigned, stock respected, at most `maxShipments`
 * locations, lines split only when allowed. Exact (proven=true) unless the budget runs out; the same
 * problem and options give the same plan whenever the search completes. Pure apart from reading the
 * monotonic clock for the budget and the elapsed time.
 */
export function optimize(problem: SourcingProblem, options: OptimizeOptions = {}): SourcingResult {
  const started = performance.now();
  const budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
  const maxNodes = options.maxNodes ?? Infinity;
  const runnerUps = options.runnerUps ?? DEFAULT_RUNNER_UPS;
  checkOptions(budgetMs, maxNodes, runnerUps);
  const elapsed = () => Math.round((performance.now() - started) * 1000);

  if (findShortLines(problem).length > 0) {
    return toSourcingResult(problem, {
      allocation: null,
      proven: true,
      method: 'branch-and-bound',
      nodesExplored: 0,
      elapsedMicros: elapsed(),
      candidates: problem.candidateIds.length,
      pruned: 0,
      runnerUps: [],
    });
  }
  const scratch = takeModelScratch();
  let outcome: SearchOutcome;
  let pruned: number;
  try {
    const model = createSearchModel(problem, options.dominance ?? true, scratch);
    pruned = model.pruned;
    // The proximity plan's locations are a valid incumbent from the start, allocated at least cost: the
    // search ranks one allocation per location set, so it must be that set's best one.
    const greedy = proximityAllocation(problem);
    const incumbent = greedy === null ? null : allocateToSet(problem, greedy.members);
    outcome = branchAndBound(problem, model, incumbent, {
      deadline: started + budgetMs,
      maxNodes,
      runnerUps,
    });
  } finally {
    // Nothing reads the model past the search: its arrays go to the next solve.
    releaseModelScratch(scratch);
  }
  return toSourcingResult(problem, {
    allocation: outcome.plans[0] ?? null,
    proven: outcome.complete,
    method: 'branch-and-bound',
    nodesExplored: outcome.nodes,
    elapsedMicros: elapsed(),
    candidates: problem.candidateIds.length,
    pruned,
    runnerUps: outcome.plans.slice(1),
  });
}

function checkOptions(budgetMs: number, maxNodes: number, runnerUps: number): void {
  // Every solve passes here: the list of problems is built only when one of them is there.
  if (budgetMs > 0 && maxNodes >= 1 && Number.isInteger(runnerUps) && runnerUps >= 0 && runnerUps <= 20) return;
  const problems = [
    !(budgetMs > 0) && { path: 'budgetMs', message: 'must be a number > 0' },
    !(maxNodes >= 1) && { path: 'maxNodes', message: 'must be >= 1' },
    !(Number.isInteger(runnerUps) && runnerUps >= 0 && runnerUps <= 20) && { path: 'runnerUps', message: 'must be an integer in [0, 20]' },
  ].filter((p) => p !== false);
  if (problems.length > 0) {
    throw new DomainError('invalid_request', `invalid optimize options: ${problems[0]!.path} ${problems[0]!.message}`, problems);
  }
}
