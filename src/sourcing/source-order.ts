import { buildProblem } from './build-problem.js';
import { strategyApplies } from './conditions.js';
import { optimize, type OptimizeOptions } from './optimize.js';
import { orderAttributeKeys } from './order-attributes.js';
import type { SourcingProblem } from './problem.js';
import type { SourcingProfile } from './profile.js';
import type { Infeasibility, ShortLine, SourcingResult } from './result.js';
import type { SourcingNetwork, SourcingRequest } from './types.js';

/** Solves one problem: `optimize` inline, or `SourcingPool.solve`. */
export type SolveProblem = (problem: SourcingProblem) => SourcingResult | Promise<SourcingResult>;

/** What happened with one strategy of the profile. */
export interface StrategyAttempt {
  readonly strategyId: string;
  readonly outcome: 'not_applicable' | 'no_plan' | 'planned';
  readonly infeasibility?: Infeasibility;
  readonly shortLines?: readonly ShortLine[];
}

/**
 * The decision for an order: the strategy that produced a plan (null if none did) with its problem and
 * result. With no plan, `result` and `problem` are those of the last strategy tried (null if none
 * applied), so the short lines and exclusions can be reported.
 */
export interface SourcingDecision {
  readonly strategyId: string | null;
  readonly profileId: string;
  readonly profileVersion: number;
  readonly result: SourcingResult | null;
  readonly problem: SourcingProblem | null;
  readonly attempts: readonly StrategyAttempt[];
}

/**
 * Sources an order with a profile: tries its strategies in order and keeps the first whose conditions
 * match and which finds a plan. Problems are built here, on the caller's thread (they read the live
 * network); `solve` may run them elsewhere, so stock can move meanwhile: re-check the plan before reserving.
 */
export async function sourceOrder(
  request: SourcingRequest,
  network: SourcingNetwork,
  profile: SourcingProfile,
  solve: SolveProblem = (problem) => optimize(problem),
): Promise<SourcingDecision> {
  const steps = tryStrategies(request, network, profile);
  let step = steps.next();
  while (step.done !== true) step = steps.next(await solve(step.value));
  return step.value;
}

/** `sourceOrder` solving every problem inline, for callers that must not await (a synchronous engine step). */
export function sourceOrderSync(
  request: SourcingRequest,
  network: SourcingNetwork,
  profile: SourcingProfile,
  options?: OptimizeOptions,
): SourcingDecision {
  const steps = tryStrategies(request, network, profile);
  let step = steps.next();
  while (step.done !== true) step = steps.next(optimize(step.value, options));
  return step.value;
}

/** The strategy loop, written once for both: yields each problem to solve and receives its result. */
function* tryStrategies(
  request: SourcingRequest,
  network: SourcingNetwork,
  profile: SourcingProfile,
): Generator<SourcingProblem, SourcingDecision, SourcingResult> {
  const attributes = orderAttributeKeys(request, network);
  const attempts: StrategyAttempt[] = [];
  let last: { problem: SourcingProblem; result: SourcingResult } | null = null;
  for (const strategy of profile.strategies) {
    if (!strategyApplies(strategy, request, attributes)) {
      attempts.push({ strategyId: strategy.id, outcome: 'not_applicable' });
      continue;
    }
    const problem = buildProblem(request, network, strategy);
    const result = yield problem;
    last = { problem, result };
    if (result.plan !== null) {
      attempts.push({ strategyId: strategy.id, outcome: 'planned' });
      return { strategyId: strategy.id, profileId: profile.id, profileVersion: profile.version, ...last, attempts };
    }
    attempts.push({
      strategyId: strategy.id,
      outcome: 'no_plan',
      ...(result.infeasibility === null ? {} : { infeasibility: result.infeasibility }),
      shortLines: result.shortLines,
    });
  }
  return {
    strategyId: null,
    profileId: profile.id,
    profileVersion: profile.version,
    result: last?.result ?? null,
    problem: last?.problem ?? null,
    attempts,
  };
}
