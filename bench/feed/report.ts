import { fixed } from '../lib/report.js';

type Delay = { p50: number; p99: number; max: number };

/** One measured run: a number of feed processes and of subscribers. */
export interface Scenario {
  round: number;
  processes: number;
  subscribers: number;
  windowMs: number;
  failedConnects: number;
  ordersPerSecond: number;
  /** Committed steps that changed the SKU while measuring. */
  commits: number;
  deliveriesPerSecond: number;
  staleness: { p50: number; p99: number };
  undelivered: number;
  lag: { p50: number; p99: number };
  loopSteady: Delay;
  loopIntake: Delay;
  intakeAlone: number;
  intakeWith: number;
  windows: number;
  encodes: number;
  messagesSent: number;
  frameBuilds: number;
  skips: number;
  closedSlow: number;
  serverCpuPerDeliveryUs: number;
  clientCpuPerDeliveryUs: number;
  finalMatches: number;
}

/** The plain ws broadcaster on the same clients, in the phase after a configuration's feed phase. */
export interface Baseline {
  round: number;
  /** The Fulcrum configuration whose clients (and orders) it shared. */
  processes: number;
  subscribers: number;
  deliveriesPerSecond: number;
  passes: number;
  ordersPerSecond: number;
  serverCpuPerDeliveryUs: number;
  clientCpuPerDeliveryUs: number;
  /** Fulcrum's event-loop delay meanwhile: the same orders and machine load, no subscribers. */
  fulcrumLoop: Delay;
}

export interface ReportInput {
  scenarios: Scenario[];
  baselines: Baseline[];
  rate: number;
  seconds: number;
  windowMs: number;
  intakeSeconds: number;
  settleMs: number;
  clientProcesses: number;
  clientNice: number;
  perProcess: number;
  fdLimit: number;
  /** The variant compared with the plain broadcaster and checked against the goals. */
  chosen: number;
  defaultProcesses: number;
}

