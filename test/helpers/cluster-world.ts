import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { freePort, startNatsCluster, type NatsCluster } from '../../src/cli/nats-servers.js';
import { JOURNAL_STREAM } from '../../src/cluster/batch.js';
import { SnapshotStore } from '../../src/cluster/snapshot-store.js';
import { mulberry32 } from '../../src/demo.js';

const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));
/** Node flags for every node process, e.g. `FULCRUM_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/p"` (NODE_OPTIONS refuses --cpu-prof). */
const NODE_FLAGS = (process.env.FULCRUM_NODE_FLAGS ?? '').split(' ').filter(Boolean);
const KEY = 'cluster-test-admin-key-01';
const LOCATIONS: Record<string, [number, number]> = { BER: [52.52, 13.4], MUC: [48.14, 11.58], HAM: [53.55, 9.99] };
/** The flash-sale SKU: little stock at one location, wanted by half of all orders. */
const HOT = 'HOT';
const HOT_STOCK = 25;
const SPREAD = ['S1', 'S2', 'S3', 'S4', 'S5', 'S6'];
const SPREAD_STOCK = 400;

/** One Fulcrum node of the test cluster, in its own process (so it can be killed or frozen). */
export class FulcrumNode {
  child: ChildProcess | undefined;
  frozen = false;
  out = '';
  /** A command prefix the process starts through (a CPU slice's `launcher()`: it and its children then share that quota). */
  launcher: string[] = [];
  private exited: Promise<void> = Promise.resolve();

  constructor(
    readonly id: string,
    readonly port: number,
    private readonly dataDir: string,
    private readonly env: Record<string, string>,
    /** Command-line arguments beyond the data dir and port (`--restore-from DIR` for a first start). */
    public args: string[] = [],
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get alive(): boolean {
    return this.child !== undefined && !this.frozen;
  }

  /** Starts the process and waits until it listens (as a follower). */
  async start(): Promise<void> {
    const command = [...this.launcher, process.execPath, ...NODE_FLAGS, MAIN, '--data-dir', this.dataDir, '--port', String(this.port), ...this.args];
    const child = spawn(command[0]!, command.slice(1), { env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const append = (d: Buffer) => (this.out = (this.out + d.toString()).slice(-200_000));
    child.stdout!.on('data', append);
    child.stderr!.on('data', append);
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        if (this.child === child) this.child = undefined;
        resolve();
      }),
    );
    const deadline = Date.now() + 30_000;
    while (!/listening on/.test(this.out)) {
      if (this.child !== child) throw new Error(`node ${this.id} exited before listening:\n${this.out}`);
      if (Date.now() > deadline) throw new Error(`node ${this.id} did not listen within 30 s:\n${this.out}`);
      await sleep(50);
    }
  }

  async kill9(): Promise<void> {
    if (!this.child) return;
    this.child.kill('SIGKILL');
    this.frozen = false;
    await this.exited;
  }

  freeze(): void {
    this.child?.kill('SIGSTOP');
    this.frozen = true;
  }

  thaw(): void {
    this.child?.kill('SIGCONT');
    this.frozen = false;
  }

  async stop(): Promise<void> {
    if (!this.child) return;
    if (this.frozen) this.thaw();
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }

  /** `/health/ready`'s cluster section, or undefined when the node does not answer. */
  async cluster(): Promise<{ role: string; leader: string | null; appliedSeq: number; lag: number; acceptingWrites?: boolean; lastTakeoverMs?: number } | undefined> {
    if (!this.alive) return undefined;
    const r = await call(this.url, 'GET', '/health/ready', undefined, {}, 1000);
    return r?.status === 200 ? r.body.cluster : undefined;
  }
}

/** What one check of every node found wrong; empty lists mean every invariant held. */
export interface ClusterViolations {
  /** Acknowledged orders missing on some node. */
  lostOrders: string[];
  /** Refused orders (409) that exist anyway. */
  rejectedPresent: string[];
  /** Positions with more reserved than on hand. */
  oversold: string[];
  /** Positions whose on-hand or reserved units do not match the initial stock and the orders. */
  notConserved: string[];
  /** Nodes whose state hash differs from the leader's. */
  diverged: string[];
}

