import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { PluginRegistry, SourcingProfiles } from '../../src/sourcing/index.js';
import { parseArgs } from '../lib/args.js';
import { placeInProcess, seedSites } from './place-in-process.js';
import { openWithWorkflows } from '../lib/open-with-workflows.js';
import { orderBodies, skusOf, validMode, validSpread } from './workload.js';

/**
 * Intake without sockets and without Hono: the order route's own work (JSON.parse, the zod schema,
 * `placeOrderPooled`, the wait for the flush, the reply's JSON) for `--orders` orders kept `--connections`
 * at a time in flight, as the HTTP bench's clients do, on the server's wiring (workflows, sourcing profiles).
 * Prints the process's CPU µs per order (user + system, from `process.cpuUsage`), per round, for one mode;
 * `node --cpu-prof` on it profiles the engine's path without the HTTP stack's samples.
 * Usage: node dist/bench/intake/in-process.js [--mode hot|spread] [--orders 20000] [--rounds 3] [--connections 100] [--skus 100]
 */
const args = parseArgs(process.argv.slice(2));
const MODE = validMode(args.mode ?? 'hot');
const ORDERS = Number(args.orders ?? 20_000);
const ROUNDS = Number(args.rounds ?? 3);
const CONNECTIONS = Number(args.connections ?? 100);
const SPREAD = validSpread(args.skus ?? 100);
const solveNothing = () => Promise.reject(new Error('a one-line order over three locations is solved inline'));

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fulcrum-in-process-'));
  const run = await openWithWorkflows(dir);
  const { fulcrum } = run;
  try {
    await new SourcingProfiles(fulcrum, new PluginRegistry([])).load(new Date().toISOString());
    await seedSites(fulcrum, skusOf(MODE, SPREAD));
    const bodies = orderBodies(MODE, SPREAD);
    await placeInProcess(fulcrum, solveNothing, bodies, Math.min(2_000, ORDERS), CONNECTIONS); // warm-up: JIT, first snapshot pass
    const figures: number[] = [];
    let gcMs = 0;
    const gc = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) gcMs += e.duration;
    });
    gc.observe({ entryTypes: ['gc'] });
    for (let r = 0; r < ROUNDS; r++) {
      gcMs = 0;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await placeInProcess(fulcrum, solveNothing, bodies, ORDERS, CONNECTIONS);
      const cpu = process.cpuUsage(cpu0);
      await new Promise((resolve) => setImmediate(resolve)); // the observer's last entries
      const us = (cpu.user + cpu.system) / ORDERS;
      figures.push(us);
      console.log(`${MODE} round ${r + 1}: ${ORDERS} orders, ${us.toFixed(1)} µs CPU per order (user ${(cpu.user / ORDERS).toFixed(1)}, system ${(cpu.system / ORDERS).toFixed(1)}; GC pauses ${((gcMs * 1000) / ORDERS).toFixed(1)}), ${Math.round(ORDERS / ((performance.now() - t0) / 1000))} orders/s`);
    }
    gc.disconnect();
    const sorted = [...figures].sort((a, b) => a - b);
    console.log(`${MODE}: median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} µs CPU per order over ${ROUNDS} rounds (min ${sorted[0]!.toFixed(1)}, max ${sorted[sorted.length - 1]!.toFixed(1)})`);
  } finally {
    await run.close();
    rmSync(dir, { recursive: true, force: true });
  }
}


main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
