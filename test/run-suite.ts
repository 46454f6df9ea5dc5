/**
 * `npm test` runs the suite as two uvu processes at once: the cluster tests (three NATS servers and three
 * Fulcrum nodes per test, mostly waiting on leases, quorum acks and catch-up), then the bench smoke runs, beside
 * everything else. One
 * after the other the suite took ~11 minutes on 2 cores, over its 10-minute budget; the cluster files are a
 * fifth of that and most of it is waiting. The cluster shard's output is printed as one block when it ends
 * (interleaved lines would be unreadable); the run fails when either shard fails.
 *
 * Usage: node dist/test/run-suite.js (after `tsc -p .`). `uvu dist/test "\.test\.js$"` still runs the same
 * files one after the other.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const UVU = join(dirname(createRequire(import.meta.url).resolve('uvu')), '..', 'bin.js');
const TESTS = '\\.test\\.js$';

interface Shard {
  name: string;
  args: string[];
  /** Printed as it comes (true) or held until the shard ends. */
  live: boolean;
}

// The bench smoke runs (~220 s, mostly starting servers and PostgreSQL) join the cluster shard (~140 s): the
// rest alone took ~590 s of a 600 s budget, the two shards now about 370 s each (per-folder times, 2026-12-04).
const SHARDS: Shard[] = [
  { name: 'everything but the cluster tests and the bench smoke runs', args: ['dist/test', TESTS, '-i', '^(cluster|bench)[\\/]'], live: true },
  { name: 'cluster tests and bench smoke runs (dist/test/cluster, dist/test/bench)', args: ['dist/test', '^(bench|cluster)[\\/].*\\.test\\.js$'], live: false },
];

function run(shard: Shard): Promise<{ shard: Shard; code: number; out: string; seconds: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [UVU, ...shard.args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? (process.stdout.isTTY ? '1' : '0') } });
    const held: Buffer[] = [];
    const take = (to: NodeJS.WriteStream) => (chunk: Buffer) => (shard.live ? to.write(chunk) : held.push(chunk));
    child.stdout.on('data', take(process.stdout));
    child.stderr.on('data', take(process.stderr));
    child.on('close', (code, signal) => resolve({ shard, code: code ?? (signal ? 1 : 0), out: Buffer.concat(held).toString(), seconds: (Date.now() - started) / 1000 }));
  });
}

const results = await Promise.all(SHARDS.map(run));
for (const r of results) {
  if (r.shard.live) continue;
  process.stdout.write(`\n--- ${r.shard.name}, run beside the rest ---\n${r.out}`);
}
process.stdout.write('\n');
for (const r of results) process.stdout.write(`${r.code === 0 ? 'passed' : `FAILED (exit ${r.code})`}: ${r.shard.name}, ${r.seconds.toFixed(0)} s\n`);
process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;
