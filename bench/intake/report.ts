import { fixed } from '../lib/report.js';
import type { Run, TargetName } from './load.js';
import { HOT_SKU, type Mode } from './workload.js';

/**
 * The intake benchmark's report: per mode, every run, then Fulcrum against bare Hono and against the
 * PostgreSQL peer as ratios of means within this run, each next to the goal of issue 17 and whether the
 * figure meets it.
 */
export interface ReportInput {
  runs: Run[];
  modes: readonly Mode[];
  connections: number;
  seconds: number;
  rounds: number;
  spread: number;
  /** Journal commits and orders placed during each mode's Fulcrum runs. */
  groupCommit: Record<Mode, { commits: number; orders: number }>;
  flush: { p50: number; p99: number };
  /** How the peer was set up (one line), or undefined when it did not run. */
  peer: string | undefined;
  /** The peer's own count after the runs; undefined without the peer. */
  peerCheck: string | undefined;
  /** Front processes of the `fulcrum-fronts` target; 0 when it did not run. */
  fronts: number;
}

export function report(input: ReportInput): string {
  const targets = input.peer ? 'bare Hono, Fulcrum and the PostgreSQL peer' : 'bare Hono and Fulcrum (no PostgreSQL peer: `--peer none`)';
  return [
    `${input.connections} connections, ${input.seconds} s per run, ${input.rounds} round(s); in each round and each mode ${targets} take turns. autocannon runs in the bench process, each server in its own process(es), all on the same cores. The machine is shared with other work: absolute figures are noisy, the ratios within this run are what counts.`,
    '',
    `- **hot**: every order is one unit of \`${HOT_SKU}\`; **spread**: order i is one unit of \`SPR-<i mod ${input.spread}>\` (${input.spread} SKUs, handed out round robin over all connections). Same body length; far more stock than a run takes, so every order succeeds.`,
    `- Fulcrum: \`POST /orders\` with durable acknowledgement (the journal's group commit), three locations holding every SKU.`,
    ...(input.fronts > 0 ? [`- fulcrum-fronts: a second Fulcrum server, its own data dir and the same stock, started with \`--http-fronts ${input.fronts}\` (experimental HTTP front processes); its CPU counts the server and its child processes. The goals below are judged on the default server (\`fulcrum\`); the fronts' rows show the same figures for the second configuration.`] : []),
    input.peer ? `- PostgreSQL peer (\`bench/intake/postgres-intake.ts\`): ${input.peer}` : '- PostgreSQL peer: not run.',
    '',
    ...input.modes.flatMap((mode) => section(input, mode)),
    `Journal flush, from a commit's first append to its fsync (last 4,096 commits, \`/metrics\`, so mostly the last Fulcrum run): p50 ${fixed(input.flush.p50 * 1000, 1)} ms, p99 ${fixed(input.flush.p99 * 1000, 1)} ms. A commit carries every request of its event turn, so this spans processing the rest of the turn's requests (up to ${input.connections} in flight x the CPU per request above), the commit and the fsync: an acknowledgement's latency floor at this load.`,
    ...(input.peerCheck ? ['', input.peerCheck] : []),
  ].join('\n');
}

function section(input: ReportInput, mode: Mode): string[] {
  const runs = input.runs.filter((r) => r.mode === mode);
  const mean = (t: TargetName, f: (r: Run) => number) => {
    const xs = runs.filter((r) => r.target === t).map(f);
    return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  const rps = (t: TargetName) => mean(t, (r) => r.rps);
  const p99 = (t: TargetName) => mean(t, (r) => r.p99);
  const cpu = mean('fulcrum', (r) => r.cpuUsPerReq);
  const { commits, orders } = input.groupCommit[mode];
  const lines = [
    `## ${mode === 'hot' ? 'One hot SKU' : `Spread over ${input.spread} SKUs`} (${mode})`,
    '',
    '| target | req/s | p50 ms | p99 ms | server CPU µs/req | failed |',
    '|---|---|---|---|---|---|',
    ...runs.map((r) => `| ${r.target} | ${fixed(r.rps, 0)} | ${fixed(r.p50, 1)} | ${fixed(r.p99, 1)} | ${fixed(r.cpuUsPerReq, 0)} | ${r.non2xx + r.errors} |`),
    '',
    '| figure (means over the rounds) | measured | goal (issue 17) | |',
    '|---|---|---|---|',
    goal('Fulcrum server CPU per order', `${fixed(cpu, 0)} µs`, '<= 60 µs', cpu <= 60),
    goal('throughput Fulcrum / bare Hono', fixed(rps('fulcrum') / rps('bare'), 2), '>= 0.3', rps('fulcrum') / rps('bare') >= 0.3),
    goal('Fulcrum p99', `${fixed(p99('fulcrum'), 1)} ms`, '<= 25 ms', p99('fulcrum') <= 25),
  ];
  if (runs.some((r) => r.target === 'fulcrum-fronts')) {
    const ratio = rps('fulcrum-fronts') / rps('fulcrum');
    lines.push(`| with ${input.fronts} HTTP front(s): throughput / default server | ${fixed(ratio, 2)} | (no goal) | |`);
    const frontsCpu = mean('fulcrum-fronts', (r) => r.cpuUsPerReq);
    lines.push(goal(`with fronts: server CPU per order (with its fronts)`, `${fixed(frontsCpu, 0)} µs`, '<= 60 µs', frontsCpu <= 60));
    lines.push(goal('with fronts: throughput / bare Hono', fixed(rps('fulcrum-fronts') / rps('bare'), 2), '>= 0.3', rps('fulcrum-fronts') / rps('bare') >= 0.3));
    lines.push(goal('with fronts: p99', `${fixed(p99('fulcrum-fronts'), 1)} ms`, '<= 25 ms', p99('fulcrum-fronts') <= 25));
    if (input.peer) {
      const want = mode === 'hot' ? 10 : 3;
      const vsPeer = rps('fulcrum-fronts') / rps('postgres');
      lines.push(goal('with fronts: throughput / PostgreSQL', fixed(vsPeer, 2), `>= ${want}`, vsPeer >= want));
    }
  }
  if (input.peer) {
    const want = mode === 'hot' ? 10 : 3;
    const ratio = rps('fulcrum') / rps('postgres');
    lines.push(goal('throughput Fulcrum / PostgreSQL', fixed(ratio, 2), `>= ${want}`, ratio >= want));
    const p99s = `${fixed(p99('fulcrum'), 1)} ms vs ${fixed(p99('postgres'), 1)} ms`;
    lines.push(mode === 'spread' ? goal('p99 Fulcrum vs PostgreSQL', p99s, 'lower', p99('fulcrum') < p99('postgres')) : `| p99 Fulcrum vs PostgreSQL | ${p99s} | (no goal) | |`);
    lines.push(`| server CPU per order, PostgreSQL peer (Node + all PostgreSQL processes) | ${fixed(mean('postgres', (r) => r.cpuUsPerReq), 0)} µs | (no goal) | |`);
  }
  lines.push('', `Group commit: ${commits} journal commits for ${orders} orders = **${fixed(commits / Math.max(1, orders), 3)} commits (fsyncs) per order**.`, '');
  return lines;
}

function goal(figure: string, measured: string, wanted: string, met: boolean): string {
  return `| ${figure} | **${measured}** | ${wanted} | ${met ? 'met' : '**not met**'} |`;
}
