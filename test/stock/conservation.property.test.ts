import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DomainError } from '../../src/domain/errors.js';
import { freeUnits, isConserved } from '../../src/domain/position.js';
import { openFulcrum, type Fulcrum } from '../../src/fulcrum/index.js';
import { holdView, placeHold, releaseHold } from '../../src/holds/index.js';
import { awaitingInspection, RETURN_STATUS, type ReturnBooks } from '../../src/domain/return-lines.js';
import { cancelOrder, cancelOrderLines, editOrder, placeOrder, sendEntityEvent, sendOrderEvent } from '../../src/orders/index.js';
import { createReturn, sendReturnEvent, shippedUnits } from '../../src/returns/index.js';
import { defaultSourcingProfileDocument, parseSourcingProfile } from '../../src/sourcing/index.js';
import { cancelInbound, receiveInbound, upsertInbound } from '../../src/supply/index.js';
import { createTransfer } from '../../src/transfers/index.js';
import { adjustStock, countStock, moveStock, upsertPool, upsertStatus } from '../../src/stock/index.js';
import { BUILT_IN_RULES, RuleRegistry, WorkflowCatalog } from '../../src/workflows/index.js';
import { seed } from '../helpers/network.js';
import { tempDataDir } from '../helpers/tmp.js';

const LOCS = ['BER', 'MUC'];
const SKUS = ['A', 'B'];
const STATUSES = ['sellable', 'damaged', 'open_box'];
const DEST = { lat: 50, lon: 10, country: 'DE' };
/** Destinations an edit moves an order to: next to each location, so the best plan changes with them. */
const NEAR: Record<string, { lat: number; lon: number; country: string }> = { BER: { lat: 52.5, lon: 13.4, country: 'DE' }, MUC: { lat: 48.1, lon: 11.6, country: 'DE' } };

const loc = fc.constantFrom(...LOCS);
const sku = fc.constantFrom(...SKUS);
const status = fc.constantFrom(...STATUSES);
const lines = fc.array(fc.record({ sku, qty: fc.integer({ min: 1, max: 4 }) }), { minLength: 1, maxLength: 3 });

type Op =
  | { op: 'count'; loc: string; sku: string; status: string; n: number }
  | { op: 'adjust'; loc: string; sku: string; delta: number }
  | { op: 'move'; loc: string; sku: string; from: string; to: string; qty: number }
  | { op: 'order'; lines: Array<{ sku: string; qty: number }>; hold: number | null; split: boolean }
  | { op: 'hold'; lines: Array<{ sku: string; qty: number }> }
  | { op: 'cancel'; i: number }
  | { op: 'cancelLines'; i: number; sku: string; qty: number }
  | { op: 'edit'; i: number; near: string }
  | { op: 'ship'; i: number }
  | { op: 'release'; i: number }
  | { op: 'time'; seconds: number }
  | { op: 'return'; i: number; j: number; qty: number; exchange: string | null }
  | { op: 'receive'; i: number; loc: string }
  | { op: 'inspect'; i: number; outcome: 'restock' | 'refurbish' | 'scrap' | 'vendor'; qty: number | null }
  | { op: 'cancelReturn'; i: number }
  | { op: 'inbound'; loc: string; sku: string; qty: number; days: number; asn: boolean }
  | { op: 'receiveIn'; i: number; qty: number }
  | { op: 'cancelIn'; i: number }
  | { op: 'backorder'; sku: string; extra: number; complete: boolean }
  | { op: 'transfer'; from: string; sku: string; qty: number }
  | { op: 'moveTransfer'; i: number; event: 'shipped' | 'received' | 'cancelled' };

