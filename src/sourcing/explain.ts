import type { ExclusionCode, ExclusionReason, SourcingProblem } from './problem.js';
import { meanKnownAge } from './inventory-age.js';
import type { CostBreakdown, Infeasibility, ShortLine, SourcingPlan, SourcingResult } from './result.js';
import type { StrategyAttempt } from './source-order.js';

/** An operator-readable account of one sourcing decision: plain JSON, costs rounded for reading. */
export interface SourcingExplanation {
  readonly profile: { readonly id: string; readonly version: number };
  readonly strategy: string;
  readonly outcome: 'planned' | 'no_plan';
  readonly summary: string;
  readonly method: SourcingResult['method'];
  readonly proven: boolean;
  readonly fallback?: SourcingResult['fallback'];
  readonly plan?: ExplainedPlan;
  readonly runnerUps: readonly { readonly cost: number; readonly extraCost: number; readonly locations: readonly string[] }[];
  readonly infeasibility?: Infeasibility;
  readonly shortLines?: readonly ShortLine[];
  readonly excluded: {
    readonly total: number;
    readonly byReason: Readonly<Partial<Record<ExclusionCode, number>>>;
    readonly locations: readonly { readonly location: string; readonly reasons: readonly string[] }[];
  };
  readonly candidates: {
    readonly total: number;
    readonly pruned: number;
    /** The nearest candidates with their costs (at most `maxCandidates`). */
    readonly nearest: readonly ExplainedCandidate[];
    /** Present when the strategy's `nearest` filter stopped the walk over the network: what was looked at. */
    readonly limit?: { readonly nearest: number; readonly withinKm: number; readonly complete?: string; readonly note: string };
  };
  readonly search: { readonly nodesExplored: number; readonly elapsedMicros: number };
  readonly attempts?: readonly StrategyAttempt[];
}

export interface ExplainedPlan {
  readonly cost: number;
  readonly terms: Readonly<Record<string, number>>;
  readonly shipments: readonly {
    readonly location: string;
    readonly distanceKm: number;
    readonly lines: SourcingPlan['shipments'][number]['lines'];
    readonly cost: number;
    readonly terms: Readonly<Record<string, number>>;
  }[];
}

export interface ExplainedCandidate {
  readonly location: string;
  readonly distanceKm: number;
  readonly fixedCost: number;
  readonly lines: readonly ExplainedCandidateLine[];
}

export interface ExplainedCandidateLine {
  readonly sku: string;
  readonly available: number;
  readonly unitCost: number | null;
  /**
   * How old the units are (days since they arrived, on average), as the inventory-age term priced them;
   * absent when no candidate's age is known for the line (the term is then 0 everywhere).
   */
  readonly ageDays?: number;
  /** Set when this location's age is unknown and `ageDays` is the mean of the line's known ages (see inventory-age.ts). */
  readonly ageAssumed?: true;
}

export interface ExplainOptions {
  /** Candidates to list with their costs, nearest first. Default 20. */
  readonly maxCandidates?: number;
  /** Strategies tried before this one (from `sourceOrder`). */
  readonly attempts?: readonly StrategyAttempt[];
}

const REASON_LABELS: Record<ExclusionCode, string> = {
  excluded_by_request: 'excluded by the request (re-sourcing)',
  not_the_collect_location: 'not the collect location',
  status: 'status does not ship',
  missing_capability: 'missing capability',
  destination_not_allowed: 'product may not ship to the destination',
  no_international_shipping: 'cannot ship abroad',
  daily_capacity_reached: 'daily order capacity reached',
  open_orders_limit: 'open-order limit reached',
  carrier_cutoff_passed: 'carrier cut-off passed',
  invalid_location_data: 'invalid location data',
  too_far: 'beyond the maximum distance',
  plugin_filter: 'excluded by a plugin filter',
  no_stock: 'holds none of the ordered SKUs',
};

