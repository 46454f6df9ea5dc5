import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from '../lib/args.js';
import { fulcrumApi, seedNetwork } from '../lib/fulcrum-api.js';
import { startProcess, stop, type BenchProcess } from '../lib/processes.js';
import { cpuMicros, treeCpuMicros, writeResult } from '../lib/report.js';
import { load, type Run, type Target } from './load.js';
import { networkSection } from './network-section.js';
import { startPostgres, type PostgresCluster } from './postgres-cluster.js';
import { peerTotals, seedStock, withClient } from './postgres-schema.js';
import { report } from './report.js';
import { fulcrumStock, MODES, orderBodies, peerStock, skusOf, validSpread, type Mode } from './workload.js';

/**
 * Intake: (a) a bare Hono POST that parses the body and answers 201, (b) Fulcrum's POST /orders with durable
 * acknowledgement, (c) the PostgreSQL peer (a reference intake reserving stock with conditional UPDATEs),
 * for one hot SKU and for orders spread over many SKUs; same connections and duration, alternated.
 * Usage: node dist/bench/intake/run.js [--seconds 10] [--rounds 2] [--connections 100] [--skus 100]
 *   [--peer postgres|none] [--pool 32] [--network-locations 1000] [--network-skus 1000] [--network-only]
 *   [--no-network] [--smoke] [--http-fronts N] [--fronts-target N]
 * `--fronts-target N` (default 1; 0 leaves it out) adds a second Fulcrum server started with `--http-fronts N`
 * (experimental HTTP front processes) as its own target, alternated with the others in every round, so the
 * report compares the two configurations within one run.
 * Then the store network (network-section.ts): two-line orders on one location against `--network-locations`
 * x `--network-skus` positions, 50 connections.
 */
const args = parseArgs(process.argv.slice(2));
const SMOKE = args.smoke === true;
const SECONDS = SMOKE ? 2 : Number(args.seconds ?? 10);
const ROUNDS = SMOKE ? 1 : Number(args.rounds ?? 2);
const CONNECTIONS = Number(args.connections ?? 100);
const SPREAD = validSpread(args.skus ?? 100);
const PEER = args.peer ?? 'postgres';
if (PEER !== 'postgres' && PEER !== 'none') throw new Error(`--peer: postgres or none, not ${String(PEER)}`);
/**
 * The peer's pool: 8, 16, 32, 64 and 100 connections measured against each other on 2 cores at 100 client
 * connections: 32 did as well as any on the hot SKU and best on spread; 64 and 100 were worse in both.
 */
const POOL = Number(args.pool ?? 32);
const KEY = 'bench-admin-key-000001';
const NETWORK = args['no-network'] !== true;
const NETWORK_ONLY = args['network-only'] === true;
const NETWORK_LOCATIONS = Number(args['network-locations'] ?? (SMOKE ? 20 : 1000));
const NETWORK_SKUS = Number(args['network-skus'] ?? (SMOKE ? 50 : 1000));
const SETTLE_MS = 1_000;
/** Passed to Fulcrum's server as `--http-fronts` (experimental HTTP front processes); unset: the server's default. */
const HTTP_FRONTS = args['http-fronts'] === undefined ? [] : ['--http-fronts', String(args['http-fronts'])];
const FRONTS_TARGET = Number(args['fronts-target'] ?? 1);
if (!Number.isInteger(FRONTS_TARGET) || FRONTS_TARGET < 0) throw new Error(`--fronts-target: a whole number of front processes, 0 for none, not ${String(args['fronts-target'])}`);

