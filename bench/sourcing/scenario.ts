import {
  greedyPlan,
  optimize,
  problemWork,
  sourceOrder,
  SourcingPool,
  type SourcingProblem,
  type SourcingProfile,
  type SourcingRequest,
} from '../../src/sourcing/index.js';
import { solveMilp } from './milp.js';
import type { GeneratedNetwork } from './network-generator.js';
import { median, summarize, type Summary } from './stats.js';

export interface ScenarioSettings {
  readonly network: GeneratedNetwork;
  readonly profile: SourcingProfile;
  readonly orders: readonly SourcingRequest[];
  /** Orders of exactly 10 lines, the size the latency goals are set for. */
  readonly tenLineOrders: readonly SourcingRequest[];
  readonly warmup: readonly SourcingRequest[];
  readonly milpOrders: number;
  readonly milpTimeLimitSec: number;
  readonly poolWorkers: readonly number[];
  readonly log: (line: string) => void;
}

export interface MilpComparison {
  /** Instances given to the MILP (the first orders with at least one candidate). */
  readonly compared: number;
  /** Instances the MILP proved optimal or infeasible within its time limit. */
  readonly finished: number;
  /** Finished instances where both agree: same cost within 1e-6 relative, or both infeasible. */
  readonly agree: number;
  /** Largest (ours - MILP) / MILP over finished instances with a plan. */
  readonly maxGap: number;
  readonly milpMs: Summary;
  /** Optimizer finding the optimum only (runnerUps 0), median of 3 runs per instance. */
  readonly optimumMs: Summary;
  /** Median over finished instances of MILP time / optimizer time: optimum only, and as run by default (3 runner-ups). */
  readonly speedupOptimum: number;
  readonly speedupDefault: number;
}

export interface GreedyComparison {
  /** Orders where both found a plan. */
  readonly compared: number;
  /** Orders the optimizer planned but proximity-greedy could not within the shipment limit. */
  readonly greedyFailed: number;
  readonly savedMedianPct: number;
  readonly savedMeanPct: number;
  /** Saving on the summed cost of all compared orders. */
  readonly savedTotalPct: number;
}

export interface ScenarioReport {
  readonly locations: number;
  readonly maxShipments: number;
  readonly orders: number;
  readonly planned: number;
  readonly unproven: number;
  readonly strategies: Readonly<Record<string, number>>;
  readonly candidatesMean: number;
  readonly prunedMean: number;
  readonly nodes: Summary;
  /** Whole decision (build problems + solve), inline: the scenario's orders, and as many of 10 lines. */
  readonly inlineMs: Summary;
  readonly inlineTenLinesMs: Summary;
  /** Optimizer only (the chosen strategy's problem). */
  readonly solveMs: Summary;
  /** Whole decision with every problem sent to the pool (largest worker count). */
  readonly pooledMs: Summary;
  readonly plansPerSec: { readonly inline: number; readonly workers: Readonly<Record<number, number>> };
  readonly milp: MilpComparison;
  readonly greedy: GreedyComparison;
  /** (candidates x lines, optimizer ms) per order, for the inline threshold. */
  readonly work: readonly (readonly [number, number])[];
}

/** What the MILP comparison needs of an inline decision. */
interface Solved {
  readonly problem: SourcingProblem;
  readonly cost: number | null;
  readonly solveMs: number;
}

const SAME = 1e-6;

/**
 * Runs one scenario: inline, pooled, MILP and greedy comparisons on the same orders. Decisions are
 * summarised as they come and dropped (only the MILP sample keeps its problems), so a growing heap does
 * not slow the later measurements.
 */
