import { startChildServer, tryCall, type ChildServer } from './child-server.js';
import { mulberry32 } from '../../src/demo.js';

/** Slack past a hold's deadline as the checker computed it: the server starts the TTL when the request arrives, and its timer wheel then releases it. */
const HOLD_EXPIRY_MARGIN_MS = 1000;

const KEY = 'crash-test-admin-key-01';
const LOCATIONS: Record<string, [number, number]> = { BER: [52.52, 13.4], MUC: [48.14, 11.58], HAM: [53.55, 9.99] };
const SKUS = ['A', 'B', 'C'];
const INITIAL = 300;
/** A pre-order SKU with no stock, sold against two inbound under a capped rule. */
const PRE = 'P';
const PRE_CAP = 150;
const INBOUND: Record<string, { location: string; qty: number; days: number }> = { 'PO-BER': { location: 'BER', qty: 100, days: 5 }, 'PO-HAM': { location: 'HAM', qty: 100, days: 9 } };

type Outcome = 'acked' | 'rejected' | 'unknown';

interface KnownOrder {
  id: string;
  ref: string;
  cancelled: boolean;
  paid: boolean;
  /** The furthest acknowledged step of each fulfilment. */
  steps: Map<string, string>;
  /** An event whose outcome is unknown was sent (the server may or may not have applied it). */
  maybe: boolean;
}

/** A return the world opened (its 201 came back), with the furthest acknowledged step. */
interface KnownReturn {
  id: string;
  orderId: string;
  received: boolean;
  inspected: boolean;
  /** A step whose outcome is unknown was sent. */
  maybe: boolean;
}

/** A transfer the world asked for (its 201 came back), with its furthest acknowledged step. */
interface KnownTransfer {
  id: string;
  step: 'requested' | 'in_transit' | 'received';
}
const TRANSFER_RANK: Record<string, number> = { requested: 0, in_transit: 1, received: 2, cancelled: -1 };