async function main(): Promise<void> {
  const sections: string[] = [];
  let failed = false;
  if (!NETWORK_ONLY) {
    const main = await mainSection();
    sections.push(main.text);
    failed ||= main.failed;
  }
  if (NETWORK) {
    const network = await networkSection({ locations: NETWORK_LOCATIONS, skus: NETWORK_SKUS, connections: 50, seconds: SECONDS, rounds: ROUNDS, key: KEY, probeOrders: SMOKE ? 300 : 20_000 });
    console.log(network.text);
    sections.push(network.text);
    failed ||= network.failed;
  }
  const cmd = ['npm run bench:intake', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
  writeResult(NETWORK_ONLY ? 'intake-network' : 'intake', cmd, sections.join('\n\n'), SMOKE);
  if (failed) process.exitCode = 1;
}

/** Bare Hono, Fulcrum and the peer on the hot and spread workloads. */
async function mainSection(): Promise<{ text: string; failed: boolean }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fulcrum-intake-'));
  const frontsDir = join(dataDir, 'fronts');
  const started: BenchProcess[] = [];
  let cluster: PostgresCluster | undefined;
  const stopAll = async () => {
    await Promise.all(started.map(stop));
    cluster?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const p of started) p.child.kill('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(130); // the cluster's exit handler stops PostgreSQL
    });
  }
  try {
    const bare = await startProcess(fileURLToPath(new URL('./bare-hono.js', import.meta.url)), []);
    started.push(bare);
    const fulcrum = await startProcess(fileURLToPath(new URL('../../src/main.js', import.meta.url)), ['--data-dir', dataDir, '--port', '0', ...HTTP_FRONTS], {
      env: { FULCRUM_API_KEYS: `${KEY}:admin` },
    });
    started.push(fulcrum);
    const skus = MODES.flatMap((mode) => skusOf(mode, SPREAD));
    await seedNetwork(fulcrumApi(fulcrum.url, KEY), skus, fulcrumStock(skus));
    const targets: Target[] = [
      { name: 'bare', url: bare.url, cpuMicros: () => cpuMicros(bare.child.pid!) },
      // With HTTP fronts the server's CPU is its own and its fronts' (and its idle feed process's).
      { name: 'fulcrum', url: fulcrum.url, cpuMicros: () => (HTTP_FRONTS.length > 0 ? treeCpuMicros(fulcrum.child.pid!) : cpuMicros(fulcrum.child.pid!)) },
    ];
    if (FRONTS_TARGET > 0) {
      // Its own data dir and stock: the two servers never share a store, and each starts with the same stock.
      const withFronts = await startProcess(fileURLToPath(new URL('../../src/main.js', import.meta.url)), ['--data-dir', frontsDir, '--port', '0', '--http-fronts', String(FRONTS_TARGET)], {
        env: { FULCRUM_API_KEYS: `${KEY}:admin` },
      });
      started.push(withFronts);
      await seedNetwork(fulcrumApi(withFronts.url, KEY), skus, fulcrumStock(skus));
      targets.push({ name: 'fulcrum-fronts', url: withFronts.url, cpuMicros: () => treeCpuMicros(withFronts.child.pid!) });
    }
    let peerSetup: string | undefined;
    if (PEER === 'postgres') {
      // A few connections beyond the pool: seeding, the check after the runs, superuser slots.
      cluster = await startPostgres({ maxConnections: POOL + 10 });
      await seedStock(cluster.url, peerStock(skus));
      const peer = await startProcess(fileURLToPath(new URL('./postgres-intake.js', import.meta.url)), ['--database', cluster.url, '--pool', String(POOL)]);
      started.push(peer);
      const db = cluster;
      targets.push({ name: 'postgres', url: peer.url, cpuMicros: () => cpuMicros(peer.child.pid!) + db.cpuMicros() });
      peerSetup = await describePeer(cluster.url);
    }

    const api = fulcrumApi(fulcrum.url, KEY);
    const bodies = { hot: orderBodies('hot', SPREAD), spread: orderBodies('spread', SPREAD) };
    const groupCommit: Record<Mode, { commits: number; orders: number }> = { hot: { commits: 0, orders: 0 }, spread: { commits: 0, orders: 0 } };
    let peerAcknowledged = 0;
    const measure = async (target: Target, mode: Mode, seconds: number, warmUp: boolean): Promise<Run> => {
      const counts = target.name === 'fulcrum' ? await Promise.all([api.metric('fulcrum_journal_commits_total'), api.metric('fulcrum_orders_placed_total')]) : undefined;
      const run = await load(target, mode, bodies[mode], { connections: CONNECTIONS, seconds, headers: { authorization: `Bearer ${KEY}` } });
      if (target.name === 'postgres') peerAcknowledged += run.ok;
      // Requests still queued in a server when autocannon stops are served after it: let them finish before the next run.
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      if (counts && !warmUp) {
        groupCommit[mode].commits += (await api.metric('fulcrum_journal_commits_total')) - counts[0];
        groupCommit[mode].orders += (await api.metric('fulcrum_orders_placed_total')) - counts[1];
      }
      return run;
    };
    // Warm every target up in every mode so that JIT, connection setup and the peer's pool count against none.
    for (const mode of MODES) for (const target of targets) await measure(target, mode, 1, true);
    const runs: Run[] = [];
    for (let r = 0; r < ROUNDS; r++) for (const mode of MODES) for (const target of targets) runs.push(await measure(target, mode, SECONDS, false));

    const flush = { p50: await api.metric('fulcrum_journal_flush_p50_seconds'), p99: await api.metric('fulcrum_journal_flush_p99_seconds') };
    const peerCheck = cluster ? await checkPeer(cluster.url, peerAcknowledged) : undefined;
    const text = report({ runs, modes: MODES, fronts: FRONTS_TARGET, connections: CONNECTIONS, seconds: SECONDS, rounds: ROUNDS, spread: SPREAD, groupCommit, flush, peer: peerSetup, peerCheck: peerCheck?.text });
    console.log(text);
    const bad = runs.filter((x) => x.non2xx > 0 || x.errors > 0);
    if (bad.length > 0) console.error('some requests failed:', JSON.stringify(bad));
    return { text, failed: bad.length > 0 || (peerCheck !== undefined && !peerCheck.ok) };
  } finally {
    await stopAll();
  }
}

