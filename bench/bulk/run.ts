import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cpuMicros, fixed, mainThreadCpuMicros, threadCpuMicros, writeResult } from '../lib/report.js';
import { OrderProbe, type ProbeSummary } from './order-probe.js';
import { rawLmdbRowsPerSecond } from './raw-lmdb.js';
import { countFor, inboundBody, isBadRow, locationId, ndjsonBody, PO_LINES, poLine, skuId, type Body, type Grid, type RowOrder } from './rows.js';
import { call, metric, must, peakRssBytes, postBatch, resetPeakRss, rssBytes, startServer } from './server-process.js';
import { parseArgs } from '../lib/args.js';

/**
 * Bulk stock loads: 1,000,000 absolute counts over 1,000 locations x 1,000 SKUs streamed as NDJSON to
 * `POST /inventory/batch`, timed until the job is done (every row durable); against raw lmdb-js batched puts
 * of the same records in the same run. Variants: 1% bad rows, and rows ordered by SKU instead of location.
 * With --inbound, inbound supply through the same path instead: 100,000 PO lines (10,000 purchase orders of
 * 10 lines) to `POST /inbound/batch`, written to bench/results/bulk-inbound.md.
 * With --clean-only, only the clean load by location (the one the ratio is taken from) between the two raw
 * runs: a ~20 s run for alternating builds; its figures are printed and nothing is written.
 * Usage: node dist/bench/bulk/run.js [--inbound] [--clean-only] [--locations 1000] [--skus 1000] [--profile DIR] [--smoke]
 */
const args = parseArgs(process.argv.slice(2));
const SMOKE = args.smoke === true;
const GRID: Grid = SMOKE ? { locations: 20, skus: 100 } : { locations: Number(args.locations ?? 1000), skus: Number(args.skus ?? 1000) };
/** The smoke run's few rows must still make a job (bodies over 64 KiB get one there), and it waits less for snapshots. */
const SERVER_ARGS = SMOKE ? ['--max-body-bytes', '65536', '--snapshot-interval-ms', '100'] : [];
const PROFILE_DIR = typeof args.profile === 'string' ? resolve(args.profile) : undefined;
const PROBE_SKU = 'PROBE';
const PO_LINES_LOADED = SMOKE ? 2000 : 100_000;
const EXPECTED_AT = new Date(Date.now() + 30 * 86_400_000).toISOString();

interface LoadRun {
  name: string;
  rows: number;
  bad: number;
  bytes: number;
  rowsPerSecond: number;
  elapsedMs: number;
  cpuUsPerRow: number;
  /** Of that, the server's main thread (the engine's), which bounds the load. */
  mainCpuUsPerRow: number;
  /** The same per thread (lmdb-js commits on the libuv pool, V8's GC helpers, ...), µs per row. */
  threadCpuUsPerRow: Map<string, number>;
  /** The server's CPU per row until the snapshots caught up after the load (they wait while it runs). */
  cpuWithSnapshotsUsPerRow: number;
  rssBeforeMb: number;
  rssGrowthMb: number;
  applied: number;
  rejected: number;
  idle: ProbeSummary;
  during: ProbeSummary;
  snapshotCatchUpMs: number;
  mismatches: number;
}

