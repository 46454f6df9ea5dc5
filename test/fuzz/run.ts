import { fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { writeResult } from '../../bench/lib/report.js';
import { fuzzRoute, MALFORMED, UNROUTED, type RouteReport } from './http-fuzz.js';
import { closeConnections } from './http-request.js';
import { discoverRoutes } from './routes.js';
import { createWorld, type World } from './world.js';
import { createWsWorld, fuzzFeed, stopWsWorld, type WsReport, type WsWorld } from './ws-fuzz.js';

/**
 * The long fuzzing run (`npm run test:fuzz`): every route of the API and both pseudo-routes get
 * FUZZ_RUNS generated requests each, the feed gets FUZZ_WS_SESSIONS client sessions with the feed on the
 * engine's thread and in a feed process. Work is shared by one worker process per core, each with its own
 * server, taking the next route when it is done with one. Violations are counted, not stopped at; the
 * figures go to bench/results/reliability-fuzz.md and any violation makes the command fail.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const WS_SESSIONS = Number(process.env.FUZZ_WS_SESSIONS ?? 3000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261128);
const WORKERS = Number(process.env.FUZZ_WORKERS ?? availableParallelism());
const COMMAND = 'npm run test:fuzz';

type Job = { kind: 'http'; route: string } | { kind: 'ws'; processes: number };
type Done = { kind: 'http'; report: RouteReport; ms: number } | { kind: 'ws'; report: WsReport; ms: number };

if (process.argv[2] === '--worker') await work();
else await coordinate();

async function coordinate(): Promise<void> {
  const started = Date.now();
  process.on('unhandledRejection', (e) => {
    console.error(`fulcrum fuzz: ${(e as Error).message}`);
    process.exit(2);
  });
  // The feed jobs are the longest: they go first so that the routes fill in around them.
  const jobs: Job[] = [{ kind: 'ws', processes: 1 }, { kind: 'ws', processes: 0 }, ...[...discoverRoutes(), MALFORMED, UNROUTED].map((route) => ({ kind: 'http' as const, route }))];
  const total = jobs.length;
  const results: Done[] = [];
  console.log(`fuzzing ${total - 2} HTTP targets x ${RUNS} runs and the feed x ${WS_SESSIONS} sessions in two modes, ${WORKERS} workers, seed ${SEED}`);
  await Promise.all(
    Array.from({ length: Math.max(1, WORKERS) }, () =>
      new Promise<void>((resolve, reject) => {
        const child = fork(fileURLToPath(import.meta.url), ['--worker'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
        const next = () => {
          const job = jobs.shift();
          if (job) child.send(job);
          else child.send({ kind: 'stop' });
        };
        child.on('message', (done: Done) => {
          results.push(done);
          const name = done.kind === 'http' ? done.report.route : done.report.name;
          const bad = Object.values(done.report.violations).reduce((a, b) => a + (b ?? 0), 0);
          console.log(`[${results.length}/${total}] ${name}: ${done.kind === 'http' ? done.report.runs : done.report.sessions} runs, ${bad} violations, ${(done.ms / 1000).toFixed(1)} s`);
          next();
        });
        child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`a fuzz worker stopped with exit code ${code}: the harness failed (see above)`))));
        next();
      }),
    ),
  );
  const http = results.flatMap((r) => (r.kind === 'http' ? [r.report] : [])).sort((a, b) => a.route.localeCompare(b.route));
  const ws = results.flatMap((r) => (r.kind === 'ws' ? [r.report] : []));
  const text = writeResult('reliability-fuzz', COMMAND, reportBody(http, ws, (Date.now() - started) / 1000));
  console.log(text);
  const violations = [...http, ...ws].reduce((n, r) => n + Object.values(r.violations).reduce((a, b) => a + (b ?? 0), 0), 0);
  process.exit(violations > 0 ? 1 : 0);
}

/** A worker: takes jobs from the coordinator, keeps one server per kind of job, reports each job's figures. */
async function work(): Promise<void> {
  let world: World | undefined;
  const feeds = new Map<number, WsWorld>();
  process.on('message', async (job: Job | { kind: 'stop' }) => {
    if (job.kind === 'stop') {
      if (world) await world.t.stop();
      for (const w of feeds.values()) await stopWsWorld(w);
      closeConnections();
      process.exit(0);
    }
    const started = Date.now();
    if (job.kind === 'http') {
      world ??= await createWorld();
      const report = await fuzzRoute(world, job.route, { runs: RUNS, seed: SEED, mode: 'count' });
      process.send!({ kind: 'http', report, ms: Date.now() - started } satisfies Done);
    } else {
      let w = feeds.get(job.processes);
      if (!w) feeds.set(job.processes, (w = await createWsWorld(job.processes)));
      const report = await fuzzFeed(w, { name: `/ws, feed processes: ${job.processes}`, sessions: WS_SESSIONS, seed: SEED, mode: 'count' });
      process.send!({ kind: 'ws', report, ms: Date.now() - started } satisfies Done);
    }
  });
}

function reportBody(http: RouteReport[], ws: WsReport[], seconds: number): string {
  const sum = (reports: Array<RouteReport | WsReport>, kind: string) => reports.reduce((n, r) => n + ((r.violations as Record<string, number>)[kind] ?? 0), 0);
  const statusClass = (r: RouteReport, c: string) => Object.entries(r.byStatus).filter(([s]) => s.startsWith(c)).reduce((n, [, v]) => n + v, 0);
  const runs = http.reduce((n, r) => n + r.runs, 0);
  const other = (r: RouteReport) => Object.entries(r.violations).filter(([k]) => !['5xx', 'envelope', 'state changed on refusal'].includes(k)).map(([k, v]) => `${k}: ${v}`).join(', ') || '0';
  const lines = [
    `Seed ${SEED}; ${RUNS} generated requests per HTTP route (${http.length} targets: every route of the app and two pseudo-routes,`,
    `malformed HTTP and unrouted methods/paths), ${WS_SESSIONS} generated client sessions per feed mode; ${WORKERS} worker processes,`,
    `each with its own in-process server (max body 64 KiB so oversized bodies are cheap; feed window 10 ms); ${seconds.toFixed(0)} s in all.`,
    '',
    '## HTTP',
    '',
    `| | runs | 5xx found | envelope violations | state changes on refusal | other violations |`,
    `|---|---|---|---|---|---|`,
    `| **all routes** | ${runs} | ${sum(http, '5xx')} | ${sum(http, 'envelope')} | ${sum(http, 'state changed on refusal')} | ${['read changed state', 'no answer', 'auth bypass', 'engine failed'].map((k) => sum(http, k)).reduce((a, b) => a + b, 0)} |`,
    '',
    `| route | runs | 2xx | 4xx | 5xx | envelope | state changed on refusal | other |`,
    `|---|---|---|---|---|---|---|---|`,
    ...http.map((r) => `| \`${r.route}\` | ${r.runs} | ${statusClass(r, '2')} | ${statusClass(r, '4')} | ${r.violations['5xx'] ?? 0} | ${r.violations.envelope ?? 0} | ${r.violations['state changed on refusal'] ?? 0} | ${other(r)} |`),
    '',
    '## WebSocket feed (`/ws`)',
    '',
    `| mode | sessions | actions | error frames | closes by code | violations |`,
    `|---|---|---|---|---|---|`,
    ...ws.map((r) => `| ${r.name} | ${r.sessions} | ${r.actions} | ${r.errorFrames} | ${Object.entries(r.closes).map(([c, n]) => `${c}: ${n}`).join(', ')} | ${Object.entries(r.violations).map(([k, v]) => `${k}: ${v}`).join(', ') || '0'} |`),
  ];
  const examples = [...http.flatMap((r) => r.examples.map((e) => `${r.route}: ${e}`)), ...ws.flatMap((r) => r.examples.map((e) => `${r.name}: ${e}`))];
  if (examples.length > 0) lines.push('', '## First violations', '', '```', ...examples.slice(0, 20).map((e) => e.slice(0, 1500)), '```');
  return lines.join('\n');
}