/** Explains a result: why locations were excluded, what the plan costs and why, what came close. */
export function explain(result: SourcingResult, problem: SourcingProblem, options: ExplainOptions = {}): SourcingExplanation {
  const byReason: Partial<Record<ExclusionCode, number>> = {};
  for (const location of problem.excluded) {
    for (const reason of location.reasons) byReason[reason.code] = (byReason[reason.code] ?? 0) + 1;
  }
  const cost = result.cost;
  return {
    profile: { id: result.profileId, version: result.profileVersion },
    strategy: result.strategyId,
    outcome: result.plan === null ? 'no_plan' : 'planned',
    summary: summarize(result),
    method: result.method,
    proven: result.proven,
    ...(result.fallback === undefined ? {} : { fallback: result.fallback }),
    ...(result.plan === null || result.breakdown === null ? {} : { plan: explainPlan(result.plan, result.breakdown) }),
    runnerUps: result.runnerUps.map((r) => ({
      cost: round(r.cost),
      extraCost: round(r.cost - (cost ?? r.cost)),
      locations: r.plan.shipments.map((s) => s.location),
    })),
    ...(result.infeasibility === null ? {} : { infeasibility: result.infeasibility, shortLines: result.shortLines }),
    excluded: {
      total: problem.excluded.length,
      byReason,
      locations: problem.excluded
        .map((e) => ({ location: e.location, reasons: e.reasons.map(describeReason) }))
        .sort((a, b) => (a.location < b.location ? -1 : a.location > b.location ? 1 : 0)),
    },
    candidates: {
      total: problem.candidateIds.length,
      pruned: result.pruned,
      nearest: nearestCandidates(problem, options.maxCandidates ?? 20),
      ...(problem.nearest === undefined ? {} : { limit: explainLimit(problem.nearest) }),
    },
    search: { nodesExplored: result.nodesExplored, elapsedMicros: result.elapsedMicros },
    ...(options.attempts === undefined ? {} : { attempts: options.attempts }),
  };
}

function explainLimit(limit: NonNullable<SourcingProblem['nearest']>): NonNullable<SourcingExplanation['candidates']['limit']> {
  const km = round(limit.withinKm);
  const note =
    limit.complete === undefined
      ? `only the ${limit.limit} nearest eligible locations (within ${km} km) were considered`
      : `the ${limit.limit} nearest eligible locations (within ${km} km) and ${limit.complete}, the nearest that can ship the whole order, were considered`;
  return { nearest: limit.limit, withinKm: km, ...(limit.complete === undefined ? {} : { complete: limit.complete }), note };
}

/** A reason as one line of text: its label and, if any, its detail. */
export function describeReason(reason: ExclusionReason): string {
  const label = REASON_LABELS[reason.code];
  return reason.detail === undefined ? label : `${label}: ${reason.detail}`;
}

function summarize(result: SourcingResult): string {
  const how = result.fallback
    ? `greedy fallback (${result.fallback.reason})`
    : result.method === 'proximity-greedy'
      ? 'proximity-greedy plan'
      : result.proven
        ? 'proven optimal'
        : 'best found within the time budget, not proven optimal';
  const search = `${result.candidates} candidates, ${result.pruned} pruned, ${result.nodesExplored} location sets evaluated in ${(result.elapsedMicros / 1000).toFixed(2)} ms`;
  if (result.plan === null) {
    const why = result.infeasibility === 'short_stock' ? 'stock is short on some lines' : 'the order needs more shipments than allowed';
    return `No plan with strategy '${result.strategyId}': ${why}${result.proven ? '' : `, not proven (${how})`} (${search}).`;
  }
  const locations = result.plan.shipments.map((s) => s.location).join(', ');
  const n = result.plan.shipments.length;
  return `${n} shipment${n === 1 ? '' : 's'} from ${locations} for ${round(result.cost ?? 0)}: ${how} (${search}).`;
}

function explainPlan(plan: SourcingPlan, breakdown: CostBreakdown): ExplainedPlan {
  return {
    cost: round(breakdown.total),
    terms: roundValues(breakdown.terms),
    shipments: plan.shipments.map((s, i) => {
      const costs = breakdown.shipments[i]!;
      return { location: s.location, distanceKm: round(costs.distanceKm), lines: s.lines, cost: round(costs.total), terms: roundValues(costs.terms) };
    }),
  };
}

function nearestCandidates(problem: SourcingProblem, limit: number): ExplainedCandidate[] {
  const L = problem.lines.length;
  const n = problem.candidateIds.length;
  const meanAge = problem.lines.map((_, l) => meanKnownAge(problem.ageDays, n, L, l));
  return problem.candidateIds
    .map((_, index) => index)
    .sort((a, b) => problem.distanceKm[a]! - problem.distanceKm[b]! || a - b)
    .slice(0, limit)
    .map((index) => ({
      location: problem.candidateIds[index]!,
      distanceKm: round(problem.distanceKm[index]!),
      fixedCost: round(problem.fixedCost[index]!),
      lines: problem.lines.map((line, l): ExplainedCandidateLine => {
        const available = problem.stock[index * L + l]!;
        if (available === 0) return { sku: line.sku, available, unitCost: null };
        const explained = { sku: line.sku, available, unitCost: round(problem.unitCost[index * L + l]!) };
        const age = problem.ageDays?.[index * L + l];
        if (age !== undefined && !Number.isNaN(age)) return { ...explained, ageDays: roundDays(age) };
        const assumed = meanAge[l];
        return assumed === undefined ? explained : { ...explained, ageDays: roundDays(assumed), ageAssumed: true };
      }),
    }));
}

function roundDays(days: number): number {
  return Math.round(days * 10) / 10;
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

function roundValues(terms: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(terms).map(([k, v]) => [k, round(v)]));
}