// Weighted so that the longer chains (an order shipped, a return of it opened, received, inspected) happen in
// most runs, not only in some: every run must reach every kind.
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('count' as const), loc, sku, status, n: fc.integer({ min: 0, max: 12 }) }),
  fc.record({ op: fc.constant('adjust' as const), loc, sku, delta: fc.integer({ min: -5, max: 5 }) }),
  {
    arbitrary: fc
      .record({ loc, sku, pair: fc.constantFrom(...STATUSES.flatMap((from) => STATUSES.filter((to) => to !== from).map((to) => [from, to] as const))), qty: fc.integer({ min: 1, max: 3 }) })
      .map(({ pair: [from, to], ...rest }) => ({ op: 'move' as const, from, to, ...rest })),
    weight: 2,
  },
  { arbitrary: fc.record({ op: fc.constant('order' as const), lines, hold: fc.option(fc.nat(5)), split: fc.boolean() }), weight: 3 },
  fc.record({ op: fc.constant('hold' as const), lines }),
  fc.record({ op: fc.constant('cancel' as const), i: fc.nat(20) }),
  { arbitrary: fc.record({ op: fc.constant('cancelLines' as const), i: fc.nat(20), sku, qty: fc.integer({ min: 1, max: 3 }) }), weight: 2 },
  fc.record({ op: fc.constant('edit' as const), i: fc.nat(20), near: loc }),
  { arbitrary: fc.record({ op: fc.constant('ship' as const), i: fc.nat(20) }), weight: 3 },
  fc.record({ op: fc.constant('release' as const), i: fc.nat(5) }),
  fc.record({ op: fc.constant('time' as const), seconds: fc.integer({ min: 1, max: 120 }) }),
  { arbitrary: fc.record({ op: fc.constant('return' as const), i: fc.nat(20), j: fc.nat(3), qty: fc.integer({ min: 1, max: 2 }), exchange: fc.option(sku) }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constant('receive' as const), i: fc.nat(10), loc }), weight: 5 },
  {
    arbitrary: fc.record({ op: fc.constant('inspect' as const), i: fc.nat(10), outcome: fc.constantFrom('restock' as const, 'refurbish' as const, 'scrap' as const, 'vendor' as const), qty: fc.option(fc.integer({ min: 1, max: 2 })) }),
    weight: 5,
  },
  { arbitrary: fc.record({ op: fc.constant('cancelReturn' as const), i: fc.nat(10) }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('inbound' as const), loc, sku, qty: fc.integer({ min: 1, max: 6 }), days: fc.integer({ min: 1, max: 10 }), asn: fc.boolean() }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('receiveIn' as const), i: fc.nat(10), qty: fc.integer({ min: 1, max: 6 }) }), weight: 3 },
  fc.record({ op: fc.constant('cancelIn' as const), i: fc.nat(10) }),
  { arbitrary: fc.record({ op: fc.constant('backorder' as const), sku, extra: fc.integer({ min: 1, max: 3 }), complete: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('transfer' as const), from: loc, sku, qty: fc.integer({ min: 1, max: 3 }) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('moveTransfer' as const), i: fc.nat(10), event: fc.constantFrom('shipped' as const, 'received' as const, 'cancelled' as const) }), weight: 3 },
);

/** Inbound the run created and that are still open. */
const openInbound = (fulcrum: Fulcrum) => [...fulcrum.engine.registry.entities('inbound').keys()].sort();
let inboundSeq = 0;
/** Open inbound with orders waiting on them, or every open one when none has any. */
const withClaimsFirst = (fulcrum: Fulcrum) => {
  const open = openInbound(fulcrum);
  const claimed = open.filter((id) => Object.keys(fulcrum.supply.inbound(id)!.context.waiting).length > 0);
  return claimed.length > 0 ? claimed : open;
};

/**
 * The two ways an order's stock moves: the plain order machine (actors/order.ts) and the workflow engine with
 * the default workflows installed, as `npm start` runs (its bricks reserve, release and ship).
 */
type Mode = 'machine' | 'workflow';

/** Units the workflow mode's backorder rule lets sell against inbound, over all SKUs. */
const SUPPLY_CAP = 12;

/** A fulfilment's steps on the default workflow, up to shipped. */
const FULFILMENT_STEPS = ['released', 'accepted', 'picked', 'packed', 'shipped'];

/** How many operations of each kind were accepted on live entities over a whole property run (every case). */
const reached = new Map<Op['op'] | 'wait' | 'allocate', number>();

/** An index into what exists, so that an operation on an order or hold finds one whenever any exists. */
const pick = (list: string[], i: number): string | undefined => (list.length ? list[i % list.length] : undefined);

