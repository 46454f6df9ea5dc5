import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from '../lib/args.js';
import { fulcrumApi, seedNetwork } from '../lib/fulcrum-api.js';
import { startProcess, stop } from '../lib/processes.js';
import { cpuMicros, treeCpuMicros } from '../lib/report.js';
import { load } from './load.js';
import { fulcrumStock, orderBodies, skusOf, validMode, validSpread } from './workload.js';

/**
 * One intake mode against one Fulcrum server started with `--cpu-prof`: seeds as `bench:intake` does, warms
 * up, loads for `--seconds`, stops the server so that it writes its profile into `--out`, and prints the
 * server's CPU per order. `cpu-breakdown.js` then sorts the profile into cost centres.
 * With `--stub-engine` the server's orders routes answer without the engine (`stub-engine.js`): the profile
 * of the HTTP stack alone; with `--bare`, bare Hono (`bare-hono.js`) under the same load, its baseline.
 * With `--http-fronts N` the server runs N HTTP front processes (experimental); they inherit `--cpu-prof`, so
 * each writes its own profile beside the server's, and the CPU printed is the server's with its children.
 * Usage: node dist/bench/intake/profile.js --mode hot|spread [--seconds 10] [--connections 100] [--skus 100] [--out prof] [--stub-engine | --bare] [--http-fronts N]
 */
const args = parseArgs(process.argv.slice(2));
const MODE = validMode(args.mode ?? 'hot');
const SECONDS = Number(args.seconds ?? 10);
const CONNECTIONS = Number(args.connections ?? 100);
const SPREAD = validSpread(args.skus ?? 100);
const OUT = resolve(String(args.out ?? 'prof'));
const KEY = 'bench-admin-key-000001';
const HTTP_FRONTS = args['http-fronts'] === undefined ? [] : ['--http-fronts', String(args['http-fronts'])];
const STUB = args['stub-engine'] ? ['--import', fileURLToPath(new URL('./stub-engine.js', import.meta.url))] : [];

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fulcrum-profile-'));
  const profiling = ['--cpu-prof', '--cpu-prof-dir', OUT];
  const server = args.bare
    ? await startProcess(fileURLToPath(new URL('./bare-hono.js', import.meta.url)), [], { nodeArgs: profiling })
    : await startProcess(fileURLToPath(new URL('../../src/main.js', import.meta.url)), ['--data-dir', dataDir, '--port', '0', ...HTTP_FRONTS], {
        env: { FULCRUM_API_KEYS: `${KEY}:admin` },
        nodeArgs: [...STUB, ...profiling],
      });
  try {
    const skus = skusOf(MODE, SPREAD);
    if (!args.bare) await seedNetwork(fulcrumApi(server.url, KEY), skus, fulcrumStock(skus));
    const target = { name: 'fulcrum' as const, url: server.url, cpuMicros: () => cpuMicros(server.child.pid!), cpuMore: { tree: () => treeCpuMicros(server.child.pid!) } };
    const options = { connections: CONNECTIONS, headers: { authorization: `Bearer ${KEY}` } };
    const warm = await load(target, MODE, orderBodies(MODE, SPREAD), { ...options, seconds: 2 });
    const run = await load(target, MODE, orderBodies(MODE, SPREAD), { ...options, seconds: SECONDS });
    console.log(`${MODE}: ${run.requests} orders, ${Math.round(run.rps)}/s, p99 ${run.p99} ms, server CPU ${Math.round(run.cpuUsPerReq)} µs/order (with its child processes ${Math.round(run.cpuMore!.tree!)}), failed ${run.non2xx + run.errors}; the profile (in ${OUT}) covers ${warm.requests + run.requests} orders with the warm-up, and the seeding`);
  } finally {
    await stop(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
