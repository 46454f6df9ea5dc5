import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fulcrumApi, seedNetwork, type Site } from '../lib/fulcrum-api.js';
import { rng, storeSites, twoLineBodies } from './network-workload.js';
import { startProcess, stop, type BenchProcess } from '../lib/processes.js';
import { cpuMicros, fixed } from '../lib/report.js';
import { load, type Run, type Target } from './load.js';

/**
 * The store network (issue 17 item 2): the same two-line orders against a one-location network and a large
 * one (`locations` x `skus` positions), each in its own server process, alternated per round; then the
 * in-process probe (`network.js`, forced collections) for what a position and an open order keep in the heap.
 */
export interface NetworkOptions {
  locations: number;
  skus: number;
  connections: number;
  seconds: number;
  rounds: number;
  key: string;
  /** Orders the heap probe places (0: skip it). */
  probeOrders: number;
}

/** Anonymous resident memory of a process (heap and native allocations, not LMDB's file-backed map), bytes. */
function rssAnon(pid: number): number {
  const m = /RssAnon:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

export async function networkSection(o: NetworkOptions): Promise<{ text: string; failed: boolean }> {
  const random = rng(7);
  const skus = Array.from({ length: o.skus }, (_, i) => `NET-${String(i).padStart(5, '0')}`);
  const large = storeSites(o.locations, random);
  const small: Site[] = [['ONE', 51.0, 10.4]];
  const bodies = twoLineBodies(skus, 4096, random);
  const dirs: string[] = [];
  const started: BenchProcess[] = [];
  try {
    const targets: Array<{ name: 'small' | 'large'; process: BenchProcess; seedSeconds: number; rss0: number; target: Target }> = [];
    for (const [name, sites] of [['small', small], ['large', large]] as const) {
      const dir = mkdtempSync(join(tmpdir(), `fulcrum-network-${name}-`));
      dirs.push(dir);
      const p = await startProcess(fileURLToPath(new URL('../../src/main.js', import.meta.url)), ['--data-dir', dir, '--port', '0'], { env: { FULCRUM_API_KEYS: `${o.key}:admin` } });
      started.push(p);
      const t0 = performance.now();
      const stock = sites.flatMap(([location]) => skus.map((sku) => ({ location, sku, onHand: 1_000_000 })));
      await seedNetwork(fulcrumApi(p.url, o.key), skus, stock, sites);
      const seedSeconds = (performance.now() - t0) / 1000;
      await new Promise((r) => setTimeout(r, 3000)); // the snapshot writer's pass over the new positions
      targets.push({ name, process: p, seedSeconds, rss0: rssAnon(p.child.pid!), target: { name: 'fulcrum', url: p.url, cpuMicros: () => cpuMicros(p.child.pid!) } });
    }
    const headers = { authorization: `Bearer ${o.key}` };
    for (const t of targets) await load(t.target, t.name, bodies, { connections: o.connections, seconds: 1, headers });
    const runs: Run[] = [];
    for (let r = 0; r < o.rounds; r++) {
      for (const t of targets) {
        runs.push(await load(t.target, t.name, bodies, { connections: o.connections, seconds: o.seconds, headers }));
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
    const mean = (name: string, f: (r: Run) => number) => {
      const xs = runs.filter((r) => r.mode === name).map(f);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    const ratio = mean('large', (r) => r.rps) / mean('small', (r) => r.rps);
    const lines = [
      `## A store network: ${o.locations.toLocaleString('en')} locations x ${o.skus.toLocaleString('en')} SKUs against one location`,
      '',
      `Two-line orders (two different SKUs of ${o.skus.toLocaleString('en')}, one unit each, 4,096 bodies delivered across Germany, handed out round robin), ${o.connections} connections, ${o.seconds} s per run, ${o.rounds} round(s), the two servers alternated. **small**: one location holding every SKU; **large**: ${o.locations.toLocaleString('en')} locations spread over Germany, each holding every SKU (${(o.locations * o.skus).toLocaleString('en')} positions). Both run the default sourcing profile, whose strategies consider the 20 nearest eligible locations (\`filters.nearest\`).`,
      '',
      '| network | req/s | p50 ms | p99 ms | server CPU µs/order | failed |',
      '|---|---|---|---|---|---|',
      ...runs.map((r) => `| ${r.mode} | ${Math.round(r.rps)} | ${fixed(r.p50)} | ${fixed(r.p99)} | ${Math.round(r.cpuUsPerReq)} | ${r.non2xx + r.errors} |`),
      '',
      '| figure | measured | goal (issue 17) | |',
      '|---|---|---|---|',
      `| throughput large / small | **${fixed(ratio, 2)}** | >= 0.5 | ${ratio >= 0.5 ? 'met' : '**not met**'} |`,
      ...targets.map((t) => `| seeding the ${t.name} network over HTTP (\`PUT /locations\`, \`PUT /products\`, \`POST /inventory/batch\`) | ${fixed(t.seedSeconds)} s | (no goal) | |`),
    ];
    for (const t of targets) {
      const placed = runs.filter((r) => r.mode === t.name).reduce((a, r) => a + r.ok, 0);
      lines.push(`| ${t.name}: anonymous RSS added per order placed (no forced collection; includes heap V8 has not returned) | ${Math.round((rssAnon(t.process.child.pid!) - t.rss0) / Math.max(1, placed))} B | (see the probe below) | |`);
    }
    if (o.probeOrders > 0) lines.push('', ...probe(o));
    return { text: lines.join('\n'), failed: runs.some((r) => r.non2xx + r.errors > 0) };
  } finally {
    await Promise.all(started.map(stop));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

/** The in-process heap probe on both networks: retained heap per position and per open order after forced collections. */
function probe(o: NetworkOptions): string[] {
  const script = fileURLToPath(new URL('./network.js', import.meta.url));
  const out = ['Heap probe (`node --expose-gc dist/bench/intake/network.js`, in process, the order route\'s work with the worker pool; heap after three forced collections, before and after):', ''];
  const figures: string[] = [];
  for (const locations of [1, o.locations]) {
    const r = spawnSync(process.execPath, ['--expose-gc', script, '--locations', String(locations), '--skus', String(o.skus), '--orders', String(o.probeOrders)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`network probe failed: ${r.stderr}`);
    figures.push(`- ${locations} location(s): ${r.stdout.trim().split('\n').join('; ')}`);
  }
  return [...out, ...figures, '', `Goals (issue 17): at most 2 KB of memory per open order on ${o.locations.toLocaleString('en')} locations, and about 200 bytes per position.`];
}
