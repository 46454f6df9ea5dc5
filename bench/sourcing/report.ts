import { INLINE_MAX_WORK } from '../../src/sourcing/index.js';
import type { BenchReport } from './harness.js';
import type { ScenarioReport } from './scenario.js';
import type { Summary } from './stats.js';

const P99_GOAL_MS: Record<number, number> = { 100: 5, 1000: 50 };
const SPEEDUP_GOAL = 50;

/** The benchmark report as Markdown: environment, goals, then one table per aspect. */
export function toMarkdown(report: BenchReport, command: string): string {
  const s = report.scenarios;
  const name = (x: ScenarioReport) => `${x.locations} loc, <= ${x.maxShipments}`;
  const o = report.options;
  const lines = [
    '# Sourcing benchmark',
    '',
    report.machine,
    `- Command: \`${command}\``,
    `- Seed ${o.seed}; per scenario ${o.orders} orders of 1-10 lines (uniform) and ${o.orders} of exactly 10 lines, ` +
      `${o.warmupOrders} warm-up orders; ${o.skus} SKUs; MILP on the first ${o.milpOrders} orders (1-10 lines) of each ` +
      `scenario, time limit ${o.milpTimeLimitSec} s each`,
    `- Profile: the default profile (express -> standard fall-through); the customer's split limit is the scenario's, half the orders allow split lines`,
    `- Total run time: ${report.elapsedSec.toFixed(1)} s`,
    '',
    'Latency is the whole decision on the engine thread: strategy selection, building each problem from the network',
    '(filters, stock reads, costs) and solving it. "Optimizer" is the solve alone. Figures vary run to run on a shared',
    '2-vCPU VM (see LIMITS.md); compare within a run.',
    '',
    '## Goals',
    '',
    '| goal | result |',
    '|---|---|',
    ...s.map((x) => {
      const goal = P99_GOAL_MS[x.locations];
      if (goal === undefined) return '';
      const ten = x.inlineTenLinesMs.p99;
      return `| p99 <= ${goal} ms, ${name(x)} | 10-line orders: ${fmt(ten)} ms (${ten <= goal ? 'met' : 'missed'}); 1-10 lines: ${fmt(x.inlineMs.p99)} ms |`;
    }).filter((line) => line !== ''),
    `| optimality gap 0 where the MILP finishes | ${s.reduce((a, x) => a + x.milp.agree, 0)} of ${s.reduce((a, x) => a + x.milp.finished, 0)} finished MILP instances agree (cost within 1e-6, or both infeasible); largest gap ${s.reduce((a, x) => Math.max(a, x.milp.maxGap), 0).toExponential(2)} |`,
    `| speed-up over the MILP >= ${SPEEDUP_GOAL}x (median) | optimum only: ${s.map((x) => `${fmt(x.milp.speedupOptimum, 0)}x`).join(', ')}; ` +
      `with 3 runner-ups: ${s.map((x) => `${fmt(x.milp.speedupDefault, 0)}x`).join(', ')} (per scenario, in table order) |`,
    '',
    '## Latency (ms)',
    '',
    '| scenario | inline p50 | inline p99 | inline max | 10 lines p50 | 10 lines p99 | 10 lines max | pooled p50 | pooled p99 | pooled max | optimizer p50 | optimizer p99 | optimizer max |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...s.map((x) => `| ${name(x)} | ${row(x.inlineMs)} | ${row(x.inlineTenLinesMs)} | ${row(x.pooledMs)} | ${row(x.solveMs)} |`),
    '',
    '"Pooled" sends every problem to a 2-worker pool (inline threshold 0); the default threshold keeps small ones inline.',
    '',
    '## Throughput (plans/s)',
    '',
    `| scenario | inline, 1 thread | ${o.poolWorkers.map((w) => `pool, ${w} worker${w === 1 ? '' : 's'}`).join(' | ')} |`,
    `|---|---|${o.poolWorkers.map(() => '---').join('|')}|`,
    ...s.map((x) => `| ${name(x)} | ${fmt(x.plansPerSec.inline, 0)} | ${o.poolWorkers.map((w) => fmt(x.plansPerSec.workers[w] ?? NaN, 0)).join(' | ')} |`),
    '',
    'Pool throughput keeps 4 decisions per worker in flight (median of 3 runs); problems are built on the main thread,',
    'solved in workers. "Inline" is one thread doing everything, from the latency run.',
    '',
    '## Plan quality',
    '',
    '| scenario | planned | unproven | strategies used | candidates (mean) | pruned (mean) | nodes p50 / p99 / max |',
    '|---|---|---|---|---|---|---|',
    ...s.map(
      (x) =>
        `| ${name(x)} | ${x.planned}/${x.orders} | ${x.unproven} | ${Object.entries(x.strategies).map(([k, v]) => `${k} ${v}`).join(', ')} | ` +
        `${fmt(x.candidatesMean, 0)} | ${fmt(x.prunedMean, 0)} | ${x.nodes.p50} / ${x.nodes.p99} / ${x.nodes.max} |`,
    ),
    '',
    '### Against the exact MILP (HiGHS)',
    '',
    '| scenario | compared | MILP finished | agree | largest gap | MILP ms p50 / max | optimum-only ms p50 / max | speed-up, optimum only | speed-up, with runner-ups |',
    '|---|---|---|---|---|---|---|---|---|',
    ...s.map(
      (x) =>
        `| ${name(x)} | ${x.milp.compared} | ${x.milp.finished} | ${x.milp.agree} | ${x.milp.maxGap.toExponential(2)} | ` +
        `${fmt(x.milp.milpMs.p50, 1)} / ${fmt(x.milp.milpMs.max, 1)} | ${fmt(x.milp.optimumMs.p50)} / ${fmt(x.milp.optimumMs.max)} | ` +
        `${fmt(x.milp.speedupOptimum, 0)}x | ${fmt(x.milp.speedupDefault, 0)}x |`,
    ),
    '',
    'Both solve the same problem (same candidates and costs). MILP time is one HiGHS solve of the LP text (parse + solve).',
    '"Optimum only" times the optimizer asked for the best plan alone (runnerUps 0), the median of 3 runs; "with',
    'runner-ups" uses the single in-flow solve of the latency table, which also ranks the 3 next-cheapest plans.',
    '',
    '### Against the proximity-greedy baseline',
    '',
    '| scenario | both planned | greedy found no plan | saved, median | saved, mean | saved on total cost |',
    '|---|---|---|---|---|---|',
    ...s.map(
      (x) =>
        `| ${name(x)} | ${x.greedy.compared} | ${x.greedy.greedyFailed} | ${fmt(x.greedy.savedMedianPct, 1)}% | ${fmt(x.greedy.savedMeanPct, 1)}% | ${fmt(x.greedy.savedTotalPct, 1)}% |`,
    ),
    '',
    '"Greedy found no plan": the closest-first plan needed more shipments than allowed while the optimizer found one.',
    '',
    '## Inline threshold',
    '',
    `Pool round trip for a trivial problem (1 worker): p50 ${fmt(report.roundTripMs.p50)} ms, p99 ${fmt(report.roundTripMs.p99)} ms.`,
    '',
    '| candidates x lines | problems | optimizer median ms | optimizer p90 ms |',
    '|---|---|---|---|',
    ...report.buckets.map((b) => `| ${b.from + 1}-${b.to === Infinity ? '' : b.to} | ${b.count} | ${fmt(b.medianMs)} | ${fmt(b.p90Ms)} |`),
    '',
    `Largest size whose median solve takes no longer than that round trip: ${report.suggestedInlineMaxWork}. ` +
      `The pool's default, \`INLINE_MAX_WORK\` (src/sourcing/pool.ts), is ${INLINE_MAX_WORK}: the idle round trip above is`,
    "a best case (LIMITS.md measured ~150 us with two busy threads), and it moves between runs; see the constant's comment.",
    '',
  ];
  return lines.join('\n');
}

function row(x: Summary): string {
  return `${fmt(x.p50)} | ${fmt(x.p99)} | ${fmt(x.max)}`;
}

function fmt(x: number, digits = 3): string {
  return Number.isFinite(x) ? x.toFixed(digits) : 'n/a';
}
