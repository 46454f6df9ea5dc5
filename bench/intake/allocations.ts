import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PluginRegistry, SourcingProfiles } from '../../src/sourcing/index.js';
import { parseArgs } from '../lib/args.js';
import { openWithWorkflows } from '../lib/open-with-workflows.js';
import { placeInProcess, seedSites } from './place-in-process.js';
import { orderBodies, skusOf, validMode, validSpread } from './workload.js';

/**
 * Bytes allocated per order on the in-process intake path (`place-in-process.ts`: JSON.parse, zod, the step,
 * the flush, the reply's JSON), by V8's sampling heap profiler with the objects that minor and major GCs
 * collected counted too, and the functions that allocate most. Unlike CPU time it barely moves with the
 * machine's load, so it shows a cut on a shared machine where µs per order cannot; allocation drives the
 * scavenges (7-12% of the intake profile) and the cache misses around them.
 * Usage: node dist/bench/intake/allocations.js [--mode hot|spread] [--orders 10000] [--top 25] [--out file.heapprofile]
 */
const args = parseArgs(process.argv.slice(2));
const MODE = validMode(args.mode ?? 'hot');
const ORDERS = Number(args.orders ?? 10_000);
const TOP = Number(args.top ?? 25);
const SPREAD = validSpread(args.skus ?? 100);
const solveNothing = () => Promise.reject(new Error('a one-line order over three locations is solved inline'));

interface SampleNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SampleNode[];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fulcrum-allocations-'));
  const run = await openWithWorkflows(dir);
  const session = new Session();
  try {
    const { fulcrum } = run;
    await new SourcingProfiles(fulcrum, new PluginRegistry([])).load(new Date().toISOString());
    await seedSites(fulcrum, skusOf(MODE, SPREAD));
    const bodies = orderBodies(MODE, SPREAD);
    await placeInProcess(fulcrum, solveNothing, bodies, 3_000, 100); // warm-up: JIT, first snapshot pass
    session.connect();
    await session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMinorGC: true, includeObjectsCollectedByMajorGC: true } as never);
    await placeInProcess(fulcrum, solveNothing, bodies, ORDERS, 100);
    const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: SampleNode } };
    if (typeof args.out === 'string') writeFileSync(args.out, JSON.stringify(profile));
    const self = new Map<string, number>();
    const inclusive = new Map<string, number>();
    let total = 0;
    const walk = (node: SampleNode, above: ReadonlySet<string>) => {
      const f = node.callFrame;
      const name = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules|dist)\//, '')}:${f.lineNumber + 1}`;
      total += node.selfSize;
      self.set(name, (self.get(name) ?? 0) + node.selfSize);
      const path = new Set(above).add(name);
      for (const n of path) inclusive.set(n, (inclusive.get(n) ?? 0) + node.selfSize);
      for (const c of node.children) walk(c, path);
    };
    walk(profile.head, new Set());
    const rows = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, TOP).map(([k, v]) => `| ${k} | ${Math.round(v / ORDERS)} |`).join('\n');
    console.log(`${MODE}: ${Math.round(total / ORDERS)} bytes allocated per order (${ORDERS} orders, 100 in flight)\n`);
    console.log(`| allocated by (self) | bytes/order |\n|---|---|\n${rows(self)}\n`);
    console.log(`| allocated under (inclusive) | bytes/order |\n|---|---|\n${rows(inclusive)}`);
  } finally {
    session.disconnect();
    await run.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
