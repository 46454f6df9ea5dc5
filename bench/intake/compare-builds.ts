import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from '../lib/args.js';
import { fulcrumApi, seedNetwork } from '../lib/fulcrum-api.js';
import { startProcess, stop, type BenchProcess } from '../lib/processes.js';
import { cpuMicros, mainThreadCpuMicros, treeCpuMicros } from '../lib/report.js';
import { load, type Run } from './load.js';
import { fulcrumStock, orderBodies, skusOf, validMode, validSpread } from './workload.js';

/**
 * Two or more builds of the server over HTTP in one run, taking turns with bare Hono in every round, so that
 * a change is judged against its own baseline at the same moment of a shared machine (a single run of
 * `bench:intake` per build cannot: Fulcrum's CPU per order moved 2x between minutes here while bare Hono's
 * stayed within 15%). A build is the `dist` directory of a compiled checkout, optionally with node flags.
 * Usage: node dist/bench/intake/compare-builds.js [--mode hot|spread] [--seconds 8] [--rounds 3] [--skus 100]
 *   name=<dist dir>[@<node flag>,<node flag>...][#<server arg>,<server arg>...] name=...
 * e.g. `before=/tmp/before/dist after=dist`, `gc=dist@--max-semi-space-size=64`, or `fronts=dist#--http-fronts,1`;
 * a server arg `NAME=value` (capitals) is set in the server's environment instead.
 * CPU per request: the server's process (all its threads; the column of earlier results), then with its child
 * processes (feed, HTTP fronts) summed, then the main thread alone.
 */
const args = parseArgs(process.argv.slice(2));
const MODE = validMode(args.mode ?? 'hot');
const SECONDS = Number(args.seconds ?? 8);
const ROUNDS = Number(args.rounds ?? 3);
const SPREAD = validSpread(args.skus ?? 100);
const KEY = 'bench-admin-key-000001';
const LOAD = { connections: 100, headers: { authorization: `Bearer ${KEY}` } };

interface Build {
  name: string;
  dist: string;
  nodeArgs: string[];
  serverArgs: string[];
  env: Record<string, string>;
}

const builds: Build[] = process.argv.slice(2).flatMap((a) => {
  const m = /^([\w-]+)=([^@#]+)(?:@([^#]+))?(?:#(.+))?$/.exec(a);
  const rest = m?.[4] ? m[4].split(',') : [];
  const env = Object.fromEntries(rest.flatMap((x) => (/^[A-Z_]+=/.test(x) ? [[x.slice(0, x.indexOf('=')), x.slice(x.indexOf('=') + 1)]] : [])));
  return m ? [{ name: m[1]!, dist: resolve(m[2]!), nodeArgs: m[3] ? m[3].split(',') : [], serverArgs: rest.filter((x) => !/^[A-Z_]+=/.test(x)), env }] : [];
});
if (builds.length === 0) throw new Error('name at least one build: name=<dist dir>[@<node flags, comma-separated>]');

async function measure(server: BenchProcess, name: Run['target']): Promise<Run> {
  const pid = server.child.pid!;
  const target = { name, url: server.url, cpuMicros: () => cpuMicros(pid), cpuMore: { tree: () => treeCpuMicros(pid), thread: () => mainThreadCpuMicros(pid) } };
  await load(target, MODE, orderBodies(MODE, SPREAD), { ...LOAD, seconds: 2 }); // warm-up: JIT
  return load(target, MODE, orderBodies(MODE, SPREAD), { ...LOAD, seconds: SECONDS });
}

async function main(): Promise<void> {
  const runs = new Map<string, Run[]>();
  const bare = fileURLToPath(new URL('./bare-hono.js', import.meta.url));
  for (let r = 1; r <= ROUNDS; r++) {
    for (const build of [undefined, ...builds]) {
      const name = build?.name ?? 'bare';
      const dataDir = mkdtempSync(join(tmpdir(), 'fulcrum-compare-'));
      const server = build
        ? await startProcess(join(build.dist, 'src', 'main.js'), ['--data-dir', dataDir, '--port', '0', ...build.serverArgs], { env: { FULCRUM_API_KEYS: `${KEY}:admin`, ...build.env }, nodeArgs: build.nodeArgs })
        : await startProcess(bare, []);
      try {
        const skus = skusOf(MODE, SPREAD);
        if (build) await seedNetwork(fulcrumApi(server.url, KEY), skus, fulcrumStock(skus));
        const run = await measure(server, build ? 'fulcrum' : 'bare');
        runs.set(name, [...(runs.get(name) ?? []), run]);
        console.log(`| ${MODE} | ${r} | ${name} | ${Math.round(run.rps)} | ${run.p99} | ${Math.round(run.cpuUsPerReq)} | ${Math.round(run.cpuMore!.tree!)} | ${Math.round(run.cpuMore!.thread!)} | ${run.non2xx + run.errors} |`);
      } finally {
        await stop(server);
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const bareRps = mean(runs.get('bare')!.map((x) => x.rps));
  for (const [name, list] of runs) {
    console.log(`${MODE} ${name}: mean ${Math.round(mean(list.map((x) => x.rps)))}/s, CPU ${Math.round(mean(list.map((x) => x.cpuUsPerReq)))} µs/req (with children ${Math.round(mean(list.map((x) => x.cpuMore!.tree!)))}, main thread ${Math.round(mean(list.map((x) => x.cpuMore!.thread!)))}), p99 ${Math.round(mean(list.map((x) => x.p99)))} ms, throughput / bare Hono ${(mean(list.map((x) => x.rps)) / bareRps).toFixed(2)}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