async function main(): Promise<void> {
  if (args.inbound === true) return inboundMain();
  const loadBefore = loadavg()[0]!;
  const rawBefore = await rawLmdbRowsPerSecond(GRID);
  const runs: LoadRun[] = [];
  runs.push(await loadRun({ name: 'clean, rows by location', order: 'by-location', badRows: false, ...(PROFILE_DIR ? { profileDir: PROFILE_DIR } : {}) }));
  if (args['clean-only'] === true) return cleanOnly(runs[0]!, rawBefore, await rawLmdbRowsPerSecond(GRID), [loadBefore, loadavg()[0]!]);
  runs.push(await loadRun({ name: '1% bad rows, by location', order: 'by-location', badRows: true }));
  runs.push(await loadRun({ name: 'clean, rows by SKU', order: 'by-sku', badRows: false }));
  runs.push(await loadRun({ name: 'reload: the same rows again (positions exist)', order: 'by-location', badRows: false, reload: true }));
  const rawAfter = await rawLmdbRowsPerSecond(GRID);
  const text = report(runs, rawBefore, rawAfter, [loadBefore, loadavg()[0]!]);
  console.log(text);
  const cmd = ['npm run bench:bulk', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
  writeResult('bulk', cmd, text, SMOKE);
  const wrong = runs.filter((r) => r.mismatches > 0 || r.applied + r.rejected !== r.rows || r.rejected !== r.bad);
  if (wrong.length > 0) {
    console.error('some loads did not apply what they should:', JSON.stringify(wrong.map((r) => r.name)));
    process.exitCode = 1;
  }
}

/** The clean load alone against raw lmdb-js, printed: for comparing builds turn by turn. */
function cleanOnly(run: LoadRun, rawBefore: number, rawAfter: number, load: [number, number]): void {
  const raw = (rawBefore + rawAfter) / 2;
  console.log(tableRow(run));
  console.log(`main thread CPU ${fixed(run.mainCpuUsPerRow, 2)} µs/row`);
  const threads = [...run.threadCpuUsPerRow].filter(([, us]) => us >= 0.005).sort((a, b) => b[1] - a[1]);
  console.log(`CPU µs/row by thread (those over 0.005): ${threads.map(([name, us]) => `${name} ${fixed(us, 2)}`).join(', ')}`);
  console.log(`raw ${fixed(rawBefore, 0)} / ${fixed(rawAfter, 0)}; ratio ${fixed(run.rowsPerSecond / raw, 3)}; load ${fixed(load[0], 2)} -> ${fixed(load[1], 2)}`);
  if (run.mismatches > 0 || run.applied !== run.rows) process.exitCode = 1;
}

/** The inbound load alone: PO lines through the bulk path, measured as the stock loads are. */
async function inboundMain(): Promise<void> {
  const loadBefore = loadavg()[0]!;
  const run = await loadRun({ name: `${PO_LINES_LOADED} PO lines, ${PO_LINES} per PO`, order: 'by-location', badRows: false, inbound: true });
  const text = [
    `${run.rows} PO lines (${run.rows / PO_LINES} purchase orders of ${PO_LINES} lines at ${GRID.locations} locations), NDJSON (${fixed(run.bytes / 2 ** 20, 1)} MiB), streamed with its Content-Length to \`POST /inbound/batch\`; the server in its own process with a fresh data dir, and an order placed every 20 ms during the load. Lines are gathered by PO until the body ends, then each PO is created through the inbound upsert, in steps of whole POs; lines/s durable are the job's lines over the server's time from the request's arrival until every PO was durable.`,
    '',
    '| run | lines | applied | rejected | lines/s durable | elapsed s | server CPU µs/line, load / with snapshots | peak RSS growth MiB | orders during the load p50 / p99 / max ms (n) | snapshots caught up after s | spot-check mismatches |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    tableRow(run),
    '',
    `- Lines/s durable: **${fixed(run.rowsPerSecond, 0)}**; orders with no load running (idle): p50 ${fixed(run.idle.p50, 1)} ms, p99 ${fixed(run.idle.p99, 1)} ms (${run.idle.count})`,
    `- The machine's 1-minute load average: ${fixed(loadBefore, 2)} at the start, ${fixed(loadavg()[0]!, 2)} at the end`,
  ].join('\n');
  console.log(text);
  const cmd = ['npm run bench:bulk', '--', ...process.argv.slice(2)].join(' ');
  writeResult('bulk-inbound', cmd, text, SMOKE);
  if (run.mismatches > 0 || run.applied !== run.rows) {
    console.error('the inbound load did not apply what it should');
    process.exitCode = 1;
  }
}

interface LoadSpec {
  name: string;
  order: RowOrder;
  badRows: boolean;
  /** Load the same rows once before the measured load, so that every position already exists. */
  reload?: boolean;
  /** PO lines to `POST /inbound/batch` instead of stock rows. */
  inbound?: boolean;
  profileDir?: string;
}

async function loadRun({ name, order, badRows, reload, inbound, profileDir }: LoadSpec): Promise<LoadRun> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fulcrum-bulk-'));
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const server = await startServer(dataDir, profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [], SERVER_ARGS);
  try {
    await seed(server.url);
    const body = inbound ? inboundBody(GRID, PO_LINES_LOADED, EXPECTED_AT) : ndjsonBody(GRID, order, badRows);
    const path = inbound ? '/inbound/batch' : '/inventory/batch';
    if (reload) await loadUnmeasured(server.url, body);
    const pid = server.child.pid!;
    const idle = await probeFor(server.url, SMOKE ? 200 : 1000);
    const rssBefore = rssBytes(pid);
    const hwmReset = resetPeakRss(pid);
    let sampledPeak = rssBefore;
    const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, rssBytes(pid))), 20);
    const cpuBefore = cpuMicros(pid);
    const mainBefore = mainThreadCpuMicros(pid);
    const threadsBefore = threadCpuMicros(pid);
    const probe = new OrderProbe(server.url, PROBE_SKU);
    probe.start();
    const job = await load(server.url, body, path);
    const cpu = cpuMicros(pid) - cpuBefore;
    const mainCpu = mainThreadCpuMicros(pid) - mainBefore;
    const threadCpu = new Map([...threadCpuMicros(pid)].map(([name, us]) => [name, (us - (threadsBefore.get(name) ?? 0)) / body.rows]));
    const during = await probe.stop();
    clearInterval(sampler);
    const peak = Math.max(sampledPeak, hwmReset ? peakRssBytes(pid) : 0);
    const snapshotCatchUpMs = await snapshotsCaughtUp(server.url);
    const cpuWithSnapshots = cpuMicros(pid) - cpuBefore;
    return {
      name,
      rows: body.rows,
      bad: body.bad,
      bytes: body.bytes,
      // The server's own clock, from the request's arrival until every row was durable.
      rowsPerSecond: job.rowsRead / (job.elapsedMs / 1000),
      elapsedMs: job.elapsedMs,
      cpuUsPerRow: cpu / body.rows,
      mainCpuUsPerRow: mainCpu / body.rows,
      threadCpuUsPerRow: threadCpu,
      cpuWithSnapshotsUsPerRow: cpuWithSnapshots / body.rows,
      rssBeforeMb: rssBefore / 2 ** 20,
      rssGrowthMb: (peak - rssBefore) / 2 ** 20,
      applied: job.applied,
      rejected: job.rejected,
      idle,
      during,
      snapshotCatchUpMs,
      mismatches: inbound ? await inboundSpotCheck(server.url) : await spotCheck(server.url, order, badRows),
    };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Streams a body as one job and waits until it is done (every row durable). */
