import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { cpuMicros, fixed, writeResult } from '../lib/report.js';
import { parseArgs } from '../lib/args.js';
import { fulcrumApi, seedNetwork, SITES } from '../lib/fulcrum-api.js';
import { startProcess, stop, type BenchProcess } from '../lib/processes.js';

/**
 * Flash-sale intake: one hot SKU with large stock. (a) a bare Hono POST that parses the body and answers 201,
 * (b) Fulcrum's POST /orders with durable acknowledgement; same connections and duration, alternated.
 * Usage: node dist/bench/intake/run.js [--seconds 10] [--rounds 2] [--connections 100] [--smoke]
 */
const args = parseArgs(process.argv.slice(2));
const SMOKE = args.smoke === true;
const SECONDS = SMOKE ? 2 : Number(args.seconds ?? 10);
const ROUNDS = SMOKE ? 1 : Number(args.rounds ?? 2);
const CONNECTIONS = Number(args.connections ?? 100);
const KEY = 'bench-admin-key-000001';
const ORDER = JSON.stringify({
  ref: 'flash',
  customer: { id: 'cust-1', email: 'someone@example.com' },
  deliverTo: { lat: 52.52, lon: 13.405, country: 'DE' },
  lines: [{ sku: 'HOT-1', qty: 1 }],
  attributes: { campaign: 'black-friday' },
});

interface Run {
  target: 'bare' | 'fulcrum';
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  cpuUsPerReq: number;
  requests: number;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fulcrum-intake-'));
  const bare = await startProcess(fileURLToPath(new URL('./bare-hono.js', import.meta.url)), []);
  const fulcrum = await startProcess(fileURLToPath(new URL('../../src/main.js', import.meta.url)), ['--data-dir', dataDir, '--port', '0'], {
    env: { FULCRUM_API_KEYS: `${KEY}:admin` },
  });
  try {
    await seed(fulcrum.url);
    const runs: Run[] = [];
    const commitsBefore = await metric(fulcrum.url, 'fulcrum_journal_commits_total');
    const ordersBefore = await metric(fulcrum.url, 'fulcrum_orders_placed_total');
    // Warm both up so JIT and connection setup do not count against either.
    await load(bare, 'bare', 1);
    await load(fulcrum, 'fulcrum', 1);
    for (let r = 0; r < ROUNDS; r++) {
      runs.push(await load(bare, 'bare', SECONDS));
      runs.push(await load(fulcrum, 'fulcrum', SECONDS));
    }
    const commits = (await metric(fulcrum.url, 'fulcrum_journal_commits_total')) - commitsBefore;
    const orders = (await metric(fulcrum.url, 'fulcrum_orders_placed_total')) - ordersBefore;
    const flush = { p50: await metric(fulcrum.url, 'fulcrum_journal_flush_p50_seconds'), p99: await metric(fulcrum.url, 'fulcrum_journal_flush_p99_seconds') };
    const text = report(runs, commits, orders, flush);
    console.log(text);
    const cmd = ['npm run bench:intake', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
    writeResult('intake', cmd, text, SMOKE);
    const bad = runs.filter((x) => x.non2xx > 0 || x.errors > 0);
    if (bad.length > 0) {
      console.error('some requests failed:', JSON.stringify(bad));
      process.exitCode = 1;
    }
  } finally {
    await Promise.all([stop(bare), stop(fulcrum)]);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function report(runs: Run[], commits: number, orders: number, flush: { p50: number; p99: number }): string {
  const avg = (t: Run['target'], f: (r: Run) => number) => {
    const xs = runs.filter((r) => r.target === t).map(f);
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  const rows = runs.map((r) => `| ${r.target} | ${fixed(r.rps, 0)} | ${fixed(r.p50, 1)} | ${fixed(r.p99, 1)} | ${fixed(r.cpuUsPerReq, 0)} | ${r.non2xx + r.errors} |`);
  const ratio = avg('fulcrum', (r) => r.rps) / avg('bare', (r) => r.rps);
  return [
    `${CONNECTIONS} connections, ${SECONDS} s per run, ${ROUNDS} alternated round(s) of (a) bare Hono and (b) Fulcrum; autocannon in the bench process, each server in its own process.`,
    '',
    '| target | req/s | p50 ms | p99 ms | server CPU µs/req | failed |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    `- Throughput ratio Fulcrum / bare Hono: **${fixed(ratio, 2)}** (goal >= 0.6)`,
    `- Fulcrum p99: **${fixed(avg('fulcrum', (r) => r.p99), 1)} ms** (goal <= 25 ms)`,
    `- Server CPU per request: bare ${fixed(avg('bare', (r) => r.cpuUsPerReq), 0)} µs, Fulcrum ${fixed(avg('fulcrum', (r) => r.cpuUsPerReq), 0)} µs`,
    `- Group commit: ${commits} journal commits for ${orders} orders = **${fixed(commits / Math.max(1, orders), 3)} commits (fsyncs) per order**`,
    `- Journal flush, from a commit's first append to its fsync (last 4,096 commits, \`/metrics\`): p50 ${fixed(flush.p50 * 1000, 1)} ms, p99 ${fixed(flush.p99 * 1000, 1)} ms. A commit carries every request of its event turn, so this spans processing the rest of the turn's requests (up to ${CONNECTIONS} in flight x the CPU per request above), the commit and the fsync: an acknowledgement's latency floor at this load`,
  ].join('\n');
}

async function load(server: BenchProcess, target: Run['target'], seconds: number): Promise<Run> {
  const cpu0 = cpuMicros(server.child.pid!);
  const result = await autocannon({
    url: `${server.url}/orders`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: ORDER,
  });
  const cpu = cpuMicros(server.child.pid!) - cpu0;
  const requests = result.requests.total;
  return {
    target,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    cpuUsPerReq: cpu / Math.max(1, requests),
    requests,
  };
}

/** One hot SKU with 100,000,000 units at each of the three sites. */
async function seed(url: string): Promise<void> {
  await seedNetwork(fulcrumApi(url, KEY), ['HOT-1'], SITES.map(([location]) => ({ location, sku: 'HOT-1', onHand: 100_000_000 })));
}

function metric(url: string, name: string): Promise<number> {
  return fulcrumApi(url, KEY).metric(name);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