export interface Outcomes {
  acked: number;
  rejected: number;
  unresolved: number;
}

export function countViolations(v: ClusterViolations): number {
  return v.lostOrders.length + v.rejectedPresent.length + v.oversold.length + v.notConserved.length + v.diverged.length;
}

/**
 * Three NATS servers and three Fulcrum nodes on loopback, a network with a hot SKU and a spread of SKUs, and
 * clients that place orders with idempotency keys on any node, retrying through failovers. After each round
 * it checks every node: each acknowledged order exists, nothing refused exists, nothing is oversold, stock
 * is conserved, and every node's state hashes the same.
 */
export class ClusterWorld {
  readonly acked = new Map<string, string>();
  readonly rejected = new Set<string>();
  /** Who answered each acknowledgement (node, leader it forwarded to, applied sequence, replayed): for a failure's message. */
  readonly ackedBy = new Map<string, string>();
  readonly totals: Outcomes = { acked: 0, rejected: 0, unresolved: 0 };
  readonly takeovers: number[] = [];
  private readonly random: () => number;
  private round = 0;

  private constructor(
    readonly nats: NatsCluster,
    readonly nodes: FulcrumNode[],
    private readonly root: string,
    seed: number,
    private readonly env: Record<string, string>,
  ) {
    this.random = mulberry32(seed);
  }

  private static nodeEnv(nats: NatsCluster, id: string, env: Record<string, string>): Record<string, string> {
    return { FULCRUM_NATS_URL: nats.urls, FULCRUM_NODE_ID: id, FULCRUM_API_KEYS: `${KEY}:admin`, FULCRUM_SOURCING_WORKERS: '1', FULCRUM_FEED_PROCESSES: '0', ...env };
  }

  /** Starts a brand-new node (empty data dir, or one `args` such as `--restore-from` fill) that joins the cluster. */
  async addNode(id: string, args: string[] = []): Promise<FulcrumNode> {
    const node = new FulcrumNode(id, await freePort(), join(this.root, id), ClusterWorld.nodeEnv(this.nats, id, this.env), args);
    this.nodes.push(node);
    await node.start();
    return node;
  }

  static async start(seed: number, env: Record<string, string> = {}): Promise<ClusterWorld> {
    const root = mkdtempSync(join(tmpdir(), 'fulcrum-cluster-test-'));
    const nats = await startNatsCluster(3, join(root, 'nats'));
    const nodes: FulcrumNode[] = [];
    for (const id of ['a', 'b', 'c']) nodes.push(new FulcrumNode(id, await freePort(), join(root, id), ClusterWorld.nodeEnv(nats, id, env)));
    const world = new ClusterWorld(nats, nodes, root, seed, env);
    try {
      await Promise.all(nodes.map((n) => n.start()));
    } catch (e) {
      await world.stop();
      throw e;
    }
    return world;
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
    await this.nats.stop();
    rmSync(this.root, { recursive: true, force: true });
  }

  /** The node that leads and accepts writes, waiting up to `ms` for one. */
  async leader(ms = 15_000, not?: FulcrumNode): Promise<FulcrumNode> {
    const deadline = Date.now() + ms;
    for (;;) {
      for (const n of this.nodes) {
        if (n === not) continue;
        const c = await n.cluster();
        if (c?.role === 'leader' && c.acceptingWrites) return n;
      }
      if (Date.now() > deadline) throw new Error(`no leader within ${ms} ms:\n${this.nodes.map((n) => `--- ${n.id}\n${n.out.slice(-3000)}`).join('\n')}`);
      await sleep(100);
    }
  }