/**
 * Applies one operation; refusals (DomainError) are part of the game, anything else is a failure. An operation
 * that found its order or hold and was accepted counts as reached.
 */
function apply(fulcrum: Fulcrum, mode: Mode, o: Op, orders: string[], holds: string[], returns: string[], transfers: string[], clock: { advance(ms: number): void }): void {
  const target =
    o.op === 'cancel' || o.op === 'cancelLines' || o.op === 'edit' || o.op === 'ship' || o.op === 'return'
      ? pick(orders, o.i)
      : o.op === 'release'
        ? pick(holds, o.i)
        : o.op === 'receive' || o.op === 'cancelReturn'
          ? pick(returns.filter((id) => returnState(fulcrum, id) === 'requested'), o.i)
          : o.op === 'inspect'
            ? pick(returns.filter((id) => returnState(fulcrum, id) === 'inspecting'), o.i)
            : o.op === 'cancelIn'
              ? pick(openInbound(fulcrum), o.i)
              : o.op === 'receiveIn'
                ? pick(withClaimsFirst(fulcrum), o.i)
                : o.op === 'moveTransfer'
                  ? pick(transfers.filter((id) => ['requested', 'in_transit'].includes(transferState(fulcrum, id))), o.i)
                  : 'none';
  if (target === undefined) return;
  try {
    switch (o.op) {
      case 'count':
        countStock(fulcrum, o.loc, o.sku, { onHand: o.n, status: o.status });
        break;
      case 'adjust':
        adjustStock(fulcrum, o.loc, o.sku, { delta: o.delta, reason: 'property test' });
        break;
      case 'move':
        moveStock(fulcrum, o.loc, o.sku, { from: o.from, to: o.to, qty: o.qty, reason: 'property test' });
        break;
      case 'order': {
        const holdId = o.hold === null ? undefined : holds[o.hold];
        const pool = o.lines.length % 2 === 0 ? 'web' : 'default';
        const placed = placeOrder(fulcrum, { pool, customer: { id: 'c' }, deliverTo: DEST, lines: o.lines, split: { allowed: o.split }, ...(holdId ? { holdId } : {}) }, 'k');
        orders.push(placed.value.id);
        if (placed.value.waiting) reached.set('wait', (reached.get('wait') ?? 0) + 1);
        break;
      }
      case 'hold':
        holds.push(placeHold(fulcrum, { lines: o.lines, ttlSeconds: 60 }, 'k').value.id);
        break;
      case 'cancel':
        cancelOrder(fulcrum, target, 'property test');
        break;
      case 'cancelLines':
        cancelOrderLines(fulcrum, target, [{ sku: o.sku, qty: o.qty }], 'property test', 'k');
        break;
      case 'edit':
        editOrder(fulcrum, target, { deliverTo: NEAR[o.near]! }, 'k');
        break;
      case 'ship': {
        const order = fulcrum.orders.get(target)!;
        if (mode === 'workflow') {
          // Payment first (the workflow releases fulfilments to their locations on it), then every step to shipped.
          if (order.status === 'awaiting_payment') sendOrderEvent(fulcrum, order.id, { type: 'payment.authorized' });
          const f = fulcrum.orders.get(target)!.fulfilments.find((x) => FULFILMENT_STEPS.indexOf(x.status) >= 0 && x.status !== 'shipped');
          if (!f) return;
          for (const type of FULFILMENT_STEPS.slice(FULFILMENT_STEPS.indexOf(f.status) + 1)) sendEntityEvent(fulcrum, 'fulfilment', f.id, { type });
          break;
        }
        const f = order.fulfilments.find((x) => x.status !== 'shipped' && x.status !== 'cancelled');
        if (!f) return;
        sendOrderEvent(fulcrum, order.id, { type: 'shipped', fulfilmentId: f.id });
        break;
      }
      case 'release':
        releaseHold(fulcrum, target, { keyId: 'k', anyOwner: false });
        break;
      case 'time':
        clock.advance(o.seconds * 1000);
        fulcrum.engine.fireDueTimers();
        break;
      case 'return': {
        // A SKU the order shipped (when it shipped any), so that returns are often possible and sometimes too many.
        const shipped = [...shippedUnits(fulcrum.orders.get(target)!.fulfilments).keys()];
        const sku = shipped.length ? shipped[o.j % shipped.length]! : SKUS[o.j % SKUS.length]!;
        const exchangeFor = o.exchange === null ? {} : { exchangeFor: [{ sku: o.exchange, qty: 1 }] };
        returns.push(createReturn(fulcrum, { orderId: target, lines: [{ sku, qty: o.qty }], reason: 'property test', ...exchangeFor }, 'k').value.id);
        break;
      }
      case 'receive': {
        sendReturnEvent(fulcrum, target, { type: 'received', location: o.loc });
        // A replacement placed on receipt is an order like the others: its reservations are checked with them.
        const placed = (returnBooks(fulcrum, target) as { exchange?: { orderId?: string } }).exchange?.orderId;
        if (placed !== undefined) orders.push(placed);
        break;
      }
      case 'inspect': {
        const waiting = [...awaitingInspection(returnBooks(fulcrum, target))];
        const lines = o.qty === null || waiting.length === 0 ? undefined : [{ sku: waiting[0]![0], qty: Math.min(o.qty, waiting[0]![1]), outcome: o.outcome }];
        sendReturnEvent(fulcrum, target, { type: 'inspected', ...(lines ? { lines } : { outcome: o.outcome }) });
        break;
      }
      case 'cancelReturn':
        sendReturnEvent(fulcrum, target, { type: 'cancelled' });
        break;
      case 'inbound': {
        const expectedAt = new Date(fulcrum.engine.clock.now() + o.days * 86_400_000).toISOString();
        upsertInbound(fulcrum, `in-${++inboundSeq}`, { location: o.loc, lines: [{ sku: o.sku, qty: o.qty }], expectedAt, kind: o.asn ? 'asn' : 'purchase_order' }, 'k');
        break;
      }
      case 'receiveIn': {
        const line = fulcrum.supply.inbound(target)!.context.lines[0]!;
        const allocated = receiveInbound(fulcrum, target, { receiptId: `r-${++inboundSeq}`, lines: [{ sku: line.sku, qty: Math.min(o.qty, line.qty - line.received) }] }, 'k').value.allocated;
        // Orders waiting on it that were allocated got fulfilments: they are checked with the other orders.
        for (const a of allocated) if (!orders.includes(a.orderId)) orders.push(a.orderId);
        if (allocated.length > 0) reached.set('allocate', (reached.get('allocate') ?? 0) + 1);
        break;
      }
      case 'cancelIn':
        cancelInbound(fulcrum, target, 'property test', 'k');
        break;
      case 'transfer': {
        const to = LOCS.find((l) => l !== o.from)!;
        transfers.push(createTransfer(fulcrum, { from: o.from, to, lines: [{ sku: o.sku, qty: o.qty }] }, 'k').value.id);
        break;
      }
      case 'moveTransfer':
        sendEntityEvent(fulcrum, 'transfer', target, { type: o.event });
        break;
      case 'backorder': {
        // More than the pool has: the rest waits on inbound when some can be promised.
        const qty = fulcrum.stock.index.ats('default', o.sku) + o.extra;
        const placed = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: DEST, lines: [{ sku: o.sku, qty }], backorder: o.complete ? 'ship-complete' : 'ship-available' }, 'k');
        orders.push(placed.value.id);
        if (placed.value.waiting) reached.set('wait', (reached.get('wait') ?? 0) + 1);
        break;
      }
    }
    reached.set(o.op, (reached.get(o.op) ?? 0) + 1);
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
  }
}

