import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { parseArgs, positiveFlag } from '../lib/args.js';
import { fulcrumApi, seedNetwork, SITES } from '../lib/fulcrum-api.js';
import { startProcess, stop, type BenchProcess } from '../lib/processes.js';
import { fixed, ROOT, writeResult } from '../lib/report.js';
import { drift, percentile, pooledP99Drift, svgChart, type Sample } from './chart.js';

/**
 * A soak: `--minutes` (30) of mixed traffic at half the capacity measured first with the same mix, against
 * `main.ts` as it starts: orders placed and cancelled a few seconds later (so open work stays level and
 * finished orders are passivated), cart holds that expire, a bulk stock load every 30 s, and `--subscribers`
 * feed connections watching the traded SKUs. Every 10 s it samples the server's RSS (anonymous and file-backed:
 * the LMDB map counts as file), heap, event-loop delay, intake p99, the LMDB file size, the server's main-thread
 * CPU per operation and the time this process takes for a fixed piece of work (the machine's speed, which on a
 * shared machine changes by up to 2x within minutes), and writes them to `bench/results/soak.md` with a plot
 * (`soak.svg`, and `soak-<UTC date-time>.svg` for each run). It fails when anonymous RSS or the p99 of all
 * orders grows by more than 15% from the second sixth of the run (minutes 5-10 of 30) to the last. `--smoke`: one minute, nothing written,
 * the gate printed but not enforced (a minute is mostly warm-up).
 * `--data-dir DIR`: run on that store (made if missing) and keep it, so that a second run can start where the first
 * left off: a p99 that is high from the start of the second run grows with the store, one that starts low again
 * grows with the process's age.
 * Usage: node dist/bench/soak/run.js [--minutes 30] [--rate OPS] [--subscribers 50] [--profile DIR] [--data-dir DIR] [--smoke]
 */
const args = parseArgs(process.argv.slice(2));
const SMOKE = args.smoke === true;
/** `--profile DIR`: the server's whole run as a V8 CPU profile in DIR, to compare its minutes (a slow growth shows there). */
if (args.profile === true) throw new Error('--profile needs a directory for the profile: --profile DIR');
const PROFILE_DIR = typeof args.profile === 'string' ? resolve(args.profile) : undefined;
if (args['data-dir'] === true) throw new Error('--data-dir needs a directory: --data-dir DIR');
const KEPT_DIR = typeof args['data-dir'] === 'string' ? resolve(args['data-dir']) : undefined;
const USAGE = 'Usage: node dist/bench/soak/run.js [--minutes 30] [--rate OPS] [--subscribers 50] [--profile DIR] [--data-dir DIR] [--smoke]';
const flag = (name: string): string | undefined => (args[name] === true ? '' : (args[name] as string | undefined));
const MINUTES = SMOKE ? 1 : positiveFlag('minutes', flag('minutes'), 30, USAGE);
const RATE = args.rate === undefined ? undefined : positiveFlag('rate', flag('rate'), 0, USAGE);
const SUBSCRIBERS = Number(args.subscribers ?? (SMOKE ? 5 : 50));
const SAMPLE_MS = 10_000;
const KEY = 'bench-soak-admin-key-00001';
const SKUS = Array.from({ length: 200 }, (_, i) => `S${String(i).padStart(3, '0')}`);
const GATE = 0.15;

interface Op {
  kind: 'order' | 'hold';
}