  /** Creates the network through the leader (first round only). */
  async seed(): Promise<void> {
    const leader = await this.leader();
    const put = async (path: string, body: unknown) => {
      const r = await call(leader.url, 'PUT', path, body);
      if (!r || r.status >= 300) throw new Error(`seeding ${path}: ${r?.status} ${JSON.stringify(r?.body)}`);
    };
    for (const [id, [lat, lon]] of Object.entries(LOCATIONS)) await put(`/locations/${id}`, { name: id, geo: { lat, lon }, country: 'DE' });
    for (const sku of [HOT, ...SPREAD]) await put(`/products/${sku}`, { name: sku });
    await put(`/inventory/BER/${HOT}`, { onHand: HOT_STOCK });
    for (const loc of Object.keys(LOCATIONS)) for (const sku of SPREAD) await put(`/inventory/${loc}/${sku}`, { onHand: SPREAD_STOCK });
    await this.settle();
  }

  /**
   * One round: `workers` clients place orders on random nodes for `ms`; `disrupt` runs meanwhile (after
   * `disruptAfterMs`). Each order carries its ref as Idempotency-Key and is retried (on any node) through
   * errors until it is answered or 15 s pass. The disruption waits for `minAcked` acknowledged orders too.
   */
  async burst(workers: number, ms: number, disruptAfterMs: number, disrupt: () => Promise<void>, minAcked = 0): Promise<Outcomes> {
    const round = ++this.round;
    const stats: Outcomes = { acked: 0, rejected: 0, unresolved: 0 };
    const until = Date.now() + ms;
    const worker = async (w: number) => {
      for (let n = 0; Date.now() < until; n++) {
        const ref = `r${round}-w${w}-${n}`;
        const lines = this.random() < 0.5 ? [{ sku: HOT, qty: 1 }] : [{ sku: SPREAD[Math.floor(this.random() * SPREAD.length)]!, qty: 1 + Math.floor(this.random() * 3) }];
        const outcome = await this.place(ref, lines);
        stats[outcome]++;
        this.totals[outcome]++;
      }
    };
    // The disruption waits for `minAcked` acknowledged orders too (while the burst lasts): on a loaded machine
    // a fixed delay may see almost nothing acknowledged before it.
    const disrupted = sleep(disruptAfterMs)
      .then(async () => {
        while (stats.acked < minAcked && Date.now() < until) await sleep(20);
      })
      .then(disrupt);
    await Promise.all([...Array.from({ length: workers }, (_, w) => worker(w)), disrupted]);
    return stats;
  }