async function load(url: string, body: Body, path = '/inventory/batch'): Promise<any> {
  const posted = await postBatch(url, body.pieces, body.bytes, path);
  if (posted.status !== 202 || !posted.location) throw new Error(`POST ${path} answered ${posted.status}: ${await posted.body}`);
  for (;;) {
    const job = await must(url, 'GET', posted.location);
    if (job.status === 'done') return job;
    if (job.status !== 'running') throw new Error(`job ended ${job.status}: ${JSON.stringify(job.error)}`);
    await sleep(SMOKE ? 20 : 100);
  }
}

async function loadUnmeasured(url: string, body: Body): Promise<void> {
  await load(url, body);
  await snapshotsCaughtUp(url);
}

/** Waits until no actor is dirty: the snapshots cover everything; returns how long that took. */
async function snapshotsCaughtUp(url: string): Promise<number> {
  const started = performance.now();
  while ((await metric(url, 'fulcrum_dirty_actors')) > 0) await sleep(50);
  return performance.now() - started;
}

async function seed(url: string): Promise<void> {
  const puts: Array<[string, unknown]> = [];
  for (let i = 0; i < GRID.locations; i++) {
    puts.push([`/locations/${locationId(i)}`, { name: locationId(i), geo: { lat: 47.5 + (i % 50) * 0.1, lon: 6 + Math.floor(i / 50) * 0.4 }, country: 'DE' }]);
  }
  for (let j = 0; j < GRID.skus; j++) puts.push([`/products/${skuId(j)}`, { name: skuId(j) }]);
  puts.push([`/products/${PROBE_SKU}`, { name: 'probe' }]);
  await inParallel(puts, 32, ([path, body]) => must(url, 'PUT', path, body));
  await must(url, 'PUT', `/inventory/${locationId(0)}/${PROBE_SKU}`, { onHand: 1_000_000_000 });
}

/** Reads back a sample of positions and counts those that do not hold what the load set. */
async function spotCheck(url: string, order: RowOrder, badRows: boolean): Promise<number> {
  let wrong = 0;
  const total = GRID.locations * GRID.skus;
  for (let n = 0; n < 50; n++) {
    const k = Math.floor((n * total) / 50) + 7;
    if (badRows && isBadRow(k)) continue;
    const i = order === 'by-location' ? Math.floor(k / GRID.skus) : k % GRID.locations;
    const j = order === 'by-location' ? k % GRID.skus : Math.floor(k / GRID.locations);
    const r = await call(url, 'GET', `/inventory/${locationId(i)}/${skuId(j)}`);
    if (r.status !== 200 || r.body.onHand !== countFor(i, j)) wrong++;
  }
  return wrong;
}

/** Reads back a sample of the purchase orders and counts those whose lines are not what the load sent. */
async function inboundSpotCheck(url: string): Promise<number> {
  let wrong = 0;
  for (let n = 0; n < 50; n++) {
    const po = Math.floor((n * PO_LINES_LOADED) / PO_LINES / 50) + 3;
    const expected = Array.from({ length: PO_LINES }, (_, j) => poLine(GRID, po * PO_LINES + j)).map((l) => ({ sku: l.sku, qty: l.qty, received: 0 }));
    const r = await call(url, 'GET', `/inbound/PO-${po}`);
    if (r.status !== 200 || JSON.stringify(r.body.lines) !== JSON.stringify(expected) || r.body.location !== poLine(GRID, po * PO_LINES).location) wrong++;
  }
  return wrong;
}