async function main(): Promise<void> {
  const dataDir = KEPT_DIR ?? mkdtempSync(join(tmpdir(), 'fulcrum-soak-'));
  if (KEPT_DIR) mkdirSync(KEPT_DIR, { recursive: true });
  let server: BenchProcess | undefined;
  const sockets: WebSocket[] = [];
  try {
    server = await startProcess(fileURLToPath(new URL('../../src/main.js', import.meta.url)), ['--data-dir', dataDir, '--port', '0'], { env: { FULCRUM_API_KEYS: `${KEY}:admin` }, nodeArgs: PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR] : [] });
    const pid = server.child.pid!;
    const api = fulcrumApi(server.url, KEY);
    await seedNetwork(api, SKUS, SITES.flatMap(([location]) => SKUS.map((sku) => ({ location, sku, onHand: 1_000_000 }))));
    for (let i = 0; i < SUBSCRIBERS; i++) sockets.push(await subscribe(server.url, SKUS.slice((i * 10) % SKUS.length, ((i * 10) % SKUS.length) + 10)));
    const load = new Load(server.url);
    // Capacity: the same mix, closed loop, 32 at a time, for 10 s (after 3 s of warm-up).
    await load.closedLoop(32, 3_000);
    const capacity = (await load.closedLoop(32, SMOKE ? 5_000 : 10_000)) / (SMOKE ? 5 : 10);
    const rate = RATE ?? capacity / 2;
    console.log(`capacity ${fixed(capacity, 0)} ops/s, soaking at ${fixed(rate, 0)} ops/s for ${MINUTES} min`);
    const samples: Sample[] = [];
    /** Each sample's latencies, for the p99 of a whole part of the run. */
    const windows: Float64Array[] = [];
    let lastTicks = mainThreadTicks(pid);
    const started = Date.now();
    const end = started + MINUTES * 60_000;
    const bulk = setInterval(() => void bulkLoad(api).catch((e: unknown) => load.errors.push(String(e))), 30_000);
    const sampler = setInterval(() => void sample().catch((e: unknown) => load.errors.push(String(e))), SAMPLE_MS);
    const sample = async () => {
      const window = load.takeWindow();
      const ticks = mainThreadTicks(pid);
      const mainMs = (ticks - lastTicks) * MS_PER_TICK;
      lastTicks = ticks;
      windows.push(Float64Array.from(window.latencies));
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
      // One scrape per sample: the client resets its event-loop histogram at every scrape.
      const scraped = await (await fetch(`${server!.url}/metrics`, { headers: { authorization: `Bearer ${KEY}` } })).text();
      const metric = (name: string) => metricValue(scraped, name);
      samples.push({
        t: (Date.now() - started) / 1000,
        rssMiB: kb('VmRSS') / 1024,
        anonMiB: kb('RssAnon') / 1024,
        fileMiB: kb('RssFile') / 1024,
        heapMiB: metric('nodejs_heap_size_used_bytes') / 2 ** 20,
        // The monitor samples every 10 ms and counts that interval in each delay: what is beyond it.
        loopMs: Math.max(0, metric('nodejs_eventloop_lag_p99_seconds') * 1000 - 10),
        p99Ms: percentile(window.latencies, 0.99),
        opsPerSec: window.done / (SAMPLE_MS / 1000),
        lmdbMiB: statSync(join(dataDir, 'fulcrum.lmdb')).size / 2 ** 20,
        liveOrders: metric('fulcrum_live_orders'),
        cpuMsPerOp: window.done > 0 ? mainMs / window.done : NaN,
        calibMs: calibrate(),
      });
      const s = samples[samples.length - 1]!;
      console.log(`${fixed(s.t, 0)} s: rss ${fixed(s.rssMiB, 0)} MiB (anon ${fixed(s.anonMiB, 0)}), heap ${fixed(s.heapMiB, 0)} MiB, p99 ${fixed(s.p99Ms, 1)} ms, loop ${fixed(s.loopMs, 1)} ms, ${fixed(s.opsPerSec, 0)} ops/s, lmdb ${fixed(s.lmdbMiB, 0)} MiB, live orders ${s.liveOrders}, cpu ${fixed(s.cpuMsPerOp * 1000, 0)} µs/op, calibration ${fixed(s.calibMs, 2)} ms`);
    };
    load.takeWindow();
    await load.openLoop(rate, end);
    clearInterval(bulk);
    clearInterval(sampler);
    await load.drain();
    const store = await storeAtEnd(server.url);

    const plot = `soak-${new Date().toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-')}.svg`;
    const pooled = pooledP99Drift(samples, windows);
    const gate = { anon: drift(samples, (s) => s.anonMiB), p99: pooled.drift };
    const failed = gate.anon > GATE || gate.p99 > GATE;
    const machine = drift(samples, (s) => s.calibMs);
    const pct = (v: number) => `${v >= 0 ? '+' : ''}${fixed(v * 100, 1)}%`;
    const rows = samples.map((s) => `| ${fixed(s.t, 0)} | ${fixed(s.rssMiB, 0)} | ${fixed(s.anonMiB, 0)} | ${fixed(s.fileMiB, 0)} | ${fixed(s.heapMiB, 0)} | ${fixed(s.loopMs, 1)} | ${fixed(s.p99Ms, 1)} | ${fixed(s.opsPerSec, 0)} | ${s.liveOrders} | ${fixed(s.lmdbMiB, 0)} | ${fixed(s.cpuMsPerOp * 1000, 0)} | ${fixed(s.calibMs, 2)} |`);
    const text = [
      `${MINUTES} minutes against \`main.ts\` (defaults: engine, 1 feed process, default workflows) on 3 locations x ${SKUS.length} SKUs, at half the capacity measured first with the same mix (${fixed(capacity, 0)} ops/s closed loop, 32 at a time; soak at ${fixed(rate, 0)} ops/s open loop): 80% orders (each cancelled 3 s later), 20% cart holds (30 s TTL, left to expire), a bulk load of ${SKUS.length * SITES.length} delta rows every 30 s, ${SUBSCRIBERS} feed connections. Sampled every 10 s.`,
      '',
      `- Anonymous RSS (heap and native memory; the LMDB map is file-backed and counts as RssFile) from the second sixth of the run to the last: **${fixed(gate.anon * 100, 1)}%**; intake p99: **${fixed(gate.p99 * 100, 1)}%** (gate: at most ${GATE * 100}% each${SMOKE ? '; not enforced in a smoke run' : ''}): ${failed ? '**FAILED**' : 'passed'}.`,
      `- Intake p99 of all orders in the second sixth ${fixed(pooled.second, 1)} ms, in the last ${fixed(pooled.last, 1)} ms (the gate's figure). The mean of the 10-second p99s moved ${pct(drift(samples, (s) => s.p99Ms))} (one slow window moves it by a tenth, so it is shown, not gated).`,
      `- Server main-thread CPU per operation ${pct(drift(samples, (s) => s.cpuMsPerOp))}; the load generator's fixed work ${pct(machine)} (the machine's speed: it does the same work every sample); CPU per operation in units of that work ${pct(drift(samples, (s) => s.cpuMsPerOp / s.calibMs))}. CPU per operation growing while the fixed work does not is the server's own slowdown; both growing alike, the machine's.${failed && machine > GATE ? ` The machine slowed by more than the gate over the same parts of the run, so this run cannot tell a slowdown of the server from the machine's: run it again when the machine is quiet.` : ''}`,
      `- The store at the end: ${store}.`,
      `- Requests that failed: ${load.errors.length}${load.errors.length > 0 ? ` (first: ${load.errors[0]})` : ''}.`,
      `- Plot: [${plot}](${plot}) (RSS, heap, event-loop delay, p99, LMDB file size over time; \`soak.svg\` is the newest run's).`,
      '',
      '| s | RSS MiB | anon MiB | file MiB | heap MiB | loop p99 ms | intake p99 ms | ops/s | live orders | LMDB MiB | main CPU µs/op | fixed work ms |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|',
      ...rows,
    ].join('\n');
    console.log(text);
    writeResult('soak', `npm run soak${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`, text, SMOKE);
    if (!SMOKE) {
      // The newest plot under a fixed name, and each run's under its own, which its section (kept below later
      // runs in soak.md) links to.
      const svg = svgChart(samples);
      writeFileSync(join(ROOT, 'bench', 'results', 'soak.svg'), svg);
      writeFileSync(join(ROOT, 'bench', 'results', plot), svg);
    }
    if ((failed && !SMOKE) || samples.length === 0) process.exitCode = 1;
  } finally {
    for (const ws of sockets) ws.close();
    if (server) await stop(server);
    if (!KEPT_DIR) rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The traffic: orders (cancelled a little later) and holds, counted and timed per sampling window. */
class Load {
  readonly errors: string[] = [];
  #latencies: number[] = [];
  #done = 0;
  #seq = 0;
  readonly #pending = new Set<Promise<void>>();
  readonly #url: string;
  readonly #headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
  /** Order references unique across runs on a kept store. */
  readonly #run = Date.now().toString(36);

  constructor(url: string) {
    this.#url = url;
  }

  /** What finished since the last call. */
  takeWindow(): { latencies: number[]; done: number } {
    const out = { latencies: this.#latencies, done: this.#done };
    this.#latencies = [];
    this.#done = 0;
    return out;
  }

  /** `concurrency` loops of the mix for `ms`: how many operations finished. */
  async closedLoop(concurrency: number, ms: number): Promise<number> {
    const until = Date.now() + ms;
    let n = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (Date.now() < until) {
          await this.#one(this.#pick());
          n++;
        }
      }),
    );
    await this.drain();
    this.takeWindow();
    return n;
  }

  /** `rate` operations a second until `end`, started on a 20 ms tick whatever the replies (open loop). */
  async openLoop(rate: number, end: number): Promise<void> {
    let owed = 0;
    let last = performance.now();
    while (Date.now() < end) {
      await new Promise((r) => setTimeout(r, 20));
      const now = performance.now();
      owed += ((now - last) / 1000) * rate;
      last = now;
      for (; owed >= 1; owed--) this.#track(this.#one(this.#pick()));
    }
  }

  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  #pick(): Op {
    return { kind: Math.random() < 0.8 ? 'order' : 'hold' };
  }

  #track(p: Promise<void>): void {
    this.#pending.add(p);
    void p.finally(() => this.#pending.delete(p));
  }

  async #one(op: Op): Promise<void> {
    const sku = SKUS[Math.floor(Math.random() * SKUS.length)]!;
    const t0 = performance.now();
    try {
      if (op.kind === 'order') {
        const r = await fetch(`${this.#url}/orders`, { method: 'POST', headers: this.#headers, body: JSON.stringify({ ref: `soak-${this.#run}-${++this.#seq}`, customer: { id: `c${this.#seq % 1000}` }, deliverTo: { lat: 52.5, lon: 13.4, country: 'DE' }, lines: [{ sku, qty: 1 }] }) });
        const body = (await r.json()) as { id?: string };
        if (r.status !== 201) throw new Error(`order: ${r.status}`);
        this.#latencies.push(performance.now() - t0);
        setTimeout(() => this.#track(this.#cancel(body.id!)), 3_000);
      } else {
        const r = await fetch(`${this.#url}/holds`, { method: 'POST', headers: this.#headers, body: JSON.stringify({ lines: [{ sku, qty: 1 }], ttlSeconds: 30 }) });
        await r.arrayBuffer();
        if (r.status !== 201) throw new Error(`hold: ${r.status}`);
      }
      this.#done++;
    } catch (e) {
      this.errors.push(String(e));
    }
  }

  async #cancel(id: string): Promise<void> {
    try {
      const r = await fetch(`${this.#url}/orders/${id}/cancel`, { method: 'POST', headers: this.#headers, body: JSON.stringify({ reason: 'soak' }) });
      await r.arrayBuffer();
      if (r.status !== 200) throw new Error(`cancel: ${r.status}`);
    } catch (e) {
      this.errors.push(String(e));
    }
  }
}

/** A bulk load: +1 on every position, as NDJSON deltas, answered once durable. */
async function bulkLoad(api: ReturnType<typeof fulcrumApi>): Promise<void> {
  const rows = SITES.flatMap(([location]) => SKUS.map((sku) => JSON.stringify({ location, sku, delta: 1, reason: 'soak replenishment' })));
  await api.write('POST', '/inventory/batch', rows.join('\n'), 'application/x-ndjson');
}

async function subscribe(url: string, skus: string[]): Promise<WebSocket> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`, { headers: { authorization: `Bearer ${KEY}` } });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ op: 'subscribe', pool: 'default', skus }));
  ws.on('message', () => undefined);
  return ws;
}

/** A sample's value in a Prometheus exposition (`name` may carry labels: `x{db="timeline"}`); NaN when absent. */
function metricValue(scraped: string, name: string): number {
  return Number(new RegExp(`^${name.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(scraped)?.[1] ?? NaN);
}

/** What the store holds at the end, from `/metrics`: the pages in use, and the databases that grow with orders. */
async function storeAtEnd(url: string): Promise<string> {
  const scraped = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${KEY}` } })).text();
  const metric = (name: string) => metricValue(scraped, name);
  const mib = (bytes: number) => `${fixed(bytes / 2 ** 20, 1)} MiB`;
  const parts = ['timeline', 'actors', 'decisions'].map((db) => {
    const records = metric(`fulcrum_store_records{db="${db}"}`);
    const bytes = metric(`fulcrum_store_bytes{db="${db}"}`);
    return `${db} ${records} records, ${mib(bytes)} (${fixed(bytes / records, 0)} bytes each)`;
  });
  return `${mib(metric('fulcrum_store_used_bytes'))} in use; ${parts.join('; ')}`;
}

/** User + system CPU ticks of a process's main thread (`/proc/PID/task/PID/stat`: its id is the process's). */
function mainThreadTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Milliseconds per clock tick of /proc's CPU times (USER_HZ, 100 on Linux). */
const MS_PER_TICK = 10;

/**
 * A fixed piece of CPU work like the server's (JSON in and out, small objects), timed in 15 short slices: the
 * median slice, in ms. Short slices, so that few are cut by the scheduler; the median, so that a machine slowed by
 * its neighbours shows as well as a slower clock.
 */
function calibrate(): number {
  const body = JSON.stringify({ ref: 'calibration', customer: { id: 'c1' }, deliverTo: { lat: 52.5, lon: 13.4, country: 'DE' }, lines: [{ sku: 'S001', qty: 1 }] });
  const slices: number[] = [];
  let n = 0;
  for (let r = 0; r < 15; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 400; i++) n += JSON.stringify(JSON.parse(body)).length;
    slices.push(performance.now() - t0);
  }
  if (n === 0) throw new Error('unreachable');
  return percentile(slices, 0.5);
}

await main();