/** A fulfilment's steps in order; an acknowledged step must never be undone by a crash. */
const STEP_RANK: Record<string, number> = { created: 0, released: 1, accepted: 2, picked: 3, packed: 4, shipped: 5 };
const NEXT_STEP: Record<string, string> = { released: 'accepted', accepted: 'picked', picked: 'packed', packed: 'shipped' };

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
  /** Returns acknowledged (201): each must exist after every restart, with every acknowledged step. */
  readonly returns = new Map<string, KnownReturn>();
  /** Holds acknowledged (201): each must exist after every restart. */
  readonly holds = new Set<string>();
  /** Receipts (positive deltas) per position: acknowledged ones must be in stock, unknown ones may be. */
  readonly receipts = new Map<string, { acked: number; unknown: number }>();
  readonly totals: RoundStats = { acked: 0, rejected: 0, unknown: 0 };
  /** When the last hold asked for (acknowledged or not) expires at the latest (ms). */
  private holdsExpireBy = 0;
  private round = 0;
  private receiptSeq = 0;
  /** Inbound receipts acknowledged: each must be on its inbound after every restart. */
  readonly inboundReceipts: Array<{ inbound: string; receiptId: string }> = [];
  /** Pre-orders acknowledged (201). */
  preorders = 0;
  /** Transfers acknowledged (201): each must exist after every restart, with every acknowledged step. */
  readonly transfers = new Map<string, KnownTransfer>();
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
    for (const [id, [lat, lon]] of Object.entries(LOCATIONS)) await must(server.url, 'PUT', `/locations/${id}`, { name: id, geo: { lat, lon }, country: 'DE' });
    for (const sku of SKUS) await must(server.url, 'PUT', `/products/${sku}`, { name: sku });
    for (const loc of Object.keys(LOCATIONS)) for (const sku of SKUS) await must(server.url, 'PUT', `/inventory/${loc}/${sku}`, { onHand: INITIAL });
    await must(server.url, 'PUT', `/products/${PRE}`, { name: PRE });
    await must(server.url, 'PUT', '/supply-rules/pre', { skus: [PRE], mode: 'preorder', cap: PRE_CAP });
    for (const [id, i] of Object.entries(INBOUND)) {
      await must(server.url, 'PUT', `/inbound/${id}`, { location: i.location, lines: [{ sku: PRE, qty: i.qty }], expectedAt: new Date(Date.now() + i.days * 86_400_000).toISOString(), kind: 'asn' });
    }
  }

  /** Fires a burst from `workers` concurrent clients and kills the server after `killAfterMs`. */
  /**
   * Runs `workers` clients against the server and kills it with SIGKILL once `killAfterMs` have passed and
   * at least `minAcked` requests were acknowledged in this round (counting work, not racing the clock: on a
   * loaded machine a fixed delay may see almost nothing acknowledged), or after 30 s whatever the count.
   */
  async burst(server: ChildServer, workers: number, killAfterMs: number, minAcked = 40): Promise<RoundStats> {
    const round = ++this.round;
    const stats: RoundStats = { acked: 0, rejected: 0, unknown: 0 };
    let stop = false;
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const r = this.random();
        const open = [...this.orders.values()].filter((o) => !o.cancelled && !o.maybe);
        let outcome: Outcome;
        if (r < 0.44 || open.length === 0) outcome = await this.place(server, `r${round}-w${w}-${i}`);
        else if (r < 0.5) outcome = await this.place(server, `r${round}-w${w}-${i}`, [{ sku: PRE, qty: 1 + Math.floor(this.random() * 2) }]);
        else if (r < 0.52) outcome = await this.receiveInbound(server);
        else if (r < 0.55) outcome = await this.transferStep(server);
        else if (r < 0.59) outcome = await this.hold(server);
        else if (r < 0.64) outcome = await this.receive(server);
        else if (r < 0.78) outcome = await this.returnStep(server, open);
        else outcome = await this.eventOn(server, open[Math.floor(this.random() * open.length)]!, r < 0.9 ? 'advance' : 'cancel');
        stats[outcome]++;
      }
    };
    const running = Array.from({ length: workers }, (_, w) => worker(w));
    await sleep(killAfterMs);
    for (const cap = Date.now() + 30_000; stats.acked < minAcked && Date.now() < cap; ) await sleep(20);
    await server.kill9();
    stop = true;
    await Promise.all(running);
    this.totals.acked += stats.acked;
    this.totals.rejected += stats.rejected;
    this.totals.unknown += stats.unknown;
    return stats;
  }

  /**
   * Checks every invariant against a freshly restarted server. Holds expire on the server's timer wheel, so
   * the check first waits until every hold asked for so far is past its deadline (and so released by the
   * restarted server's timers): a hold expiring between reading the holds and reading the stock would
   * otherwise look like a lost reservation.
   */
  async verify(server: ChildServer): Promise<Violations> {
    await sleep(Math.max(0, this.holdsExpireBy + HOLD_EXPIRY_MARGIN_MS - Date.now()));
    // A receipt cut short by the crash goes on allocating after the restart: check once it has finished.
    for (const id of Object.keys(INBOUND)) {
      for (let tries = 0; tries < 200; tries++) {
        const i = await call(server.url, 'GET', `/inbound/${id}`);
        if (!i || i.status !== 200 || Object.keys(i.body.held ?? {}).length === 0) break;
        await sleep(50);
      }
    }
    const v = await this.check(server);
    this.adopt(await listAll(server.url));
    for (const r of this.returns.values()) {
      const now = await call(server.url, 'GET', `/returns/${r.id}`);
      if (now?.status === 200) [r.received, r.inspected] = [now.body.state !== 'requested', !['requested', 'inspecting'].includes(now.body.state)];
    }
    return v;
  }

  private async check(server: ChildServer): Promise<Violations> {
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
      if (known.paid && o.status === 'awaiting_payment') v.lostEvents.push(`${known.id}: payment acknowledged, still awaiting payment`);
      // A later cancel legitimately closes fulfilments that were only reserved or in progress.
      for (const [f, step] of o.status === 'cancelled' ? [] : known.steps) {
        const now = o.fulfilments.find((x: any) => x.id === f)?.status;
        if ((STEP_RANK[now] ?? -1) < STEP_RANK[step]!) v.lostEvents.push(`${known.id}: ${step} of ${f} acknowledged, fulfilment is ${now}`);
      }
    }
    for (const ref of this.rejectedRefs) if (byRef.has(ref)) v.rejectedPresent.push(ref);
    const activeHolds: any[] = [];
    for (const id of this.holds) {
      const h = await call(server.url, 'GET', `/holds/${id}`);
      if (!h || h.status !== 200) v.lostOrders.push(`hold ${id}`);
      else if (h.body.status === 'active') activeHolds.push(h.body);
    }
    // Returns: every acknowledged one and its acknowledged steps survive; no order's returns claim more than it
    // shipped; what they took back is on hand at the receiving location, waiting units in returns_received.
    const returnedAt = new Map<string, { onHand: number; waiting: number }>();
    const back = (k: string) => returnedAt.get(k) ?? (returnedAt.set(k, { onHand: 0, waiting: 0 }), returnedAt.get(k)!);
    const withReturns = new Set<string>();
    for (const known of this.returns.values()) {
      const r = await call(server.url, 'GET', `/returns/${known.id}`);
      if (!r || r.status !== 200) {
        v.lostOrders.push(`return ${known.id}`);
        continue;
      }
      withReturns.add(known.orderId);
      const ret = r.body;
      if (known.received && ret.state === 'requested') v.lostEvents.push(`return ${known.id}: receipt acknowledged, state ${ret.state}`);
      if (known.inspected && ret.state === 'inspecting') v.lostEvents.push(`return ${known.id}: inspection acknowledged, state ${ret.state}`);
      for (const l of ret.received ?? []) back(`${ret.location}/${l.sku}`).onHand += l.qty;
      for (const l of ret.received ?? []) back(`${ret.location}/${l.sku}`).waiting += l.qty;
      for (const d of ret.dispositions ?? []) back(`${ret.location}/${d.sku}`).waiting -= d.qty;
    }
    for (const id of withReturns) {
      const o = (await must(server.url, 'GET', `/orders/${id}`)).body;
      const shipped = new Map<string, number>();
      for (const f of o.fulfilments) if (f.status === 'shipped') for (const l of f.lines) shipped.set(l.sku, (shipped.get(l.sku) ?? 0) + l.qty);
      const claimed = new Map<string, number>();
      for (const r of o.returns ?? []) for (const l of r.lines) claimed.set(l.sku, (claimed.get(l.sku) ?? 0) + l.qty);
      for (const [sku, n] of claimed) if (n > (shipped.get(sku) ?? 0)) v.notConserved.push(`order ${id}: returns claim ${n} ${sku}, ${shipped.get(sku) ?? 0} shipped`);
    }
    // Stock: units never appear or vanish, and what is reserved/shipped matches the orders exactly.
    const expected = new Map<string, { reserved: number; shipped: number }>();
    for (const o of all) {
      for (const f of o.fulfilments) {
        for (const l of f.lines) {
          const k = `${f.location}/${l.sku}`;
          const e = expected.get(k) ?? { reserved: 0, shipped: 0 };
          if (f.status === 'shipped' || f.status === 'collected') e.shipped += l.qty;
          else if (f.status !== 'cancelled' && f.status !== 'rejected') e.reserved += l.qty;
          expected.set(k, e);
        }
      }
    }
    for (const h of activeHolds) {
      for (const a of h.allocations) {
        for (const l of a.lines) {
          const k = `${a.location}/${l.sku}`;
          const e = expected.get(k) ?? { reserved: 0, shipped: 0 };
          e.reserved += l.qty;
          expected.set(k, e);
        }
      }
    }
    // Transfers: every acknowledged one is there with its acknowledged step; one whose 201 was lost is found
    // by its inbound (still open: nobody moved it). Reserved at the source until shipped, then shipped from it
    // and on hand (in transit, then sellable) at the destination.
    const transfersNow: Array<{ from: string; to: string; status: string; lines: Array<{ sku: string; qty: number }> }> = [];
    for (const known of this.transfers.values()) {
      const t = await call(server.url, 'GET', `/transfers/${known.id}`);
      if (!t || t.status !== 200) {
        v.lostOrders.push(`transfer ${known.id}`);
        continue;
      }
      if ((TRANSFER_RANK[t.body.status] ?? -1) < TRANSFER_RANK[known.step]!) v.lostEvents.push(`transfer ${known.id}: ${known.step} acknowledged, status ${t.body.status}`);
      transfersNow.push(t.body);
    }
    for (const i of (await must(server.url, 'GET', '/inbound')).body.items) {
      if (i.transfer === undefined || this.transfers.has(i.transfer)) continue;
      const t = await must(server.url, 'GET', `/transfers/${i.transfer}`);
      this.transfers.set(t.body.id, { id: t.body.id, step: 'requested' });
      transfersNow.push(t.body);
    }
    const transferredIn = new Map<string, number>();
    for (const t of transfersNow) {
      for (const l of t.lines) {
        const k = `${t.from}/${l.sku}`;
        const e = expected.get(k) ?? { reserved: 0, shipped: 0 };
        if (t.status === 'requested') e.reserved += l.qty;
        else if (t.status === 'in_transit' || t.status === 'received') {
          e.shipped += l.qty;
          transferredIn.set(`${t.to}/${l.sku}`, (transferredIn.get(`${t.to}/${l.sku}`) ?? 0) + l.qty);
        }
        expected.set(k, e);
      }
    }
    // Supply: what orders wait for on each inbound is exactly what the inbound counts, within the cap, and
    // the units a receipt holds for its queue are reserved at its location; every acknowledged receipt is there.
    const waitingOn = new Map<string, number>();
    for (const o of all) {
      if (o.status === 'cancelled') continue;
      const full = (await must(server.url, 'GET', `/orders/${o.id}`)).body;
      for (const w of full.waiting ?? []) waitingOn.set(w.inbound, (waitingOn.get(w.inbound) ?? 0) + w.qty);
    }
    let sold = 0;
    for (const id of Object.keys(INBOUND)) {
      const i = (await must(server.url, 'GET', `/inbound/${id}`)).body;
      // Units still in the queue plus units a receipt gave (allotted, held) but not yet sourced.
      const counted = (i.waiting?.[PRE] ?? 0) + (i.held?.[PRE] ?? 0);
      if (counted !== (waitingOn.get(id) ?? 0)) v.reservationMismatch.push(`inbound ${id}: counts ${counted} waiting, orders wait for ${waitingOn.get(id) ?? 0}`);
      sold += counted + (i.allocated?.[PRE] ?? 0);
      const k = `${i.location}/${PRE}`;
      const e = expected.get(k) ?? { reserved: 0, shipped: 0 };
      e.reserved += i.held?.[PRE] ?? 0;
      expected.set(k, e);
      for (const r of this.inboundReceipts) if (r.inbound === id && !i.receipts.includes(r.receiptId)) v.lostEvents.push(`inbound ${id}: receipt ${r.receiptId} acknowledged, not applied`);
    }
    if (sold > PRE_CAP) v.notConserved.push(`${sold} units sold against inbound, cap ${PRE_CAP}`);
    for (const loc of Object.keys(LOCATIONS)) {
      for (const sku of [...SKUS, PRE]) {
        const p = (await must(server.url, 'GET', `/inventory/${loc}/${sku}`)).body;
        // In transit to it counts: the units entered the location's books when their transfer shipped.
        const total = p.onHand + p.shipped + (p.statuses.in_transit ?? 0);
        // Units only enter by receipts (every acknowledged one, and possibly some whose reply was lost) and by
        // returns received here (the server's own record of each, checked against the world's above).
        const got = this.receipts.get(`${loc}/${sku}`) ?? { acked: 0, unknown: 0 };
        const returned = returnedAt.get(`${loc}/${sku}`) ?? { onHand: 0, waiting: 0 };
        const low = (sku === PRE ? 0 : INITIAL) + got.acked + returned.onHand + (transferredIn.get(`${loc}/${sku}`) ?? 0);
        const high = low + got.unknown;
        if (total < low || total > high || p.available < 0 || p.reserved < 0) {
          v.notConserved.push(`${loc}/${sku}: on hand ${p.onHand} + shipped ${p.shipped} = ${total}, expected ${low}..${high}`);
        }
        if ((p.statuses.returns_received ?? 0) !== returned.waiting) {
          v.notConserved.push(`${loc}/${sku}: ${p.statuses.returns_received ?? 0} in returns_received, returns there wait with ${returned.waiting}`);
        }
        // Exact: every hold asked for (a lost 201 included) is past its deadline by now, so every reserved unit
        // belongs to an open fulfilment of an order the server lists, and every shipped unit to a shipped one.
        const e = expected.get(`${loc}/${sku}`) ?? { reserved: 0, shipped: 0 };
        if (p.reserved !== e.reserved || p.shipped !== e.shipped) {
          v.reservationMismatch.push(`${loc}/${sku}: orders and holds hold ${e.reserved} reserved/${e.shipped} shipped, stock says ${p.reserved}/${p.shipped}`);
        }
      }
    }
    return v;
  }

  /** Adopts what the server says for outcomes that were unknown, so later rounds check from there. */
  private adopt(all: any[]): void {
    for (const known of this.orders.values()) {
      const o = all.find((x) => x.id === known.id);
      if (!o) continue;
      known.cancelled = o.status === 'cancelled';
      known.paid = o.status !== 'awaiting_payment';
      known.steps = new Map(o.fulfilments.filter((f: any) => f.status in STEP_RANK).map((f: any) => [f.id, f.status]));
      known.maybe = false;
    }
    for (const r of this.returns.values()) r.maybe = false;
    // Unknown placements that did land: adopt them as known orders.
    for (const o of all) {
      if (!this.orders.has(o.id)) this.orders.set(o.id, { id: o.id, ref: o.ref, cancelled: o.status === 'cancelled', paid: o.status !== 'awaiting_payment', steps: new Map(), maybe: false });
    }
  }

  private async place(server: ChildServer, ref: string, preorder?: Array<{ sku: string; qty: number }>): Promise<Outcome> {
    const lines = preorder ?? SKUS.filter(() => this.random() < 0.5).map((sku) => ({ sku, qty: 1 + Math.floor(this.random() * 3) }));
    if (lines.length === 0) lines.push({ sku: 'A', qty: 1 });
    const r = await call(server.url, 'POST', '/orders', { ref, customer: { id: ref }, deliverTo: { lat: 51, lon: 10, country: 'DE' }, lines });
    if (r === undefined || r.status >= 500) return 'unknown';
    if (r.status === 201) {
      if (preorder) this.preorders++;
      this.orders.set(r.body.id, { id: r.body.id, ref, cancelled: false, paid: false, steps: new Map(), maybe: false });
      return 'acked';
    }
    this.rejectedRefs.add(ref);
    return 'rejected';
  }

  /** A cart hold on a random line (short-lived, so some expire on the timer wheel across restarts). */
  private async hold(server: ChildServer): Promise<Outcome> {
    const sku = SKUS[Math.floor(this.random() * SKUS.length)]!;
    const qty = 1 + Math.floor(this.random() * 2);
    const ttlSeconds = 1 + Math.floor(this.random() * 3);
    this.holdsExpireBy = Math.max(this.holdsExpireBy, Date.now() + ttlSeconds * 1000);
    const r = await call(server.url, 'POST', '/holds', { lines: [{ sku, qty }], ttlSeconds });
    if (r === undefined || r.status >= 500) return 'unknown';
    if (r.status !== 201) return 'rejected';
    this.holds.add(r.body.id);
    return 'acked';
  }

  /** A receipt of a few units (a positive delta) at a random position. */
  private async receive(server: ChildServer): Promise<Outcome> {
    const loc = Object.keys(LOCATIONS)[Math.floor(this.random() * 3)]!;
    const sku = SKUS[Math.floor(this.random() * SKUS.length)]!;
    const qty = 1 + Math.floor(this.random() * 5);
    const k = `${loc}/${sku}`;
    const got = this.receipts.get(k) ?? { acked: 0, unknown: 0 };
    this.receipts.set(k, got);
    const r = await call(server.url, 'POST', `/inventory/${loc}/${sku}/adjust`, { delta: qty, reason: 'chaos receipt' });
    if (r === undefined || r.status >= 500) {
      got.unknown += qty;
      return 'unknown';
    }
    if (r.status !== 200) return 'rejected';
    got.acked += qty;
    return 'acked';
  }

  /**
   * Takes a known return one step on (received at a random location, then inspected: restock or scrap), or
   * opens one for a unit of a shipped fulfilment of a known order.
   */
  private async returnStep(server: ChildServer, open: KnownOrder[]): Promise<Outcome> {
    const pending = [...this.returns.values()].filter((r) => !r.maybe && !r.inspected);
    if (pending.length > 0 && this.random() < 0.6) {
      const ret = pending[Math.floor(this.random() * pending.length)]!;
      const loc = Object.keys(LOCATIONS)[Math.floor(this.random() * 3)]!;
      const body = ret.received ? { type: 'inspected', outcome: this.random() < 0.5 ? 'restock' : 'scrap' } : { type: 'received', location: loc };
      const r = await call(server.url, 'POST', `/returns/${ret.id}/events`, body);
      if (r === undefined || r.status >= 500) {
        ret.maybe = true;
        return 'unknown';
      }
      if (r.status !== 200) return 'rejected';
      if (ret.received) ret.inspected = true;
      else ret.received = true;
      return 'acked';
    }
    const shipped = open.filter((o) => [...o.steps.values()].includes('shipped'));
    if (shipped.length === 0) {
      // Nothing shipped yet: take one order all the way (payment, then each step), so later ones can return it.
      const order = open[Math.floor(this.random() * open.length)]!;
      let outcome: Outcome = 'rejected';
      for (let i = 0; i < 6 && !order.maybe; i++) {
        outcome = await this.eventOn(server, order, 'advance');
        if (outcome !== 'acked' || [...order.steps.values()].includes('shipped')) break;
      }
      return outcome;
    }
    const order = shipped[Math.floor(this.random() * shipped.length)]!;
    const current = await call(server.url, 'GET', `/orders/${order.id}`);
    if (!current || current.status !== 200) return 'unknown';
    const f = current.body.fulfilments.find((x: any) => x.status === 'shipped');
    if (!f) return 'rejected';
    const r = await call(server.url, 'POST', '/returns', { orderId: order.id, lines: [{ sku: f.lines[0].sku, qty: 1 }], reason: 'crash test' });
    if (r === undefined || r.status >= 500) return 'unknown';
    if (r.status !== 201) return 'rejected';
    this.returns.set(r.body.id, { id: r.body.id, orderId: order.id, received: false, inspected: false, maybe: false });
    return 'acked';
  }

  /** A receipt of a few pre-order units on one of the inbound (they go to the orders waiting on it first). */
  private async receiveInbound(server: ChildServer): Promise<Outcome> {
    const id = Object.keys(INBOUND)[Math.floor(this.random() * 2)]!;
    const loc = INBOUND[id]!.location;
    const qty = 1 + Math.floor(this.random() * 5);
    const k = `${loc}/${PRE}`;
    const got = this.receipts.get(k) ?? { acked: 0, unknown: 0 };
    this.receipts.set(k, got);
    const receiptId = `gr-${++this.receiptSeq}`;
    const r = await call(server.url, 'POST', `/inbound/${id}/receipts`, { receiptId, lines: [{ sku: PRE, qty }], allowOver: true });
    if (r === undefined || r.status >= 500) {
      got.unknown += qty;
      return 'unknown';
    }
    if (r.status !== 200) return 'rejected';
    got.acked += qty;
    this.inboundReceipts.push({ inbound: id, receiptId });
    return 'acked';
  }

  /** Asks for a transfer of one unit between two locations, or moves a known one on (shipped, received). */
  private async transferStep(server: ChildServer): Promise<Outcome> {
    const open = [...this.transfers.values()].filter((t) => t.step !== 'received');
    if (open.length > 0 && this.random() < 0.6) {
      const t = open[Math.floor(this.random() * open.length)]!;
      const next = t.step === 'requested' ? 'in_transit' : 'received';
      const r = await call(server.url, 'POST', `/transfers/${t.id}/events`, { type: next === 'in_transit' ? 'shipped' : 'received' });
      if (r === undefined || r.status >= 500) return 'unknown';
      if (r.status !== 200) return 'rejected';
      t.step = next;
      return 'acked';
    }
    const locs = Object.keys(LOCATIONS);
    const from = locs[Math.floor(this.random() * locs.length)]!;
    const to = locs.find((l) => l !== from)!;
    const sku = SKUS[Math.floor(this.random() * SKUS.length)]!;
    const r = await call(server.url, 'POST', '/transfers', { from, to, lines: [{ sku, qty: 1 }] });
    if (r === undefined || r.status >= 500) return 'unknown';
    if (r.status !== 201) return 'rejected';
    this.transfers.set(r.body.id, { id: r.body.id, step: 'requested' });
    return 'acked';
  }

  /** Moves an order one step on (payment, then its fulfilment's next step), or cancels it. */
  private async eventOn(server: ChildServer, order: KnownOrder, kind: 'advance' | 'cancel'): Promise<Outcome> {
    const current = await call(server.url, 'GET', `/orders/${order.id}`);
    if (!current || current.status !== 200) return 'unknown';
    let path: string;
    let body: unknown;
    let onAck: () => void;
    if (kind === 'cancel') {
      [path, body, onAck] = [`/orders/${order.id}/cancel`, { reason: 'crash test' }, () => (order.cancelled = true)];
    } else if (current.body.status === 'awaiting_payment') {
      [path, body, onAck] = [`/orders/${order.id}/events`, { type: 'payment.authorized' }, () => (order.paid = true)];
    } else {
      const f = current.body.fulfilments.find((x: any) => NEXT_STEP[x.status]);
      if (!f) return 'rejected';
      const step = NEXT_STEP[f.status]!;
      [path, body, onAck] = [`/fulfilments/${f.id}/events`, { type: step }, () => order.steps.set(f.id, step)];
    }
    const r = await call(server.url, 'POST', path, body);
    if (r === undefined || r.status >= 500) {
      order.maybe = true;
      return 'unknown';
    }
    if (r.status !== 200) return 'rejected';
    onAck();
    return 'acked';
  }
}

/** Total violations found. */
export function countViolations(v: Violations): number {
  return v.lostOrders.length + v.lostEvents.length + v.rejectedPresent.length + v.notConserved.length + v.reservationMismatch.length;
}

function call(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any } | undefined> {
  return tryCall(url, KEY, method, path, body);
}

/**
 * A call the checker cannot do without: a failure says which call and why (a refused connection, a timeout, a
 * body that was not JSON). Each call keeps its own failure, so calls running at once cannot name each other's.
 */
async function must(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  let failure: unknown;
  const r = await tryCall(url, KEY, method, path, body, (error) => (failure = error));
  if (!r) throw new Error(`a checker's call got no answer: ${method} ${path}: ${describe(failure)}`);
  if (r.status >= 300) throw new Error(`a checker's call failed: ${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r;
}

function describe(error: unknown): string {
  if (error === undefined) return 'unknown';
  if (!(error instanceof Error)) return String(error);
  return `${error.name}: ${error.message}${error.cause ? ` (${String(error.cause)})` : ''}`;
}

async function listAll(url: string): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | undefined;
  for (;;) {
    const r = await must(url, 'GET', `/orders?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    out.push(...r.body.items);
    if (!r.body.nextCursor) return out;
    cursor = r.body.nextCursor;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