/** One line on how the peer was set up, with the server's own version and settings. */
async function describePeer(url: string): Promise<string> {
  const settings = await withClient(url, async (client) => {
    const show = async (name: string) => (await client.query<Record<string, string>>(`SHOW ${name}`)).rows[0]![name]!;
    return { version: await show('server_version'), synchronousCommit: await show('synchronous_commit'), fsync: await show('fsync'), sharedBuffers: await show('shared_buffers') };
  });
  return [
    `PostgreSQL ${settings.version} from Debian's \`postgresql\` package, a fresh cluster the bench creates (\`initdb\` on a temp directory on the same disk as Fulcrum's, loopback port) and removes after;`,
    `\`fsync = ${settings.fsync}\`, \`synchronous_commit = ${settings.synchronousCommit}\`, every other setting PostgreSQL's default (\`shared_buffers = ${settings.sharedBuffers}\`).`,
    `Hono + @hono/node-server as for bare Hono, the \`pg\` client with a pool of ${POOL} connections for the ${CONNECTIONS} client connections.`,
    'Per order one transaction: `INSERT` the order (jsonb), then per line `UPDATE stock SET reserved = reserved + $qty WHERE sku = $sku AND on_hand - reserved >= $qty`, then `COMMIT`; 409 and `ROLLBACK` when a line updates no row.',
  ].join(' ');
}

/** Every order the peer acknowledged is in its table and reserved exactly its one unit. */
async function checkPeer(url: string, acknowledged: number): Promise<{ ok: boolean; text: string }> {
  const totals = await peerTotals(url);
  const ok = totals.reserved === totals.orders && totals.orders >= acknowledged;
  return {
    ok,
    text: `PostgreSQL peer check: ${totals.orders} orders in its table, ${totals.reserved} units reserved, ${acknowledged} orders acknowledged with 201 (orders still in flight when a run ended are in the table but not counted by autocannon): ${ok ? 'consistent' : '**inconsistent**'}.`,
  };
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