/** The kinds every run must reach; returns need a return workflow, so only the workflow mode has them. */
const KINDS: Record<Mode, Array<Op['op'] | 'wait' | 'allocate'>> = {
  machine: ['count', 'adjust', 'move', 'order', 'hold', 'cancel', 'cancelLines', 'edit', 'ship', 'release', 'time'],
  workflow: ['count', 'adjust', 'move', 'order', 'hold', 'cancel', 'cancelLines', 'edit', 'ship', 'release', 'time', 'return', 'receive', 'inspect', 'cancelReturn', 'inbound', 'receiveIn', 'cancelIn', 'backorder', 'wait', 'allocate', 'transfer', 'moveTransfer'],
};

const transferState = (fulcrum: Fulcrum, id: string) => String(fulcrum.engine.entityState('transfer', id)!.state.value);
const returnState = (fulcrum: Fulcrum, id: string) => fulcrum.engine.entityState('return', id)!.state.value;
const returnBooks = (fulcrum: Fulcrum, id: string) => fulcrum.engine.entityState('return', id)!.state.context as unknown as ReturnBooks & { location?: string; orderId: string };

/** Every invariant of stock, checked against the orders and holds that exist. */
function checkInvariants(fulcrum: Fulcrum, orders: string[], holds: string[], returns: string[], transfers: string[]): void {
  const expected = new Map<string, { reserved: number; shipped: number }>();
  const inTransit = new Map<string, number>();
  const add = (l: string, s: string, field: 'reserved' | 'shipped', n: number) => {
    const e = expected.get(`${l}/${s}`) ?? { reserved: 0, shipped: 0 };
    e[field] += n;
    expected.set(`${l}/${s}`, e);
  };
  for (const id of orders) {
    for (const f of fulcrum.orders.get(id)!.fulfilments) {
      for (const line of f.lines) {
        if (f.status === 'shipped') add(f.location, line.sku, 'shipped', line.qty);
        else if (f.status !== 'cancelled' && f.status !== 'rejected') add(f.location, line.sku, 'reserved', line.qty);
      }
    }
  }
  // Transfers: reserved at the source until shipped, then shipped from it and in transit at the destination
  // until received (where the workflow makes them sellable).
  for (const id of transfers) {
    const t = fulcrum.engine.entityState('transfer', id)!;
    const { from, to, lines: moved } = t.state.context as unknown as { from: string; to: string; lines: Array<{ sku: string; qty: number }> };
    for (const l of moved) {
      if (t.state.value === 'requested') add(from, l.sku, 'reserved', l.qty);
      if (t.state.value === 'in_transit' || t.state.value === 'received') add(from, l.sku, 'shipped', l.qty);
      if (t.state.value === 'in_transit') inTransit.set(`${to}/${l.sku}`, (inTransit.get(`${to}/${l.sku}`) ?? 0) + l.qty);
    }
  }
  for (const id of holds) {
    const h = holdView(fulcrum, id)!;
    if (h.status === 'active') for (const a of h.allocations) for (const line of a.lines) add(a.location, line.sku, 'reserved', line.qty);
  }
  // Returns: no order's returns claim more than it shipped, and the units received and not yet inspected (or
  // being refurbished) sit at their location in that status, exactly.
  const inStatus = new Map<string, number>();
  const put = (l: string, status: string, sku: string, n: number) => inStatus.set(`${l}/${sku}/${status}`, (inStatus.get(`${l}/${sku}/${status}`) ?? 0) + n);
  for (const id of orders) {
    const shipped = shippedUnits(fulcrum.orders.get(id)!.fulfilments);
    for (const [sku, n] of fulcrum.returns.claimed(id)) assert.ok(n <= (shipped.get(sku) ?? 0), `order ${id}: returns claim ${n} ${sku}, ${shipped.get(sku) ?? 0} shipped`);
  }
  for (const id of returns) {
    const r = returnBooks(fulcrum, id);
    if (r.location === undefined) continue;
    for (const [sku, n] of awaitingInspection(r)) put(r.location, RETURN_STATUS.received, sku, n);
    for (const d of r.dispositions ?? []) if (d.outcome === 'refurbish') put(r.location, RETURN_STATUS.refurbishing, d.sku, d.qty);
    for (const l of r.refurbished ?? []) put(r.location, RETURN_STATUS.refurbishing, l.sku, -l.qty);
  }
  // Supply: every waiting unit of an order is exactly one unit in its inbound's queue and in the inbound's
  // own count, no inbound has more waiting on it than it still promises (50% of a purchase order), and the
  // cap holds. Units a receipt holds for the queue are reserved under the inbound's id.
  const claims = new Map<string, number>();
  let sold = 0;
  for (const id of [...fulcrum.engine.registry.entities('inbound').keys()]) {
    const i = fulcrum.supply.inbound(id)!.context;
    for (const [orderId, sku, qty] of fulcrum.supply.queue(id)) claims.set(`${orderId}/${id}/${sku}`, (claims.get(`${orderId}/${id}/${sku}`) ?? 0) + qty);
    const queued = new Map<string, number>();
    for (const [, sku, qty] of fulcrum.supply.unallotted(id)) queued.set(sku, (queued.get(sku) ?? 0) + qty);
    for (const [sku, n] of Object.entries(i.waiting)) assert.is(queued.get(sku) ?? 0, n, `inbound ${id}: counts ${n} ${sku} waiting, its queue ${queued.get(sku) ?? 0}`);
    for (const l of i.lines) {
      const waiting = i.waiting[l.sku] ?? 0;
      assert.ok(waiting <= Math.floor(((l.qty - l.received) * (i.kind === 'purchase_order' ? 50 : 100)) / 100) || l.received > 0, `inbound ${id}: ${waiting} ${l.sku} waiting, ${l.qty - l.received} expected`);
    }
    for (const [sku, n] of Object.entries(i.held)) add(i.location, sku, 'reserved', n);
    // A receipt never gives out more than it brought in: what orders got (allocated) or hold (allotted) of a SKU
    // is at most what arrived of it.
    for (const l of i.lines) assert.ok((i.allocated[l.sku] ?? 0) + (i.held[l.sku] ?? 0) <= l.received, `inbound ${id}: ${l.sku} received ${l.received}, given ${(i.allocated[l.sku] ?? 0) + (i.held[l.sku] ?? 0)}`);
  }
  for (const id of orders) {
    for (const w of fulcrum.orders.get(id)!.waiting ?? []) {
      const k = `${id}/${w.inbound}/${w.sku}`;
      assert.ok((claims.get(k) ?? 0) >= w.qty, `order ${id} waits for ${w.qty} ${w.sku} on ${w.inbound}, its queue holds ${claims.get(k) ?? 0}`);
      claims.set(k, (claims.get(k) ?? 0) - w.qty);
    }
  }
  for (const [k, n] of claims) assert.is(n, 0, `${k}: a place in a queue no order waits for`);
  for (const sku of SKUS) sold += fulcrum.supply.sold(sku);
  assert.ok(sold <= SUPPLY_CAP, `${sold} units sold against inbound, cap ${SUPPLY_CAP}`);
  for (const l of LOCS) {
    for (const sku of SKUS) {
      const other = fulcrum.engine.position(l, sku)?.other ?? {};
      for (const status of [RETURN_STATUS.received, RETURN_STATUS.refurbishing]) {
        assert.is(other[status] ?? 0, inStatus.get(`${l}/${sku}/${status}`) ?? 0, `${l}/${sku} ${status} matches the returns there`);
      }
    }
  }
  for (const sku of SKUS) {
    let ats = 0;
    let web = 0;
    for (const l of LOCS) {
      const p = fulcrum.engine.position(l, sku);
      const e = expected.get(`${l}/${sku}`) ?? { reserved: 0, shipped: 0 };
      if (!p) {
        assert.equal(e, { reserved: 0, shipped: 0 });
        continue;
      }
      assert.ok(isConserved(p), `${l}/${sku} conserved: ${JSON.stringify(p)}`);
      assert.is(p.reserved, e.reserved, `${l}/${sku} reserved matches open orders and holds`);
      assert.is(p.shipped, e.shipped, `${l}/${sku} shipped matches shipped fulfilments and transfers`);
      assert.is(p.other?.in_transit ?? 0, inTransit.get(`${l}/${sku}`) ?? 0, `${l}/${sku} in transit matches the transfers travelling to it`);
      ats += freeUnits(p, fulcrum.stock.statuses.counting);
      web += freeUnits(p, fulcrum.stock.statuses.counting) - (p.other?.open_box ?? 0);
    }
    assert.is(fulcrum.stock.index.ats('default', sku), ats, `index ATS for ${sku} equals a recount`);
    assert.is(fulcrum.stock.index.ats('web', sku), web, `the web pool, which excludes open_box, equals a recount`);
  }
}

