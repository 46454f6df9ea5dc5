import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load, type Run, type Target } from '../intake/load.js';
import { fulcrumStock, orderBodies, skusOf } from '../intake/workload.js';
import { parseArgs } from '../lib/args.js';
import { fulcrumApi, seedNetwork, type FulcrumApi } from '../lib/fulcrum-api.js';
import { startProcess, stop, type BenchProcess } from '../lib/processes.js';
import { cpuMicros, fixed, writeResult } from '../lib/report.js';

/**
 * Intake while a backup runs: the intake bench's spread orders over `--connections`, alternating windows
 * without a backup and windows during which backups run back to back (`POST /ops/backups`, each into a new
 * directory, the next as soon as one is done), on a store made large enough (`--filler` SKUs at three sites)
 * that one copy takes a noticeable time. Reports p50/p99 and throughput of both and their ratios, measured in
 * one run, with each backup's size, duration and sequence.
 * Usage: node dist/bench/backup/run.js [--seconds 8] [--rounds 3] [--connections 50] [--filler 10000] [--smoke]
 */
const args = parseArgs(process.argv.slice(2));
const SMOKE = args.smoke === true;
const SECONDS = SMOKE ? 2 : Number(args.seconds ?? 8);
const ROUNDS = SMOKE ? 1 : Number(args.rounds ?? 3);
const CONNECTIONS = Number(args.connections ?? 50);
const FILLER = SMOKE ? 500 : Number(args.filler ?? 10_000);
const SPREAD = 100;
const KEY = 'bench-admin-key-000001';
const SETTLE_MS = 1_000;

/** One load window, with the engine thread's event-loop delay over it (ms, prom-client's monitor at 10 ms resolution). */
interface Window extends Run {
  loopP99: number;
  loopMax: number;
}

/** The engine's event-loop delay p99 and max since the last scrape, in ms (the scrape resets them). */
async function loopDelay(url: string): Promise<{ p99: number; max: number }> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${KEY}` } })).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) * 1000;
  return { p99: value('nodejs_eventloop_lag_p99_seconds'), max: value('nodejs_eventloop_lag_max_seconds') };
}

interface BackupDone {
  journalSeq: number;
  bytes: number;
  durationMs: number;
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'fulcrum-backup-bench-'));
  let server: BenchProcess | undefined;
  try {
    server = await startProcess(fileURLToPath(new URL('../../src/main.js', import.meta.url)), ['--data-dir', join(root, 'data'), '--port', '0'], { env: { FULCRUM_API_KEYS: `${KEY}:admin` } });
    const api = fulcrumApi(server.url, KEY);
    const spread = skusOf('spread', SPREAD);
    const filler = Array.from({ length: FILLER }, (_, i) => `FIL-${String(i).padStart(6, '0')}`);
    const seedStarted = performance.now();
    await seedNetwork(api, [...spread, ...filler], fulcrumStock([...spread, ...filler]));
    console.log(`seeded ${spread.length + filler.length} SKUs at 3 sites in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
    const pid = server.child.pid!;
    const target: Target = { name: 'fulcrum', url: server.url, cpuMicros: () => cpuMicros(pid) };
    const bodies = orderBodies('spread', SPREAD);
    const options = { connections: CONNECTIONS, seconds: SECONDS, headers: { authorization: `Bearer ${KEY}` } };
    let backupsTaken = 0;
    const backups: BackupDone[] = [];
    const measure = async (withBackups: boolean): Promise<Window> => {
      await loopDelay(server!.url); // a scrape resets the engine's loop-delay histogram: the next one covers this window
      let loading = true;
      const running = withBackups ? backToBack(api, root, () => loading, () => ++backupsTaken, backups) : Promise.resolve();
      const run = await load(target, 'spread', bodies, options);
      const loop = await loopDelay(server!.url);
      loading = false;
      await running;
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      return { ...run, loopP99: loop.p99, loopMax: loop.max };
    };
    await load(target, 'spread', bodies, { ...options, seconds: 1 });
    const without: Window[] = [];
    const during: Window[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      without.push(await measure(false));
      during.push(await measure(true));
    }
    const text = report(without, during, backups);
    console.log(text);
    const cmd = ['npm run bench:backup', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
    writeResult('backup', cmd, text, SMOKE);
    if ([...without, ...during].some((x) => x.non2xx > 0 || x.errors > 0)) {
      console.error('some orders failed');
      process.exitCode = 1;
    }
  } finally {
    if (server) await stop(server);
    rmSync(root, { recursive: true, force: true });
  }
}