  private async place(ref: string, lines: Array<{ sku: string; qty: number }>): Promise<keyof Outcomes> {
    const body = { ref, customer: { id: ref }, deliverTo: { lat: 51, lon: 10, country: 'DE' }, lines };
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const live = this.nodes.filter((n) => n.alive);
      const node = live[Math.floor(this.random() * live.length)];
      const r = node && (await call(node.url, 'POST', '/orders', body, { 'idempotency-key': ref }, 3000));
      if (r && r.status === 201) {
        this.acked.set(r.body.id, ref);
        this.ackedBy.set(r.body.id, `${node.id}${r.headers.get('fulcrum-forwarded-to') ? ` via ${r.headers.get('fulcrum-forwarded-to')}` : ''}, seq ${r.headers.get('fulcrum-applied-seq')}${r.headers.get('idempotent-replayed') ? ', replayed' : ''}`);
        return 'acked';
      }
      if (r && r.status === 409) {
        this.rejected.add(ref);
        return 'rejected';
      }
      if (r && r.status < 500) throw new Error(`order ${ref}: unexpected ${r.status} ${JSON.stringify(r.body)}`);
      await sleep(100);
    }
    return 'unresolved';
  }

  /** Waits until every live node applied the leader's last sequence. */
  async settle(ms = 20_000): Promise<void> {
    const leader = await this.leader(ms);
    const deadline = Date.now() + ms;
    for (;;) {
      const target = (await leader.cluster())?.appliedSeq ?? Infinity;
      const seqs = await Promise.all(this.nodes.filter((n) => n.alive).map(async (n) => (await n.cluster())?.appliedSeq ?? -1));
      if (seqs.every((s) => s >= target)) return;
      if (Date.now() > deadline) throw new Error(`nodes did not converge on sequence ${target}: ${seqs.join(', ')}`);
      await sleep(100);
    }
  }

  /** Checks every live node against what clients were told, and against each other. */
  async verify(): Promise<ClusterViolations> {
    await this.settle();
    const v: ClusterViolations = { lostOrders: [], rejectedPresent: [], oversold: [], notConserved: [], diverged: [] };
    const hashes = new Map<string, string>();
    for (const node of this.nodes.filter((n) => n.alive)) {
      const orders = await listAll(node.url);
      const ids = new Set(orders.map((o) => o.id as string));
      const refs = new Set(orders.map((o) => o.ref as string));
      const idOfRef = new Map(orders.map((o) => [o.ref as string, o.id as string]));
      for (const id of this.acked.keys()) if (!ids.has(id)) v.lostOrders.push(`${node.id}: ${id} (${this.acked.get(id)}${idOfRef.has(this.acked.get(id)!) ? `, present as ${idOfRef.get(this.acked.get(id)!)}` : ''}; acknowledged by ${this.ackedBy.get(id)})`);
      for (const ref of this.rejected) if (refs.has(ref)) v.rejectedPresent.push(`${node.id}: ${ref}`);
      const reserved = new Map<string, number>();
      for (const o of orders) {
        for (const f of o.fulfilments) {
          if (f.status === 'cancelled' || f.status === 'rejected') continue;
          for (const l of f.lines) reserved.set(`${f.location}/${l.sku}`, (reserved.get(`${f.location}/${l.sku}`) ?? 0) + l.qty);
        }
      }
      const positions: unknown[] = [];
      for (const loc of Object.keys(LOCATIONS)) {
        for (const sku of [HOT, ...SPREAD]) {
          const r = await call(node.url, 'GET', `/inventory/${loc}/${sku}`);
          if (!r || r.status !== 200) throw new Error(`${node.id}: GET /inventory/${loc}/${sku}: ${r?.status}`);
          const p = r.body;
          const initial = sku === HOT ? (loc === 'BER' ? HOT_STOCK : 0) : SPREAD_STOCK;
          const k = `${loc}/${sku}`;
          if (p.reserved > p.onHand) v.oversold.push(`${node.id}: ${k} reserved ${p.reserved} of ${p.onHand}`);
          if (p.onHand !== initial || p.reserved !== (reserved.get(k) ?? 0)) v.notConserved.push(`${node.id}: ${k} on hand ${p.onHand} (was ${initial}), reserved ${p.reserved}, orders hold ${reserved.get(k) ?? 0}`);
          positions.push([k, p.onHand, p.reserved]);
        }
      }
      const state = orders.map((o) => [o.id, o.status, o.fulfilments.map((f: any) => [f.location, f.status, f.lines])]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
      hashes.set(node.id, createHash('sha256').update(JSON.stringify([state, positions])).digest('hex'));
    }
    const distinct = new Set(hashes.values());
    if (distinct.size > 1) v.diverged.push(...[...hashes].map(([id, h]) => `${id}: ${h.slice(0, 12)}`));
    return v;
  }

  /** Kills (or freezes) the leader mid-burst, and measures the time until another node accepts writes. */
  async failover(how: 'kill' | 'freeze', workers: number, ms: number, disruptAfterMs: number): Promise<{ outcomes: Outcomes; takeoverMs: number; promotionMs: number; old: FulcrumNode }> {
    const old = await this.leader();
    let takeoverMs = NaN;
    let promotionMs = NaN;
    const outcomes = await this.burst(workers, ms, disruptAfterMs, async () => {
      const at = Date.now();
      if (how === 'kill') await old.kill9();
      else old.freeze();
      const next = await this.leader(20_000, old);
      takeoverMs = Date.now() - at;
      this.takeovers.push(takeoverMs);
      // From its log: its /health/ready may be slow to answer in the middle of the burst.
      const logged = [...next.out.matchAll(/took over in (\d+) ms/g)].pop();
      promotionMs = logged ? Number(logged[1]) : NaN;
    });
    return { outcomes, takeoverMs, promotionMs, old };
  }

  /** The journal stream's first and last sequence, and the sequences of the snapshots kept (newest first). */
  async journal(): Promise<{ firstSeq: number; lastSeq: number; snapshots: number[] }> {
    const nc = await connect({ servers: this.nats.urls.split(',') });
    try {
      const { state } = await (await jetstreamManager(nc)).streams.info(JOURNAL_STREAM);
      const snapshots = (await (await SnapshotStore.open(nc)).list()).map((s) => s.seq);
      return { firstSeq: state.first_seq, lastSeq: state.last_seq, snapshots };
    } finally {
      await nc.close();
    }
  }

  /** The nodes' logs, for a failing assertion. */
  logs(): string {
    return this.nodes.map((n) => `--- ${n.id}\n${n.out.slice(-4000)}`).join('\n');
  }
}