/** Opens the engine on `dir`, with the workflow catalog (default workflows) installed in workflow mode. */
async function open(dir: string, mode: Mode, clock: { now(): number }) {
  let ready: Promise<void> = Promise.resolve();
  const run = openFulcrum({
    dataDir: dir,
    clock,
    onFatal: (e) => { throw e; },
    ...(mode === 'workflow'
      ? {
          prepare: (fulcrum: Fulcrum) => {
            const catalog = new WorkflowCatalog(fulcrum.engine, new RuleRegistry(BUILT_IN_RULES));
            ready = catalog.load(new Date(clock.now()).toISOString());
            fulcrum.engine.workflows = catalog;
          },
        }
      : {}),
  });
  await ready;
  return run;
}

/** Runs operations on a fresh engine, checking every invariant after each, then again after a restart. */
async function runOps(ops: Op[], mode: Mode = 'machine'): Promise<void> {
  const { dir, cleanup } = tempDataDir();
  let now = Date.parse('2026-11-27T12:00:00Z');
  const clock = { now: () => now, advance: (ms: number) => (now += ms) };
  const run = await open(dir, mode, clock);
  try {
    const { fulcrum } = run;
    await seed(fulcrum, { locations: { BER: [52.5, 13.4], MUC: [48.1, 11.6] }, skus: SKUS, stock: [['BER', 'A', 5], ['MUC', 'A', 3], ['MUC', 'B', 4]] });
    await upsertStatus(fulcrum, { name: 'open_box', countsTowardAvailability: true }).durable;
    await upsertPool(fulcrum, { id: 'web', name: 'web', locations: { all: true }, excludeStatuses: ['open_box'] }).durable;
    if (mode === 'workflow') {
      await fulcrum.supply.rules.put(fulcrum.engine, { id: 'bo', skus: SKUS, mode: 'backorder', cap: SUPPLY_CAP, confidence: { purchase_order: 50 } }, new Date(clock.now()).toISOString(), () => 0).durable;
      // Sourcing may choose a transfer and one parcel over a split (a cheap lane), so orders wait on transfers too.
      fulcrum.sourcing.profile = parseSourcingProfile({
        ...defaultSourcingProfileDocument,
        strategies: defaultSourcingProfileDocument.strategies.map((s) => ({ ...s, transfers: { costPerUnit: 0.5, leadDays: 1, lanes: [] } })),
      });
    }
    const orders: string[] = [];
    const holds: string[] = [];
    const returns: string[] = [];
    const transfers: string[] = [];
    for (const o of ops) {
      apply(fulcrum, mode, o, orders, holds, returns, transfers, clock);
      // Transfers sourcing started for orders, too (they are open when created).
      for (const id of fulcrum.engine.registry.entities('transfer').keys()) if (!transfers.includes(id)) transfers.push(id);
      checkInvariants(fulcrum, orders, holds, returns, transfers);
    }
    const before = JSON.stringify(LOCS.map((l) => SKUS.map((s) => fulcrum.engine.position(l, s) ?? null)));
    await fulcrum.engine.store.root.flushed;
    await run.snapshotter.stop();
    await fulcrum.engine.store.root.close();
    const again = await open(dir, mode, clock);
    try {
      assert.is(JSON.stringify(LOCS.map((l) => SKUS.map((s) => again.fulcrum.engine.position(l, s) ?? null))), before, 'recovery rebuilds the same stock');
      checkInvariants(again.fulcrum, orders, holds, returns, transfers);
    } finally {
      await again.close();
    }
  } finally {
    cleanup();
  }
}