/** Takes backups one after another while `loading()`; each goes into a new directory, removed once done. */
async function backToBack(api: FulcrumApi, root: string, loading: () => boolean, next: () => number, done: BackupDone[]): Promise<void> {
  while (loading()) {
    const to = join(root, `backup-${next()}`);
    let job = await api.write('POST', '/ops/backups', { to });
    while (job.status === 'running') {
      await new Promise((resolve) => setTimeout(resolve, 20));
      job = (await api.get(`/ops/backups/${job.id}`)).body;
    }
    if (job.status !== 'done') throw new Error(`backup failed: ${JSON.stringify(job)}`);
    done.push({ journalSeq: job.journalSeq, bytes: job.bytes, durationMs: job.durationMs });
    rmSync(to, { recursive: true, force: true });
  }
}

function report(without: Window[], during: Window[], backups: BackupDone[]): string {
  const avg = (runs: Window[], f: (r: Window) => number) => runs.reduce((s, r) => s + f(r), 0) / runs.length;
  const row = (name: string, runs: Window[]) =>
    `| ${name} | ${fixed(avg(runs, (r) => r.rps), 0)} | ${fixed(avg(runs, (r) => r.p50), 1)} | ${fixed(avg(runs, (r) => r.p99), 1)} | ${fixed(avg(runs, (r) => r.loopP99), 1)} / ${fixed(avg(runs, (r) => r.loopMax), 1)} | ${fixed(avg(runs, (r) => r.cpuUsPerReq), 0)} | ${runs.reduce((s, r) => s + r.non2xx + r.errors, 0)} |`;
  // Each window in the order it ran, then the means: on shared cores the spread between windows is the noise to read the ratios against.
  const windows = without.flatMap((w, i) => [row(`round ${i + 1}: without a backup`, [w]), row(`round ${i + 1}: backups back to back`, [during[i]!])]);
  const p99 = avg(during, (r) => r.p99) / avg(without, (r) => r.p99);
  const rps = avg(during, (r) => r.rps) / avg(without, (r) => r.rps);
  const sizes = backups.map((b) => b.bytes / 2 ** 20);
  const times = backups.map((b) => b.durationMs);
  return [
    `## Intake during online backups (${CONNECTIONS} connections, ${SECONDS} s windows, ${ROUNDS} round(s), orders spread over ${SPREAD} SKUs, store with ${FILLER} filler SKUs at 3 sites)`,
    '',
    '| window | orders/s | p50 ms | p99 ms | engine loop delay p99 / max ms | server CPU µs/order | failed |',
    '|---|---|---|---|---|---|---|',
    ...windows,
    row('mean: without a backup', without),
    row('mean: backups back to back', during),
    '',
    `| ratio (during / without) | value |`,
    '|---|---|',
    `| p99 latency | **${fixed(p99, 2)}** |`,
    `| engine loop delay p99 | **${fixed(avg(during, (r) => r.loopP99) / avg(without, (r) => r.loopP99), 2)}** |`,
    `| throughput | **${fixed(rps, 2)}** |`,
    '',
    `${backups.length} backups taken during the load windows: ${fixed(Math.min(...sizes), 1)}–${fixed(Math.max(...sizes), 1)} MiB each, ${Math.min(...times)}–${Math.max(...times)} ms each (copy, fsync, check, SHA-256), journal sequences ${backups[0]?.journalSeq}–${backups.at(-1)?.journalSeq}.`,
    'The copy is LMDB\'s own (`mdb_env_copy2` with compaction) on a libuv thread in one read transaction; the check of the copy (its journal decoded, the sequence it covers, SHA-256 of each file) runs on a worker thread; the engine\'s thread only starts them and reads the growing file\'s size for progress. The copy and the check still take CPU that intake could use (2 cores, shared with the load generator and, here, with other work): read the ratios against the spread between rounds of the same kind. Server CPU per order counts every thread of the server process, the copy\'s and the check\'s included; the engine loop delay is the engine thread\'s own (prom-client\'s monitor, 10 ms resolution).',
  ].join('\n');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