/** A JSON call with the test key; undefined when the node did not answer in time. */
export async function call(url: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}, timeoutMs = 10_000): Promise<{ status: number; body: any; headers: Headers } | undefined> {
  try {
    const res = await fetch(url + path, {
      method,
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: res.status, body: await res.json(), headers: res.headers };
  } catch {
    return undefined;
  }
}

async function listAll(url: string): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | undefined;
  for (;;) {
    const r = await call(url, 'GET', `/orders?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    if (!r || r.status !== 200) throw new Error(`GET /orders on ${url}: ${r?.status}`);
    out.push(...r.body.items);
    if (!r.body.nextCursor) return out;
    cursor = r.body.nextCursor;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What a series of failover rounds found. */
export interface FailoverReport {
  /** Violations per round (0 when every invariant held). */
  found: number[];
  /** The first round's violations that were not empty, for the message. */
  first?: ClusterViolations;
  takeovers: number[];
  /** The part of each takeover the new leader spent from taking the lease to accepting writes. */
  promotions: number[];
}

/**
 * Runs one failover round per entry of `kinds` on a seeded world: the leader is killed with SIGKILL (then
 * restarted: it rejoins as a follower) or frozen with SIGSTOP (then thawed once another node leads: it must
 * step down and rejoin as a follower); then every node is checked. Stops at the first violation when asked.
 */
export async function failoverRounds(world: ClusterWorld, kinds: Array<'kill' | 'freeze'>, stopAtFirst: boolean, workers = 12): Promise<FailoverReport> {
  const report: FailoverReport = { found: [], takeovers: [], promotions: [] };
  for (const how of kinds) {
    const { old, takeoverMs, promotionMs } = await world.failover(how, workers, 5000, 1500);
    report.takeovers.push(takeoverMs);
    report.promotions.push(promotionMs);
    if (how === 'kill') await old.start();
    else old.thaw();
    // The old leader rejoins as a follower: a frozen one finds its lease gone and steps down.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const c = await old.cluster();
      if (c?.role === 'follower' && c.lag === 0) break;
      if (Date.now() > deadline) throw new Error(`the old leader ${old.id} did not rejoin as a follower:\n${old.out.slice(-4000)}`);
      await sleep(100);
    }
    const v = await world.verify();
    const n = countViolations(v);
    report.found.push(n);
    if (n > 0) report.first ??= v;
    if (n > 0 && stopAtFirst) break;
  }
  return report;
}

/** The q-quantile (0..1) of some numbers. */
export function quantile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * A blackout of the whole NATS cluster during a burst: every server freezes (its sockets still accept bytes),
 * clients keep ordering for `frozenMs`, then the leader is killed, every NATS server is killed (bytes they had
 * not read are gone) and restarted from its store. Whatever the leader acknowledged during the freeze was held
 * by no quorum: a leader that waits for the quorum's ack acknowledged nothing then, and loses nothing.
 */
export async function natsBlackout(world: ClusterWorld, frozenMs: number, workers = 16): Promise<ClusterViolations> {
  const old = await world.leader();
  await world.burst(workers, 5000, 1500, async () => {
    for (const s of world.nats.servers) s.freeze();
    await sleep(frozenMs);
    await old.kill9();
    // Killed while still frozen: what they had not read from their sockets never reaches a store.
    await Promise.all(world.nats.servers.map((s) => s.kill()));
    await Promise.all(world.nats.servers.map((s) => s.restart()));
    await world.leader(30_000, old);
  }, 30);
  await old.start();
  return world.verify();
}