/** Runs the property for one mode: a fresh seed each run, printed so that a failure can be replayed. */
async function property(mode: Mode): Promise<void> {
  const seed = process.env.FULCRUM_PROPERTY_SEED ? Number(process.env.FULCRUM_PROPERTY_SEED) : Math.floor(Math.random() * 2 ** 31);
  console.log(`conservation property (${mode}): seed ${seed} (replay with FULCRUM_PROPERTY_SEED=${seed})`);
  reached.clear();
  const numRuns = mode === 'workflow' ? 200 : 120;
  const missing = () => KINDS[mode].filter((k) => !reached.get(k));
  await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40, size: 'max' }), (ops) => runOps(ops, mode)), { numRuns, seed });
  // A run that never cancelled a live order proves nothing about cancellation: every kind must have happened.
  // The deepest chains (an order shipped, returned, received, then inspected) are missed by about one seed in
  // five, so a run that missed a kind goes on with more sequences (each round's seed printed) before failing:
  // a kind the operations can no longer reach still fails, a rare one no longer fails the suite by chance.
  for (let round = 1; round <= 3 && missing().length > 0; round++) {
    const more = seed + round;
    console.log(`conservation property (${mode}): ${missing().join(', ')} not reached yet; ${numRuns / 2} more sequences, seed ${more}`);
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40, size: 'max' }), (ops) => runOps(ops, mode)), { numRuns: numRuns / 2, seed: more });
  }
  console.log(`conservation property (${mode}): accepted on live entities ${JSON.stringify(Object.fromEntries(reached))}`);
  assert.equal(missing(), [], `seed ${seed}: operations never accepted on a live entity: ${missing().join(', ')} (reached: ${JSON.stringify(Object.fromEntries(reached))})`);
}

