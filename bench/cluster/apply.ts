import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { load } from '../intake/load.js';
import { parseArgs } from '../lib/args.js';
import { fixed } from '../lib/report.js';
import { freePort, startNatsCluster } from '../../src/cli/nats-servers.js';
import { applyBatch, type ClusterHooks, type ClusterView } from '../../src/cluster/index.js';
import { decodeBatch, JOURNAL_STREAM } from '../../src/cluster/batch.js';
import { loadConfig } from '../../src/config.js';
import { DomainError } from '../../src/domain/errors.js';
import { startServer } from '../../src/server.js';
import { call, FulcrumNode, sleep } from '../../test/helpers/cluster-world.js';

/**
 * `node dist/bench/cluster/apply.js [--seconds N] [--rounds N]`: what a follower spends per applied order,
 * measured in one process away from the leader's and the NATS servers' CPU (which the cluster bench cannot
 * separate on one machine). A three-node cluster takes `seconds` of closed-loop intake (100 connections, orders
 * spread over 100 SKUs as `run.ts` sends them); its journal stream is read back; then, `rounds` times, a fresh
 * follower engine applies the configuration batches, reopens (as a follower does to load configuration), and
 * applies the order batches through `applyBatch`, the code a follower runs, one batch per event turn, until
 * its store committed them. Process CPU (every thread: LMDB commits on its own) per order is the figure.
 */
const args = parseArgs(process.argv.slice(2));
const seconds = Number(args.seconds ?? 4);
const rounds = Number(args.rounds ?? 5);
const KEY = 'cluster-test-admin-key-01';
const SKUS = Array.from({ length: 100 }, (_, i) => `SPR-${String(i).padStart(3, '0')}`);

interface Captured {
  messages: Array<{ seq: number; data: Uint8Array }>;
  /** The stream's last sequence before the orders: configuration up to it. */
  configuredTo: number;
  orders: number;
}

async function capture(root: string): Promise<Captured> {
  const nats = await startNatsCluster(3, join(root, 'nats'));
  const common = { FULCRUM_API_KEYS: `${KEY}:admin`, FULCRUM_SOURCING_WORKERS: '1', FULCRUM_RATE_LIMITS: 'admin:0' };
  const nodes = await Promise.all(['a', 'b', 'c'].map(async (id) => new FulcrumNode(id, await freePort(), join(root, id), { ...common, FULCRUM_NATS_URL: nats.urls, FULCRUM_NODE_ID: id })));
  try {
    await Promise.all(nodes.map((n) => n.start()));
    let leader: FulcrumNode | undefined;
    for (let i = 0; !leader && i < 300; i++) {
      for (const n of nodes) if ((await n.cluster())?.role === 'leader') leader = n;
      await sleep(100);
    }
    if (!leader) throw new Error('no leader');
    const put = async (path: string, body: unknown) => {
      const r = await call(leader.url, 'PUT', path, body, { authorization: `Bearer ${KEY}` });
      if (!r || r.status >= 300) throw new Error(`seeding ${path}: ${r?.status} ${JSON.stringify(r?.body)}`);
    };
    for (const [id, lat, lon] of [['BER', 52.52, 13.4], ['MUC', 48.14, 11.58], ['HAM', 53.55, 9.99]] as const) await put(`/locations/${id}`, { name: id, geo: { lat, lon }, country: 'DE' });
    for (const sku of SKUS) await put(`/products/${sku}`, { name: sku });
    for (const loc of ['BER', 'MUC', 'HAM']) for (const sku of SKUS) await put(`/inventory/${loc}/${sku}`, { onHand: 10_000_000 });
    const nc = await connect({ servers: nats.urls.split(',') });
    try {
      const jsm = await jetstreamManager(nc);
      const configuredTo = (await jsm.streams.info(JOURNAL_STREAM)).state.last_seq;
      const bodies = SKUS.map((sku, i) => JSON.stringify({ ref: `b${i}`, customer: { id: `c${i}` }, deliverTo: { lat: 51, lon: 10, country: 'DE' }, lines: [{ sku, qty: 1 }] }));
      const run = await load({ name: 'fulcrum', url: leader.url, cpuMicros: () => 0 }, 'spread', bodies, { connections: 100, seconds, headers: { authorization: `Bearer ${KEY}` } });
      const last = (await jsm.streams.info(JOURNAL_STREAM)).state.last_seq;
      const consumer = await jetstream(nc).consumers.get(JOURNAL_STREAM, { deliver_policy: DeliverPolicy.All });
      const messages: Captured['messages'] = [];
      const it = await consumer.consume();
      for await (const m of it) {
        messages.push({ seq: m.seq, data: m.data.slice() });
        if (m.seq >= last) break;
      }
      return { messages, configuredTo, orders: run.ok };
    } finally {
      await nc.close();
    }
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    await nats.stop();
  }
}

function follower(): ClusterHooks {
  let applied = 0;
  const view: ClusterView = {
    role: 'follower',
    leaderUrl: () => undefined,
    appliedSeq: () => applied,
    waitForSeq: async (seq) => applied >= seq,
    status: () => ({ role: 'follower' }),
    ready: () => true,
  };
  return {
    role: 'follower',
    view,
    prepare: (engine) => {
      engine.gate = { open: false, refusal: () => new DomainError('unavailable', 'a follower') };
    },
  };
}

/** One follower applying the captured stream: CPU µs per order of the order batches. */
async function applyOnce(dir: string, captured: Captured): Promise<{ usPerOrder: number; ms: number }> {
  const config = { ...loadConfig([], { FULCRUM_SOURCING_WORKERS: '1' }), port: 0, host: '127.0.0.1' };
  const open = () => startServer({ ...config, dataDir: dir, cluster: follower() });
  let server = await open();
  const configBatches = captured.messages.filter((m) => m.seq <= captured.configuredTo);
  const orderBatches = captured.messages.filter((m) => m.seq > captured.configuredTo);
  for (const m of configBatches) applyBatch(server.fulcrum.engine, m.seq, decodeBatch(m.data));
  await server.fulcrum.engine.store.root.committed;
  await server.close();
  server = await open();
  const { engine } = server.fulcrum;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const m of orderBatches) {
    applyBatch(engine, m.seq, decodeBatch(m.data));
    await new Promise((r) => setImmediate(r));
  }
  await engine.store.root.committed;
  const cpu = process.cpuUsage(cpu0);
  const ms = performance.now() - t0;
  await server.close();
  return { usPerOrder: (cpu.user + cpu.system) / Math.max(1, captured.orders), ms };
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'fulcrum-bench-apply-'));
  try {
    const captured = await capture(join(root, 'cluster'));
    const bytes = captured.messages.filter((m) => m.seq > captured.configuredTo).reduce((a, m) => a + m.data.length, 0);
    console.log(`captured ${captured.orders} orders in ${captured.messages.length - captured.configuredTo} batches (${fixed(bytes / Math.max(1, captured.orders), 0)} B per order on the stream)`);
    const results: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const { usPerOrder, ms } = await applyOnce(join(root, `follower-${r}`), captured);
      results.push(usPerOrder);
      console.log(`round ${r + 1}: ${fixed(usPerOrder, 1)} µs CPU per applied order (${fixed(ms, 0)} ms wall)`);
    }
    const sorted = [...results].sort((a, b) => a - b);
    console.log(`median ${fixed(sorted[Math.floor(sorted.length / 2)]!, 1)} µs per order, min ${fixed(sorted[0]!, 1)}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