const ms = (n: number) => fixed(n, 0);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The markdown body of `bench/results/feed.md`. */
export function report(r: ReportInput): string {
  const big = r.baselines[0]?.subscribers;
  const chosenRuns = r.scenarios.filter((s) => s.processes === r.chosen && s.subscribers === big);
  const small = r.scenarios.filter((s) => s.subscribers !== big);
  const smallDefault = small.filter((s) => s.windowMs === r.windowMs);
  const smallShort = small.filter((s) => s.windowMs !== r.windowMs);
  const ratios = r.baselines.map((b) => (r.scenarios.find((s) => s.processes === b.processes && s.subscribers === b.subscribers && s.round === b.round)?.deliveriesPerSecond ?? NaN) / b.deliveriesPerSecond);
  const ratio = median(ratios.filter((_, i) => r.baselines[i]!.processes === r.chosen));

  const stale99 = median(chosenRuns.map((s) => s.staleness.p99));
  const loopWorst = Math.max(...chosenRuns.map((s) => s.loopSteady.p99), ...small.map((s) => s.loopSteady.p99));
  const label = (p: number) => `${p}${p === r.defaultProcesses ? ' (default)' : ''}`;
  const row = (s: Scenario) =>
    `| ${s.round} | ${label(s.processes)} | ${s.subscribers} | ${s.windowMs} | ${fixed(s.ordersPerSecond, 0)} | ${fixed(s.deliveriesPerSecond, 0)} | ${ms(s.staleness.p50)} / ${ms(s.staleness.p99)} | ${ms(s.lag.p50)} / ${ms(s.lag.p99)} | ${fixed(s.loopSteady.p99, 1)} (max ${ms(s.loopSteady.max)}) | ${fixed(s.loopIntake.p99, 1)} | ${fixed(s.intakeAlone, 0)} / ${fixed(s.intakeWith, 0)} | ${fixed(s.serverCpuPerDeliveryUs, 1)} / ${fixed(s.clientCpuPerDeliveryUs, 1)} | ${s.finalMatches}/${s.subscribers} |`;
  const encodeRow = (s: Scenario) =>
    `| ${s.round} | ${s.processes} | ${s.subscribers} | ${s.commits} | ${s.windows} | ${s.encodes} | ${fixed(s.encodes / Math.max(1, s.windows), 2)} | ${s.frameBuilds} | ${s.messagesSent} | ${fixed(s.messagesSent / Math.max(1, s.encodes / 2), 0)} | ${s.skips} | ${s.closedSlow} |`;
  const baselineRow = (b: Baseline, i: number) =>
    `| ${b.round} | ${label(b.processes)} | ${b.subscribers} | ${fixed(b.ordersPerSecond, 0)} | ${fixed(b.deliveriesPerSecond, 0)} (${b.passes} passes) | ${fixed(b.serverCpuPerDeliveryUs, 1)} / ${fixed(b.clientCpuPerDeliveryUs, 1)} | ${fixed(b.fulcrumLoop.p99, 1)} (max ${ms(b.fulcrumLoop.max)}) | ${fixed(ratios[i]!, 2)} |`;
  const check = (ok: boolean) => (ok ? 'met' : '**not met**');
  return [
    `${r.clientProcesses} subscriber processes (${r.perProcess} clients each at most, at nice ${r.clientNice}: they stand in for remote browsers, so they take the CPU the server leaves instead of preempting it), all on \`default\`/\`HOT-1\`. Orders for HOT-1 over HTTP at a steady ${r.rate}/s (paced every 5 ms from the coordinator) for ${r.seconds} s per measured phase; coalescing window ${r.windowMs} ms. Server, feed processes, subscribers and load generator share the machine's cores.`,
    '',
    '- **staleness**: for every commit that changed HOT-1 and every client, the time from the commit to the arrival of that value or a newer one. Commit times come from a listener on the engine next to the feed\'s own (over the bench\'s IPC, not the API); arrivals from the clients\' logs of (seq, time).',
    '- **lag**: for every delivered value, its commit time (`ts` in the message) to its arrival.',
    '- **loop p99**: the engine\'s event-loop delay (monitorEventLoopDelay, 1 ms resolution, reset per phase) during the steady phase, and during the max-intake phase with the subscribers connected.',
    `- **intake**: orders/s with 32 connections for ${r.intakeSeconds} s (after as long a warm-up), before the subscribers connect and with them connected (the feed then sends every window to all of them).`,
    `- **CPU**: server (main process plus feed processes) and subscriber processes, per delivery, during the steady phase; the server's share includes the orders.`,
    `- **final = /availability**: clients whose last value equals \`GET /availability\` ${r.settleMs} ms after the orders stopped.`,
    '',
    '| round | feed processes | subscribers | window ms | orders/s | deliveries/s | staleness p50 / p99 ms | lag p50 / p99 ms | engine loop p99 ms, steady | loop p99 ms, max intake | intake orders/s without / with subscribers | CPU µs per delivery, server / clients | final = /availability |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...r.scenarios.map(row),
    '',
    `Plain \`ws\` broadcaster (\`for (const c of wss.clients) c.send(frame)\` with one pre-built frame, every ${r.windowMs} ms or back to back when a pass takes longer) on the same clients, in the phase right after each feed phase, while the same orders go to Fulcrum for a SKU nobody watches:`,
    '',
    '| round | with Fulcrum feed processes | subscribers | orders/s into Fulcrum | deliveries/s | CPU µs per delivery, broadcaster / clients | Fulcrum engine loop p99 ms meanwhile (no fan-out) | ratio Fulcrum / plain, same round |',
    '|---|---|---|---|---|---|---|---|',
    ...r.baselines.map(baselineRow),
    '',
    'Encoding (steady phase and settle): each window encodes each changed key once per format (JSON and MessagePack) in the main process, whatever the number of subscribers; each fan-out builds the WebSocket frame once per window, and every client gets those same bytes.',
    '',
    '| round | feed processes | subscribers | commits | windows | piece encodes | encodes per window | frames built | stock messages sent | messages per encoded piece | skipped turns | closed slow |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...r.scenarios.map(encodeRow),
    '',
    `Goals (${r.chosen} feed processes; medians over the rounds):`,
    `- deliveries/s ratio Fulcrum / plain ws: **${fixed(ratio, 2)}** (goal >= 0.8): ${check(ratio >= 0.8)}`,
    `- staleness p99 at ${big} subscribers: **${ms(stale99)} ms** (goal <= 250 ms): ${check(stale99 <= 250)}. Even the plain broadcaster needed ${ms(median(r.baselines.map((b) => (r.seconds * 1000) / b.passes)))} ms (median) per pass over these clients on this machine, so each client's next value comes about that long after its previous one; with the ${r.windowMs} ms window on top, that is the floor of the p99 here`,
    ...smallDefault.map((s) => `- staleness p99 at ${s.subscribers} subscribers: **${ms(s.staleness.p99)} ms** (goal <= 50 ms): ${check(s.staleness.p99 <= 50)}. With a ${s.windowMs} ms window a commit just after a window went out waits for the next one, so under a steady flow the p99 cannot go below ~${s.windowMs} ms plus delivery`),
    ...smallShort.map((s) => `- staleness p99 at ${s.subscribers} subscribers with \`--feed-window-ms ${s.windowMs}\`: **${ms(s.staleness.p99)} ms** (goal <= 50 ms): ${check(s.staleness.p99 <= 50)}`),
    `- engine event-loop delay p99, worst steady phase: **${fixed(loopWorst, 1)} ms** (goal <= 10 ms): ${check(loopWorst <= 10)}`,
    `- encodes per window: ${[...new Set(r.scenarios.map((s) => fixed(s.encodes / Math.max(1, s.windows), 2)))].join(', ')} (one key, two formats: goal 2.00)`,
    '',
    `Open files: every bench process raises its soft limit to the hard one (\`ulimit -Hn\` = ${r.fdLimit} here) through \`sh -c 'ulimit -n ...; exec node ...'\`, since Node cannot; the server needs about one descriptor per subscriber.`,
  ].join('\n');
}
