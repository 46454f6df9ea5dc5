import { WebSocket } from 'ws';
import { Histogram } from '../feed/histogram.js';
import { pacedPosts } from '../feed/steady-orders.js';
import type { SubscriberPool } from '../feed/subscriber-pool.js';
import type { FulcrumNode } from '../../test/helpers/cluster-world.js';

/** Where orders go and which nodes the subscribers are spread over, for one measured phase. */
export interface FeedSetup {
  label: string;
  /** The node that takes the orders (the embedded process, or the cluster's leader). */
  writer: FulcrumNode;
  /** The nodes that serve the subscribers, an equal share each. */
  servers: FulcrumNode[];
  subscribers: number;
}

/** What one phase measured. */
export interface FeedPhase {
  label: string;
  nodes: number;
  subscribers: number;
  ordersPerSecond: number;
  /** Commits in the timeline (one per feed window at the writer: its latest commit). */
  commits: number;
  staleness: { p50: number; p99: number };
  undelivered: number;
  failedConnects: number;
}

export interface FeedLoad {
  key: string;
  sku: string;
  rate: number;
  seconds: number;
  settleMs: number;
}

/**
 * One phase: `subscribers` WebSocket clients (in the pool's processes) spread over `servers`, watching one SKU,
 * while orders for it arrive at `rate` on the writer. Staleness is measured against the writer's commit times:
 * a probe subscribed on the writer records each stock message's journal seq and commit time (`ts`, the
 * writer's clock; every node carries the same journal seq), and for each such commit and client the first
 * arrival of that seq or a newer one counts. On a follower that includes replication: the follower's own `ts`
 * would not (it stamps its apply time). The probe sees the latest commit of each of the writer's windows, so
 * commits earlier in a window are not sampled; the same holds in every phase.
 */
export async function feedPhase(clients: SubscriberPool, setup: FeedSetup, load: FeedLoad): Promise<FeedPhase> {
  let failedConnects = 0;
  for (const [i, server] of setup.servers.entries()) {
    const share = Math.floor(setup.subscribers / setup.servers.length) + (i < setup.subscribers % setup.servers.length ? 1 : 0);
    const r = await clients.connect(share, { fulcrum: server.url.replace('http', 'ws'), key: load.key, subscribe: { pool: 'default', skus: [load.sku] } });
    failedConnects += r.failed;
  }
  const probe = await Probe.open(setup.writer.url.replace('http', 'ws'), load.key, load.sku);
  try {
    clients.broadcast({ t: 'measure-start' });
    probe.recording = true;
    const posted = await pacedPosts(`${setup.writer.url}/orders`, { 'content-type': 'application/json', authorization: `Bearer ${load.key}` }, JSON.stringify({ customer: { id: 'feed' }, deliverTo: { lat: 51, lon: 10, country: 'DE' }, lines: [{ sku: load.sku, qty: 1 }] }), load.rate, load.seconds);
    if (posted.failed > 0) throw new Error(`${setup.label}: ${posted.failed} orders failed: ${posted.firstFailure}`);
    await clients.rates();
    await sleep(load.settleMs);
    probe.recording = false;
    const finals = await clients.staleness(probe.seqs, probe.times);
    const h = new Histogram();
    for (const f of finals) h.merge(f.staleness);
    return {
      label: setup.label,
      nodes: setup.servers.length,
      subscribers: setup.subscribers,
      ordersPerSecond: posted.perSecond,
      commits: probe.seqs.length,
      staleness: { p50: h.percentile(50), p99: h.percentile(99) },
      undelivered: finals.reduce((a, f) => a + f.undelivered, 0),
      failedConnects,
    };
  } finally {
    probe.close();
    await clients.disconnect();
  }
}

/** One feed client on the writer that records (seq, commit time) of every stock message while recording. */
class Probe {
  readonly seqs: number[] = [];
  readonly times: number[] = [];
  recording = false;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      if (!this.recording) return;
      const msg = JSON.parse(data.toString());
      for (const m of Array.isArray(msg) ? msg : [msg]) {
        if (m.type !== 'stock' || m.seq <= (this.seqs.at(-1) ?? 0)) continue;
        this.seqs.push(m.seq);
        this.times.push(m.ts);
      }
    });
  }

  static open(url: string, key: string, sku: string): Promise<Probe> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${url}/ws`, { headers: { authorization: `Bearer ${key}` } });
      const probe = new Probe(ws);
      ws.once('open', () => ws.send(JSON.stringify({ op: 'subscribe', pool: 'default', skus: [sku] })));
      ws.once('message', () => resolve(probe));
      ws.once('error', reject);
    });
  }

  close(): void {
    this.ws.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
