import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { closeStore, openStore } from '../../snapshots/index.js';
import { mulberry32 } from '../../src/demo.js';
import { callChild, tryCall, type ChildServer } from './child-server.js';

export const BACKUP_KEY = 'backup-test-admin-key-01';
const LOCATIONS: Record<string, [number, number]> = { BER: [52.52, 13.4], MUC: [48.14, 11.58], HAM: [53.55, 9.99] };
const SKUS = ['A', 'B', 'C', 'D'];
/** Units received per position at seeding: the only receipts, so every unit is either available or reserved by an order. */
export const RECEIVED = 400;

/** An order whose placement was acknowledged (201), and its cancel if that was acknowledged too (ms, performance.now). */
export interface AckedOrder {
  id: string;
  lines: Array<{ sku: string; qty: number }>;
  sentAt: number;
  ackedAt: number;
  cancelAckedAt?: number;
}

/** Where each order sits in the source's journal: the step that created it, and the one that cancelled it. */
export interface OrderSeqs {
  created: number;
  cancelled?: number;
}

/** What a check of a restored node against a backup's claimed sequence found wrong; empty lists: it held. */
export interface BackupViolations {
  /** Acknowledged at or before the sequence, missing from the restored node. */
  lostOrders: string[];
  /** Created after the sequence, present in the restored node: the backup is not the state it claims. */
  laterOrders: string[];
  /** A cancel at or before the sequence not applied, or one after it applied. */
  wrongStatus: string[];
  /** Positions whose units do not add up: on hand vs received, reserved vs the orders that hold them. */
  notConserved: string[];
}

export function countBackupViolations(v: BackupViolations): number {
  return v.lostOrders.length + v.laterOrders.length + v.wrongStatus.length + v.notConserved.length;
}

/**
 * Orders (and cancels of them) fired at a child server from concurrent clients, each outcome classified,
 * so a backup taken in the middle can be checked against what was acknowledged.
 */
export class OrderLoad {
  readonly acked = new Map<string, AckedOrder>();
  /** Each placement's latency and when it was sent (ms), for the intake percentiles. */
  readonly latencies: Array<{ sentAt: number; ms: number }> = [];
  rejected = 0;
  unknown = 0;
  private stopped = false;
  private running: Promise<void>[] = [];
  private readonly random: () => number;

  constructor(private readonly server: ChildServer, seed: number) {
    this.random = mulberry32(seed);
  }

  /** Creates the locations, products and stock. */
  async seed(): Promise<void> {
    for (const [id, [lat, lon]] of Object.entries(LOCATIONS)) await must(call(this.server, 'PUT', `/locations/${id}`, { name: id, geo: { lat, lon }, country: 'DE' }));
    for (const sku of SKUS) await must(call(this.server, 'PUT', `/products/${sku}`, { name: sku }));
    for (const loc of Object.keys(LOCATIONS)) for (const sku of SKUS) await must(call(this.server, 'PUT', `/inventory/${loc}/${sku}`, { onHand: RECEIVED }));
  }

  /** Starts `workers` clients placing orders (and cancelling some of their acknowledged ones) until `stop`. */
  start(workers: number): void {
    this.running = Array.from({ length: workers }, (_, w) => this.worker(w));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.running);
  }

  private async worker(w: number): Promise<void> {
    const mine: AckedOrder[] = [];
    for (let i = 0; !this.stopped; i++) {
      const open = mine.filter((o) => o.cancelAckedAt === undefined);
      if (open.length > 0 && this.random() < 0.15) {
        const o = open[Math.floor(this.random() * open.length)]!;
        const r = await call(this.server, 'POST', `/orders/${o.id}/cancel`, { reason: 'backup test' });
        if (r?.status === 200) o.cancelAckedAt = performance.now();
        continue;
      }
      const lines = SKUS.filter(() => this.random() < 0.4).map((sku) => ({ sku, qty: 1 + Math.floor(this.random() * 2) }));
      if (lines.length === 0) lines.push({ sku: SKUS[w % SKUS.length]!, qty: 1 });
      const sentAt = performance.now();
      const r = await call(this.server, 'POST', '/orders', { ref: `w${w}-${i}`, customer: { id: `c${w}` }, deliverTo: { lat: 51, lon: 10, country: 'DE' }, lines });
      const ackedAt = performance.now();
      this.latencies.push({ sentAt, ms: ackedAt - sentAt });
      if (r === undefined || r.status >= 500) this.unknown++;
      else if (r.status !== 201) this.rejected++;
      else {
        const o: AckedOrder = { id: r.body.id, lines, sentAt, ackedAt };
        this.acked.set(o.id, o);
        mine.push(o);
      }
    }
  }
}

/**
 * The journal sequences of every order in a stopped data dir, read from the orders' timelines (never
 * truncated, keyed by the step's sequence): creation is the first record, a cancel the first that ends cancelled.
 */
export async function orderSeqs(dataDir: string): Promise<Map<string, OrderSeqs>> {
  const store = openStore(dataDir);
  const out = new Map<string, OrderSeqs>();
  try {
    for (const { key, value } of store.timeline.getRange({ start: 'order:', end: 'order;' })) {
      const slash = key.lastIndexOf('/');
      const id = key.slice('order:'.length, slash);
      const seq = Number(key.slice(slash + 1));
      let seqs = out.get(id);
      if (!seqs) out.set(id, (seqs = { created: seq }));
      if (seqs.cancelled === undefined && value.entries.some((e) => e.status === 'cancelled')) seqs.cancelled = seq;
    }
  } finally {
    await closeStore(store);
  }
  return out;
}

