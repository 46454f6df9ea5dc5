import { startChildServer, type ChildServer } from './child-server.js';
import { mulberry32 } from '../../src/demo.js';

const KEY = 'crash-test-admin-key-01';
const LOCATIONS: Record<string, [number, number]> = { BER: [52.52, 13.4], MUC: [48.14, 11.58], HAM: [53.55, 9.99] };
const SKUS = ['A', 'B', 'C'];
const INITIAL = 300;

type Outcome = 'acked' | 'rejected' | 'unknown';

interface KnownOrder {
  id: string;
  ref: string;
  cancelled: boolean;
  shipped: Set<string>;
  /** Fulfilments with an event whose outcome is unknown (the server may or may not have applied it). */
  maybe: boolean;
}

/** What one check after a restart found wrong; empty lists mean every invariant held. */
export interface Violations {
  lostOrders: string[];
  lostEvents: string[];
  rejectedPresent: string[];
  notConserved: string[];
  reservationMismatch: string[];
}

export interface RoundStats {
  acked: number;
  rejected: number;
  unknown: number;
}

/**
 * A world of orders, ships and cancels fired at a server that is killed with SIGKILL at a random moment.
 * It classifies every request as acknowledged, rejected or unknown, and after each restart checks: nothing
 * acknowledged is lost, nothing rejected exists, stock is conserved, reservations match open orders.
 */
export class CrashWorld {
  readonly orders = new Map<string, KnownOrder>();
  readonly rejectedRefs = new Set<string>();
  readonly totals: RoundStats = { acked: 0, rejected: 0, unknown: 0 };
  private round = 0;
  private readonly random: () => number;
  private readonly dataDir: string;
  private readonly env: Record<string, string>;

  constructor(dataDir: string, seed: number, env: Record<string, string> = {}) {
    this.dataDir = dataDir;
    this.random = mulberry32(seed);
    this.env = { FULCRUM_API_KEYS: `${KEY}:admin`, FULCRUM_SNAPSHOT_INTERVAL_MS: '200', ...env };
  }

  /** Starts the server on the world's data dir. */
  start(): Promise<ChildServer> {
    return startChildServer(this.dataDir, this.env);
  }

  /** Creates the network (first round only). */
  async seed(server: ChildServer): Promise<void> {
    for (const [id, [lat, lon]] of Object.entries(LOCATIONS)) await must(call(server.url, 'PUT', `/locations/${id}`, { name: id, geo: { lat, lon }, country: 'DE' }));
    for (const sku of SKUS) await must(call(server.url, 'PUT', `/products/${sku}`, { name: sku }));
    for (const loc of Object.keys(LOCATIONS)) for (const sku of SKUS) await must(call(server.url, 'PUT', `/inventory/${loc}/${sku}`, { onHand: INITIAL }));
  }