async function probeFor(url: string, ms: number): Promise<ProbeSummary> {
  const probe = new OrderProbe(url, PROBE_SKU);
  probe.start();
  await sleep(ms);
  return probe.stop();
}

function report(runs: LoadRun[], rawBefore: number, rawAfter: number, load: [number, number]): string {
  const raw = (rawBefore + rawAfter) / 2;
  const clean = runs[0]!;
  const mb = (clean.bytes / 2 ** 20).toFixed(0);
  const rows = runs.map(tableRow);
  return [
    `${GRID.locations} locations x ${GRID.skus} SKUs = ${clean.rows} rows of absolute counts, NDJSON (${mb} MiB), streamed by the bench process with its Content-Length to \`POST /inventory/batch\`; the server in its own process with a fresh data dir per run, the default snapshot interval (1 s), and an order placed every 20 ms during the load. Rows/s durable are the job's rows over the server's time from the request's arrival to the moment every row was durable (the job's \`finishedAt\`). While a load runs the snapshot writer waits (at most 10 s in a row): the journal already holds every applied row, and writing a million positions while their rows still arrive took a third of the load's thread. The snapshots are written right after; the CPU column gives the server's CPU per row until the load ended and until the snapshots caught up (the second includes the orders placed meanwhile and the ~1 s wait for the next pass).`,
    '',
    '| run | rows | applied | rejected | rows/s durable | elapsed s | server CPU µs/row, load / with snapshots | peak RSS growth MiB | orders during the load p50 / p99 / max ms (n) | snapshots caught up after s | spot-check mismatches |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `- Raw lmdb-js batched puts of the same records (\`{location, sku, onHand}\` keyed by location and SKU, 10,000 puts per transaction, until flushed), in this process: ${fixed(rawBefore, 0)} rows/s before the loads, ${fixed(rawAfter, 0)} after; mean **${fixed(raw, 0)}**`,
    `- Fulcrum / raw lmdb-js: **${fixed(clean.rowsPerSecond / raw, 2)}** (goal >= 0.5)`,
    `- Rows/s durable, clean load: **${fixed(clean.rowsPerSecond, 0)}** (goal >= 200,000)`,
    `- The server's main (engine) thread, which bounds a load, spent **${fixed(clean.mainCpuUsPerRow, 2)} µs of CPU per row** of the clean load (of ${fixed(clean.cpuUsPerRow, 2)} for the whole process); the four loads in the order of the table: ${runs.map((r) => fixed(r.mainCpuUsPerRow, 2)).join(', ')}`,
    `- Peak RSS growth of the server during the clean load: **${fixed(clean.rssGrowthMb, 0)} MiB** over ${fixed(clean.rssBeforeMb, 0)} MiB before it (goal < 500 MiB); it creates ${clean.rows} positions, which stay in memory`,
    `- Peak RSS growth when the same rows are loaded again (the positions exist): **${fixed(runs[3]!.rssGrowthMb, 0)} MiB** over ${fixed(runs[3]!.rssBeforeMb, 0)} MiB`,
    `- Orders with no load running (idle): p50 ${fixed(clean.idle.p50, 1)} ms, p99 ${fixed(clean.idle.p99, 1)} ms (${clean.idle.count})`,
    `- The machine's 1-minute load average: ${fixed(load[0], 2)} at the start, ${fixed(load[1], 2)} at the end (other work on the same cores slows wall-clock figures; server CPU per row is the steadier one)`,
  ].join('\n');
}

/** A load as a row of the results table. */
function tableRow(r: LoadRun): string {
  return `| ${r.name} | ${r.rows} | ${r.applied} | ${r.rejected} | **${fixed(r.rowsPerSecond, 0)}** | ${fixed(r.elapsedMs / 1000, 2)} | ${fixed(r.cpuUsPerRow, 2)} / ${fixed(r.cpuWithSnapshotsUsPerRow, 2)} | ${fixed(r.rssGrowthMb, 0)} | ${fixed(r.during.p50, 1)} / ${fixed(r.during.p99, 1)} / ${fixed(r.during.max, 1)} (${r.during.count}, ${r.during.failed} failed) | ${fixed(r.snapshotCatchUpMs / 1000, 1)} | ${r.mismatches} |`;
}

async function inParallel<T>(items: T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