test('stock is conserved over random sequences of counts, deltas, moves, holds, orders, cancels (whole and partial), edits, shipments and expiries', async () => {
  await property('machine');
});

test('the same holds with the default workflows running the orders (payment, release to locations, each step to shipped) and returns (claims, receipt, inspection, cancellation)', async () => {
  await property('workflow');
});

// Found by the property: a hold placed on `default` consumed by an order on a pool that excludes open_box
// counted the location's open_box units as the order's, and the location refused the reservation.
test('an order consuming a hold on a pool that excludes a status plans only the units that pool sells', async () => {
  await runOps([
    { op: 'hold', lines: [{ sku: 'B', qty: 1 }] },
    { op: 'count', loc: 'MUC', sku: 'B', status: 'open_box', n: 1 },
    { op: 'order', lines: [{ sku: 'B', qty: 1 }, { sku: 'B', qty: 4 }], hold: 0, split: false },
  ]);
});

test('a partial cancellation and an edit that sources the order elsewhere keep every reservation with its owner', async () => {
  await runOps([
    { op: 'order', lines: [{ sku: 'A', qty: 4 }, { sku: 'B', qty: 1 }], hold: null, split: true },
    { op: 'edit', i: 0, near: 'BER' },
    { op: 'cancelLines', i: 0, sku: 'A', qty: 3 },
    { op: 'ship', i: 0 },
    { op: 'cancelLines', i: 0, sku: 'B', qty: 1 },
    { op: 'edit', i: 0, near: 'MUC' },
    { op: 'ship', i: 0 },
  ]);
});

// Found by the property: an order sourcing sent as one parcel after a transfer, then a cancel of that
// transfer's inbound by hand (refused: it follows its transfer).
test('an order that waits on a transfer sourcing chose keeps every unit counted', async () => {
  await runOps(
    [
      { op: 'order', lines: [{ sku: 'B', qty: 1 }, { sku: 'A', qty: 3 }, { sku: 'A', qty: 1 }], hold: null, split: false },
      { op: 'cancelIn', i: 0 },
    ],
    'workflow',
  );
  await runOps(
    [
      { op: 'order', lines: [{ sku: 'A', qty: 1 }, { sku: 'A', qty: 3 }, { sku: 'B', qty: 1 }], hold: null, split: false },
      { op: 'order', lines: [{ sku: 'A', qty: 1 }], hold: null, split: false },
    ],
    'workflow',
  );
  await runOps(
    [
      { op: 'order', lines: [{ sku: 'B', qty: 1 }, { sku: 'A', qty: 2 }, { sku: 'A', qty: 2 }], hold: null, split: false },
      { op: 'ship', i: 0 },
    ],
    'workflow',
  );
});

test.run();