/**
 * Checks a node restored from a backup against the sequence the backup claims to cover: every order
 * acknowledged at or before it is there, none created after it is, each cancel is applied exactly when it is
 * at or before it, and stock is conserved (on hand is what was received; reserved is what the open orders
 * hold, position by position, and in total what the client's acknowledged orders up to the sequence hold).
 */
export async function checkRestored(restored: ChildServer, claimedSeq: number, acked: ReadonlyMap<string, AckedOrder>, seqs: ReadonlyMap<string, OrderSeqs>): Promise<BackupViolations> {
  const v: BackupViolations = { lostOrders: [], laterOrders: [], wrongStatus: [], notConserved: [] };
  const listed = await listOrders(restored);
  const byId = new Map(listed.map((o) => [o.id as string, o]));
  const covered = (seq: number | undefined) => seq !== undefined && seq <= claimedSeq;
  let expectedReserved = 0;
  for (const o of acked.values()) {
    const s = seqs.get(o.id);
    if (!s) throw new Error(`order ${o.id} was acknowledged but the source's timeline does not have it`);
    if (!covered(s.created)) continue;
    const found = byId.get(o.id);
    if (!found) {
      v.lostOrders.push(`${o.id} (seq ${s.created})`);
      continue;
    }
    const cancelled = found.status === 'cancelled';
    if (cancelled !== covered(s.cancelled)) v.wrongStatus.push(`${o.id}: cancel at seq ${s.cancelled ?? 'never'}, restored status ${found.status}`);
    if (!cancelled) for (const f of found.fulfilments) if (f.status !== 'cancelled' && f.status !== 'rejected') for (const l of f.lines) expectedReserved += l.qty;
  }
  for (const o of listed) {
    const s = seqs.get(o.id);
    if (!s || !covered(s.created)) v.laterOrders.push(`${o.id} (seq ${s?.created ?? 'unknown'})`);
  }
  // Per position, from the restored node's own orders; in total, from the client's acknowledged ones.
  const holding = new Map<string, number>();
  for (const o of listed) {
    for (const f of o.fulfilments) {
      if (f.status === 'cancelled' || f.status === 'rejected') continue;
      for (const l of f.lines) holding.set(`${f.location}/${l.sku}`, (holding.get(`${f.location}/${l.sku}`) ?? 0) + l.qty);
    }
  }
  let reservedTotal = 0;
  for (const loc of Object.keys(LOCATIONS)) {
    for (const sku of SKUS) {
      const p = (await must(call(restored, 'GET', `/inventory/${loc}/${sku}`))).body;
      reservedTotal += p.reserved;
      if (p.onHand !== RECEIVED) v.notConserved.push(`${loc}/${sku}: on hand ${p.onHand}, received ${RECEIVED}`);
      if (p.reserved !== (holding.get(`${loc}/${sku}`) ?? 0)) v.notConserved.push(`${loc}/${sku}: reserved ${p.reserved}, open orders hold ${holding.get(`${loc}/${sku}`) ?? 0}`);
      if (p.available + p.reserved !== p.onHand || p.available < 0) v.notConserved.push(`${loc}/${sku}: available ${p.available} + reserved ${p.reserved} != on hand ${p.onHand}`);
    }
  }
  // Orders whose 201 never arrived (unknown outcome) may hold units too: they are in the listing, not in `acked`.
  const unacknowledged = listed.filter((o) => !acked.has(o.id) && o.status !== 'cancelled');
  for (const o of unacknowledged) for (const f of o.fulfilments) if (f.status !== 'cancelled' && f.status !== 'rejected') for (const l of f.lines) expectedReserved += l.qty;
  if (reservedTotal !== expectedReserved) v.notConserved.push(`reserved in all ${reservedTotal}, the acknowledged orders up to seq ${claimedSeq} hold ${expectedReserved}`);
  return v;
}

/** Runs a CLI of dist/src/cli/ in a child process (the load goes on meanwhile) and resolves with its exit code and output. */
export function runCli(script: string, args: string[]): Promise<{ code: number | null; output: string }> {
  const file = fileURLToPath(new URL(`../../src/cli/${script}.js`, import.meta.url));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

/** The p-quantile (0..1) of a list of milliseconds. */
export function quantile(ms: number[], q: number): number {
  const sorted = [...ms].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** A call with the test's admin key; undefined when no answer came. */
export function call(server: ChildServer, method: string, path: string, body?: unknown): Promise<{ status: number; body: any } | undefined> {
  return tryCall(server.url, BACKUP_KEY, method, path, body);
}

export async function must(p: Promise<{ status: number; body: any } | undefined>): Promise<{ status: number; body: any }> {
  const r = await p;
  if (!r || r.status >= 300) throw new Error(`call failed: ${r?.status} ${JSON.stringify(r?.body)}`);
  return r;
}

/** Every order the server lists, page by page. */
async function listOrders(server: ChildServer): Promise<any[]> {
  const out: any[] = [];
  for (let page: any = { nextCursor: '' }; page.nextCursor !== undefined; ) {
    page = await callChild(server, BACKUP_KEY, 'GET', `/orders?limit=500${page.nextCursor ? `&cursor=${page.nextCursor}` : ''}`);
    out.push(...page.items);
  }
  return out;
}