  /** Fires a burst from `workers` concurrent clients and kills the server after `killAfterMs`. */
  async burst(server: ChildServer, workers: number, killAfterMs: number): Promise<RoundStats> {
    const round = ++this.round;
    const stats: RoundStats = { acked: 0, rejected: 0, unknown: 0 };
    let stop = false;
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const r = this.random();
        const open = [...this.orders.values()].filter((o) => !o.cancelled && !o.maybe);
        let outcome: Outcome;
        if (r < 0.7 || open.length === 0) outcome = await this.place(server, `r${round}-w${w}-${i}`);
        else outcome = await this.eventOn(server, open[Math.floor(this.random() * open.length)]!, r < 0.85 ? 'ship' : 'cancel');
        stats[outcome]++;
      }
    };
    const running = Array.from({ length: workers }, (_, w) => worker(w));
    await sleep(killAfterMs);
    await server.kill9();
    stop = true;
    await Promise.all(running);
    this.totals.acked += stats.acked;
    this.totals.rejected += stats.rejected;
    this.totals.unknown += stats.unknown;
    return stats;
  }

  /** Checks every invariant against a freshly restarted server. */
  async verify(server: ChildServer): Promise<Violations> {
    const v: Violations = { lostOrders: [], lostEvents: [], rejectedPresent: [], notConserved: [], reservationMismatch: [] };
    const all = await listAll(server.url);
    const byRef = new Map(all.map((o) => [o.ref as string, o]));
    for (const known of this.orders.values()) {
      const o = all.find((x) => x.id === known.id);
      if (!o) {
        v.lostOrders.push(known.id);
        continue;
      }
      if (known.cancelled && o.status !== 'cancelled') v.lostEvents.push(`${known.id}: cancel acknowledged, status ${o.status}`);
      for (const f of known.shipped) {
        if (o.fulfilments.find((x: any) => x.id === f)?.status !== 'shipped') v.lostEvents.push(`${known.id}: ship of ${f} acknowledged but not shipped`);
      }
    }
    for (const ref of this.rejectedRefs) if (byRef.has(ref)) v.rejectedPresent.push(ref);
    // Stock: units never appear or vanish, and what is reserved/shipped matches the orders exactly.
    const expected = new Map<string, { reserved: number; shipped: number }>();
    for (const o of all) {
      for (const f of o.fulfilments) {
        for (const l of f.lines) {
          const k = `${f.location}/${l.sku}`;
          const e = expected.get(k) ?? { reserved: 0, shipped: 0 };
          if (f.status === 'shipped') e.shipped += l.qty;
          else if (f.status !== 'cancelled') e.reserved += l.qty;
          expected.set(k, e);
        }
      }
    }
    for (const loc of Object.keys(LOCATIONS)) {
      for (const sku of SKUS) {
        const p = (await must(call(server.url, 'GET', `/inventory/${loc}/${sku}`))).body;
        const total = p.available + p.reserved + p.shipped;
        if (total !== INITIAL || p.available < 0 || p.reserved < 0) v.notConserved.push(`${loc}/${sku}: ${p.available}+${p.reserved}+${p.shipped}=${total}, expected ${INITIAL}`);
        const e = expected.get(`${loc}/${sku}`) ?? { reserved: 0, shipped: 0 };
        if (e.reserved !== p.reserved || e.shipped !== p.shipped) {
          v.reservationMismatch.push(`${loc}/${sku}: orders hold ${e.reserved} reserved/${e.shipped} shipped, stock says ${p.reserved}/${p.shipped}`);
        }
      }
    }
    // Orders whose events had unknown outcomes: adopt what the server says, so later rounds check from there.
    for (const known of this.orders.values()) {
      const o = all.find((x) => x.id === known.id);
      if (!o) continue;
      known.cancelled = o.status === 'cancelled';
      known.shipped = new Set(o.fulfilments.filter((f: any) => f.status === 'shipped').map((f: any) => f.id));
      known.maybe = false;
    }
    // Unknown placements that did land: adopt them as known orders.
    for (const o of all) if (!this.orders.has(o.id)) this.orders.set(o.id, { id: o.id, ref: o.ref, cancelled: o.status === 'cancelled', shipped: new Set(), maybe: false });
    return v;
  }

  private async place(server: ChildServer, ref: string): Promise<Outcome> {
    const lines = SKUS.filter(() => this.random() < 0.5).map((sku) => ({ sku, qty: 1 + Math.floor(this.random() * 3) }));
    if (lines.length === 0) lines.push({ sku: 'A', qty: 1 });
    const r = await call(server.url, 'POST', '/orders', { ref, customer: { id: ref }, deliverTo: { lat: 51, lon: 10, country: 'DE' }, lines });
    if (r === undefined || r.status >= 500) return 'unknown';
    if (r.status === 201) {
      this.orders.set(r.body.id, { id: r.body.id, ref, cancelled: false, shipped: new Set(), maybe: false });
      return 'acked';
    }
    this.rejectedRefs.add(ref);
    return 'rejected';
  }

  private async eventOn(server: ChildServer, order: KnownOrder, kind: 'ship' | 'cancel'): Promise<Outcome> {
    const current = await call(server.url, 'GET', `/orders/${order.id}`);
    if (!current || current.status !== 200) return 'unknown';
    const f = current.body.fulfilments.find((x: any) => x.status !== 'shipped' && x.status !== 'cancelled');
    if (!f) return 'rejected';
    const r =
      kind === 'ship'
        ? await call(server.url, 'POST', `/orders/${order.id}/events`, { type: 'shipped', fulfilmentId: f.id })
        : await call(server.url, 'POST', `/orders/${order.id}/cancel`, { reason: 'crash test' });
    if (r === undefined || r.status >= 500) {
      order.maybe = true;
      return 'unknown';
    }
    if (r.status !== 200) return 'rejected';
    if (kind === 'ship') order.shipped.add(f.id);
    else order.cancelled = true;
    return 'acked';
  }
}

/** Total violations found. */
export function countViolations(v: Violations): number {
  return v.lostOrders.length + v.lostEvents.length + v.rejectedPresent.length + v.notConserved.length + v.reservationMismatch.length;
}

async function call(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any } | undefined> {
  try {
    const res = await fetch(url + path, {
      method,
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, body: await res.json() };
  } catch {
    return undefined;
  }
}

async function must(p: Promise<{ status: number; body: any } | undefined>): Promise<{ status: number; body: any }> {
  const r = await p;
  if (!r || r.status >= 300) throw new Error(`setup call failed: ${r?.status} ${JSON.stringify(r?.body)}`);
  return r;
}

async function listAll(url: string): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | undefined;
  for (;;) {
    const r = await must(call(url, 'GET', `/orders?limit=500${cursor ? `&cursor=${cursor}` : ''}`));
    out.push(...r.body.items);
    if (!r.body.nextCursor) return out;
    cursor = r.body.nextCursor;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