export async function runScenario(locations: number, maxShipments: number, s: ScenarioSettings): Promise<ScenarioReport> {
  const { network, profile, orders } = s;
  for (const order of s.warmup) await sourceOrder(order, network, profile);

  const inline: number[] = [];
  const strategies: Record<string, number> = {};
  const solveMs: number[] = [];
  const nodes: number[] = [];
  const candidates: number[] = [];
  const pruned: number[] = [];
  const work: [number, number][] = [];
  const greedy = new GreedyTally();
  const forMilp: Solved[] = [];
  let unproven = 0;
  for (const order of orders) {
    const started = performance.now();
    const decision = await sourceOrder(order, network, profile);
    const ms = performance.now() - started;
    inline.push(ms);
    strategies[decision.strategyId ?? '(none)'] = (strategies[decision.strategyId ?? '(none)'] ?? 0) + 1;
    const { result, problem } = decision;
    if (result === null || problem === null) continue;
    if (!result.proven) unproven++;
    solveMs.push(result.elapsedMicros / 1000);
    nodes.push(result.nodesExplored);
    candidates.push(result.candidates);
    pruned.push(result.pruned);
    work.push([problemWork(problem), result.elapsedMicros / 1000]);
    if (result.cost !== null) greedy.add(result.cost, greedyPlan(problem).cost);
    // A problem without candidates has nothing to solve (and no valid LP model): both sides trivially agree.
    if (forMilp.length < s.milpOrders && problem.candidateIds.length > 0) {
      forMilp.push({ problem, cost: result.cost, solveMs: result.elapsedMicros / 1000 });
    }
  }
  const tenLines = await latencies(s.tenLineOrders, (order) => sourceOrder(order, network, profile));
  s.log(`  inline: p50 ${median(inline).toFixed(3)} ms, 10-line p50 ${median(tenLines).toFixed(3)} ms`);

  const workers: Record<number, number> = {};
  let pooled: number[] = [];
  for (const count of s.poolWorkers) {
    const pool = new SourcingPool({ workers: count, inlineMaxWork: 0, maxQueue: orders.length });
    try {
      const viaPool = (order: SourcingRequest) => sourceOrder(order, network, profile, (p) => pool.solve(p));
      // Warm every worker (in parallel lanes, so each gets its share). Then the median of 3 runs: with
      // more threads than the 2 cores, single runs swing by a factor of 2 with the scheduler.
      await throughput([...s.warmup, ...s.warmup], viaPool, count * 4);
      const runs: number[] = [];
      for (let r = 0; r < 3; r++) runs.push(await throughput(orders, viaPool, count * 4));
      workers[count] = median(runs);
      if (count === Math.max(...s.poolWorkers)) pooled = await latencies(orders, viaPool);
    } finally {
      await pool.close();
    }
  }
  s.log(`  pool: p50 ${median(pooled).toFixed(3)} ms, plans/s ${JSON.stringify(workers)}`);

  return {
    locations,
    maxShipments,
    orders: orders.length,
    planned: orders.length - (strategies['(none)'] ?? 0),
    unproven,
    strategies,
    candidatesMean: mean(candidates),
    prunedMean: mean(pruned),
    nodes: summarize(nodes),
    inlineMs: summarize(inline),
    inlineTenLinesMs: summarize(tenLines),
    solveMs: summarize(solveMs),
    pooledMs: summarize(pooled),
    plansPerSec: { inline: orders.length / (inline.reduce((a, b) => a + b, 0) / 1000), workers },
    milp: await compareWithMilp(forMilp, s.milpTimeLimitSec, s.log),
    greedy: greedy.summary(),
    work,
  };
}

async function latencies<T>(items: readonly T[], run: (item: T) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (const item of items) {
    const started = performance.now();
    await run(item);
    samples.push(performance.now() - started);
  }
  return samples;
}

/** Items per second with at most `inFlight` running at once. */
async function throughput<T>(items: readonly T[], run: (item: T) => Promise<unknown>, inFlight: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  const lanes = Array.from({ length: Math.min(inFlight, items.length) }, async () => {
    while (next < items.length) await run(items[next++]!);
  });
  await Promise.all(lanes);
  return items.length / ((performance.now() - started) / 1000);
}

async function compareWithMilp(cases: readonly Solved[], timeLimitSec: number, log: (line: string) => void): Promise<MilpComparison> {
  let finished = 0;
  let agree = 0;
  let maxGap = 0;
  const milpMs: number[] = [];
  const optimumMs: number[] = [];
  const speedupOptimum: number[] = [];
  const speedupDefault: number[] = [];
  for (const solved of cases) {
    // The optimum alone is what the MILP computes; timed as the median of 3 runs, as the first run after
    // a HiGHS solve pays for the caches that solve evicted.
    const ours = median([0, 1, 2].map(() => optimize(solved.problem, { runnerUps: 0 }).elapsedMicros / 1000));
    const milp = await solveMilp(solved.problem, timeLimitSec);
    if (milp.status !== 'Optimal' && milp.status !== 'Infeasible') continue;
    finished++;
    milpMs.push(milp.solveMs);
    optimumMs.push(ours);
    speedupOptimum.push(milp.solveMs / Math.max(ours, 0.001));
    speedupDefault.push(milp.solveMs / Math.max(solved.solveMs, 0.001));
    if (solved.cost === null || milp.cost === null) {
      if (solved.cost === milp.cost) agree++;
      else log(`  MILP disagrees on feasibility: ours ${solved.cost}, MILP ${milp.cost} (${milp.status})`);
      continue;
    }
    const gap = (solved.cost - milp.cost) / Math.max(1e-9, Math.abs(milp.cost));
    maxGap = Math.max(maxGap, gap);
    if (Math.abs(gap) <= SAME) agree++;
    else log(`  MILP gap ${gap.toExponential(3)}: ours ${solved.cost}, MILP ${milp.cost}`);
  }
  return {
    compared: cases.length,
    finished,
    agree,
    maxGap,
    milpMs: summarize(milpMs),
    optimumMs: summarize(optimumMs),
    speedupOptimum: median(speedupOptimum),
    speedupDefault: median(speedupDefault),
  };
}

/** Optimizer cost against the proximity-greedy cost, order by order. */
class GreedyTally {
  readonly #saved: number[] = [];
  #failed = 0;
  #greedyTotal = 0;
  #oursTotal = 0;

  add(ours: number, greedy: number | null): void {
    if (greedy === null) {
      this.#failed++;
      return;
    }
    this.#saved.push((100 * (greedy - ours)) / greedy);
    this.#greedyTotal += greedy;
    this.#oursTotal += ours;
  }

  summary(): GreedyComparison {
    return {
      compared: this.#saved.length,
      greedyFailed: this.#failed,
      savedMedianPct: median(this.#saved),
      savedMeanPct: mean(this.#saved),
      savedTotalPct: this.#greedyTotal === 0 ? NaN : (100 * (this.#greedyTotal - this.#oursTotal)) / this.#greedyTotal,
    };
  }
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;
}
