import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from '../lib/args.js';
import { validMode } from './workload.js';

/**
 * Machine instructions per order on the in-process intake path, counted by valgrind's callgrind. On a quiet
 * machine it moves far less than CPU time (the same build's µs per order moved 2x between minutes on this
 * shared machine): the same build gave 543,246 and 575,327 instructions per order in two runs of one
 * invocation, and two runs of 3,000 orders were 0.13% apart in their totals (2026-12-05). It is not free of
 * the machine, though: timers (the snapshot writer's pass every second) and how many orders share an LMDB
 * commit follow the wall clock, which callgrind stretches further when other work takes the cores. While
 * two bulk-load profiles ran beside it, the same build counted 959,427. Run it on a quiet machine, builds
 * alternated, and compare only runs made alike.
 *
 * Each build runs `in-process.js` twice under callgrind, with `--base` orders and with `--base` + `--orders`
 * orders; the difference over `--orders` is the figure, so start-up, seeding and the first orders' JIT
 * compilation (in both runs) drop out. It counts every thread of the process (the GC's helpers, lmdb-js's
 * writer), no sockets and no Hono (`in-process.js` says what its path includes). Under callgrind a process runs
 * ~50x slower: the defaults take about 4 minutes per build, the two runs of a build side by side (each
 * callgrind run is one thread at a time, so two fit on two cores).
 * With `--script FILE` any script taking `--orders N` is counted instead (the test's smoke run uses one).
 * Usage: node dist/bench/intake/instructions.js [--mode hot|spread] [--orders 3000] [--base 3000] [--script FILE] [name=<dist dir> ...]
 * (without builds: this checkout's dist as `this`).
 */
const args = parseArgs(process.argv.slice(2));
const MODE = validMode(args.mode ?? 'hot');
const ORDERS = Number(args.orders ?? 3000);
const BASE = Number(args.base ?? 3000);
const SCRIPT = args.script === undefined ? undefined : resolve(String(args.script));
if (!(ORDERS > 0) || !(BASE >= 0)) throw new Error('--orders must be positive and --base at least 0');

interface Build {
  name: string;
  dist: string;
}

const named: Build[] = process.argv.slice(2).flatMap((a) => {
  const m = /^([\w-]+)=(.+)$/.exec(a);
  return m ? [{ name: m[1]!, dist: resolve(m[2]!) }] : [];
});
const builds = named.length > 0 ? named : [{ name: 'this', dist: fileURLToPath(new URL('../../', import.meta.url)) }];

/** The instructions callgrind counted for one run of the script with `orders` orders. */
function countInstructions(script: string, scriptArgs: string[]): Promise<number> {
  const argv = ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, script, ...scriptArgs];
  return new Promise((done, fail) => {
    execFile('valgrind', argv, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return fail(new Error(`valgrind ${argv.join(' ')}: ${err.message}\n${stdout}\n${stderr.slice(-2000)}`));
      const m = /Collected : (\d+)/.exec(stderr);
      if (!m) return fail(new Error(`no "Collected" line in callgrind's output:\n${stderr.slice(-2000)}`));
      done(Number(m[1]));
    });
  });
}

async function main(): Promise<void> {
  console.log('| build | mode | instructions, base run | instructions, base + orders | orders | instructions per order |');
  console.log('|---|---|---|---|---|---|');
  for (const build of builds) {
    const script = SCRIPT ?? join(build.dist, 'bench', 'intake', 'in-process.js');
    const run = (orders: number) => countInstructions(script, ['--mode', MODE, '--orders', String(orders), '--rounds', '1']);
    const [base, more] = await Promise.all([run(BASE), run(BASE + ORDERS)]);
    const perOrder = (more - base) / ORDERS;
    console.log(`| ${build.name} | ${MODE} | ${base} | ${more} | ${ORDERS} | ${Math.round(perOrder)} |`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
