import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { listAlerts } from '../../src/alerts/index.js';
import type { Fulcrum } from '../../src/fulcrum/index.js';
import { cancelOrder, cancelOrderLines, placeOrder, sendEntityEvent, sendOrderEvent, type PlaceOrder } from '../../src/orders/index.js';
import { ALLOCATION_BATCH, cancelInbound, receiveInbound, upsertInbound, type SupplyRuleInput } from '../../src/supply/index.js';
import { seed } from '../helpers/network.js';
import { refusal } from '../helpers/refusal.js';
import { tempDataDir } from '../helpers/tmp.js';
import { openWorkflowWorld, withWorld, type WorkflowWorld } from '../helpers/workflow-engine.js';

const BERLIN = { lat: 52.5, lon: 13.4, country: 'DE' };
const DAY = 86_400_000;

/** Berlin holds 2 of A; P (a limited edition) is not in stock anywhere yet. */
async function network(w: WorkflowWorld): Promise<void> {
  await seed(w.run.fulcrum, { locations: { BER: [52.52, 13.4], MUC: [48.14, 11.58] }, skus: ['A', 'P'], stock: [['BER', 'A', 2]] });
}

const inDays = (w: WorkflowWorld, days: number) => new Date(w.clock.now() + days * DAY).toISOString();

function rule(w: WorkflowWorld, r: Partial<SupplyRuleInput> & Pick<SupplyRuleInput, 'id' | 'skus' | 'mode'>) {
  const { fulcrum } = w.run;
  return fulcrum.supply.rules.put(fulcrum.engine, r, new Date(w.clock.now()).toISOString(), (sku) => fulcrum.supply.sold(sku));
}

function order(f: Fulcrum, sku: string, qty: number, extra: Partial<PlaceOrder> = {}) {
  return placeOrder(f, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku, qty }], ...extra }, 'k').value;
}

const waitingOf = (f: Fulcrum, id: string) => (f.orders.get(id)!.waiting ?? []).map(({ rank: _rank, ...w }) => w);
const claimsOf = (f: Fulcrum, id: string) => f.supply.queue(id);

test('an inbound is expected, shows in availability, and arrives in partial receipts (a repeated receipt id changes nothing)', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    upsertInbound(fulcrum, 'PO-1', { location: 'MUC', lines: [{ sku: 'A', qty: 10 }], expectedAt: inDays(w, 5), kind: 'purchase_order' }, 'k');
    assert.is(fulcrum.supply.inboundUnits('A', 'default'), 10);
    const first = receiveInbound(fulcrum, 'PO-1', { receiptId: 'r1', lines: [{ sku: 'A', qty: 4 }] }, 'k').value;
    assert.equal(first, { repeated: false, allotted: 0, allocated: [] });
    assert.is(fulcrum.engine.position('MUC', 'A')!.sellable, 4);
    assert.is(fulcrum.supply.inboundUnits('A', 'default'), 6);
    assert.equal(receiveInbound(fulcrum, 'PO-1', { receiptId: 'r1', lines: [{ sku: 'A', qty: 4 }] }, 'k').value, { repeated: true, allotted: 0, allocated: [] });
    assert.is(fulcrum.engine.position('MUC', 'A')!.sellable, 4, 'the repeated receipt added nothing');
    const over = refusal(() => receiveInbound(fulcrum, 'PO-1', { receiptId: 'r2', lines: [{ sku: 'A', qty: 7 }] }, 'k'));
    assert.equal([over.type, over.details?.[0]?.path], ['invalid_request', 'lines[0].qty']);
    receiveInbound(fulcrum, 'PO-1', { receiptId: 'r2', lines: [{ sku: 'A', qty: 7 }], allowOver: true }, 'k');
    assert.is(fulcrum.engine.position('MUC', 'A')!.sellable, 11);
    assert.is(fulcrum.supply.inbound('PO-1')!.state, 'received', 'every unit in: the inbound is done');
    const qc = upsertInbound(fulcrum, 'PO-2', { location: 'MUC', lines: [{ sku: 'P', qty: 3 }], expectedAt: inDays(w, 1), kind: 'asn' }, 'k');
    assert.ok(qc.value.created);
    receiveInbound(fulcrum, 'PO-2', { receiptId: 'q', lines: [{ sku: 'P', qty: 3 }], status: 'damaged' }, 'k');
    assert.equal([fulcrum.engine.position('MUC', 'P')!.sellable, fulcrum.engine.position('MUC', 'P')!.other?.damaged], [0, 3], 'units can arrive in a status that does not sell');
  }, network);
});

test('bad inbound input is refused with every problem and changes nothing', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const e = refusal(() => upsertInbound(fulcrum, 'X', { location: 'NOPE', lines: [{ sku: 'Z', qty: 1 }, { sku: 'A', qty: 1 }, { sku: 'A', qty: 2 }], expectedAt: inDays(w, -1), kind: 'asn' }, 'k'));
    assert.equal(e.details!.map((d) => d.path), ['location', 'lines[0].sku', 'lines[2].sku', 'expectedAt']);
    assert.is(fulcrum.supply.inbound('X'), undefined);
    assert.is(refusal(() => receiveInbound(fulcrum, 'X', { receiptId: 'r', lines: [{ sku: 'A', qty: 1 }] }, 'k')).type, 'not_found');
  }, network);
});

test('an update that changes nothing records nothing: a repeated PUT or a file loaded again leaves no fact', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const input = { location: 'MUC', lines: [{ sku: 'A', qty: 10 }, { sku: 'P', qty: 4 }], expectedAt: inDays(w, 5), kind: 'purchase_order' as const, reference: 'PO 1' };
    upsertInbound(fulcrum, 'PO-1', input, 'k');
    const seq = fulcrum.engine.journal.nextSeq;
    const updatedAt = fulcrum.supply.inbound('PO-1')!.context.updatedAt;
    w.clock.advance(1000);
    assert.equal(upsertInbound(fulcrum, 'PO-1', input, 'k').value, { created: false });
    assert.equal(upsertInbound(fulcrum, 'PO-1', { ...input, reference: undefined }, 'k').value, { created: false }, 'no reference keeps the one it has');
    assert.is(fulcrum.engine.journal.nextSeq, seq, 'nothing journaled');
    assert.is(fulcrum.supply.inbound('PO-1')!.context.updatedAt, updatedAt);
    upsertInbound(fulcrum, 'PO-1', { ...input, lines: [{ sku: 'P', qty: 4 }, { sku: 'A', qty: 10 }] }, 'k');
    assert.is(fulcrum.engine.journal.nextSeq, seq + 1, 'lines in another order are a change (the inbound lists them as given)');
  }, network);
});

test('a backorder ships what is in stock and waits for the rest on the soonest inbound, within its confidence; more is refused', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    rule(w, { id: 'a-backorders', skus: ['A'], mode: 'backorder', confidence: { purchase_order: 60 } });
    upsertInbound(fulcrum, 'PO-1', { location: 'MUC', lines: [{ sku: 'A', qty: 10 }], expectedAt: inDays(w, 5), kind: 'purchase_order' }, 'k');
    assert.equal(fulcrum.supply.future(fulcrum.supply.rules.get('a-backorders'), 'A', 'default', w.clock.now()), [{ qty: 6, from: inDays(w, 5) }], '60% of an unconfirmed PO');
    const o = order(fulcrum, 'A', 5);
    assert.equal(o.fulfilments.map((f) => [f.location, f.lines]), [['BER', [{ sku: 'A', qty: 2 }]]]);
    assert.equal(waitingOf(fulcrum, o.id), [{ sku: 'A', qty: 3, inbound: 'PO-1', mode: 'backorder', promisedAt: inDays(w, 5) }]);
    assert.is(fulcrum.orders.get(o.id)!.promisedAt, inDays(w, 5));
    assert.ok(w.webhooks.some((e) => e.type === 'order.waiting'));
    assert.equal(claimsOf(fulcrum, 'PO-1'), [[o.id, 'A', 3]]);
    const more = refusal(() => order(fulcrum, 'A', 4));
    assert.is(more.type, 'insufficient_stock');
    assert.match(more.details![0]!.message, /4 more than in stock, 3 promisable/);
    assert.is(fulcrum.supply.sold('A'), 3, 'the refusal claimed nothing');
    const noRule = refusal(() => order(fulcrum, 'P', 1));
    assert.is(noRule.type, 'insufficient_stock', 'a SKU under no rule is refused as before');
  }, network);
});

test('arrival allocates waiting orders first come, first served, never more than it brought; they go on through their workflow', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    rule(w, { id: 'p', skus: ['P'], mode: 'preorder' });
    upsertInbound(fulcrum, 'PO-1', { location: 'MUC', lines: [{ sku: 'P', qty: 10 }], expectedAt: inDays(w, 3), kind: 'asn' }, 'k');
    const a = order(fulcrum, 'P', 4);
    const b = order(fulcrum, 'P', 3);
    const c = order(fulcrum, 'P', 3);
    assert.equal([a, b, c].map((o) => o.fulfilments.length), [0, 0, 0], 'nothing in stock: every unit waits');
    sendOrderEvent(fulcrum, a.id, { type: 'payment.authorized' });
    assert.is(fulcrum.orders.get(a.id)!.status, 'fulfilling', 'paid, and waiting for its units');
    const got = receiveInbound(fulcrum, 'PO-1', { receiptId: 'r1', lines: [{ sku: 'P', qty: 6 }] }, 'k').value;
    assert.equal(got.allocated, [{ orderId: a.id, sku: 'P', qty: 4 }, { orderId: b.id, sku: 'P', qty: 2 }], 'in order, partly for b, nothing past what arrived');
    const pos = fulcrum.engine.position('MUC', 'P')!;
    assert.equal([pos.sellable, pos.reserved], [0, 6]);
    const afterA = fulcrum.orders.get(a.id)!;
    assert.equal([afterA.waiting, afterA.fulfilments.map((f) => [f.location, f.status])], [undefined, [['MUC', 'released']]], 'a paid order releases its allocated units at once');
    assert.equal(waitingOf(fulcrum, b.id).map((x) => x.qty), [1]);
    assert.equal(fulcrum.orders.get(b.id)!.fulfilments.map((f) => f.status), ['created'], 'b has not paid: its units wait reserved');
    assert.equal(claimsOf(fulcrum, 'PO-1'), [[b.id, 'P', 1], [c.id, 'P', 3]]);
    receiveInbound(fulcrum, 'PO-1', { receiptId: 'r2', lines: [{ sku: 'P', qty: 4 }] }, 'k');
    assert.equal([waitingOf(fulcrum, b.id), waitingOf(fulcrum, c.id)], [[], []]);
    assert.is(fulcrum.supply.inbound('PO-1')!.state, 'received');
    assert.equal(fulcrum.supply.inbound('PO-1')!.context.allocated, { P: 10 });
    assert.ok(w.webhooks.filter((e) => e.type === 'order.allocated').length >= 4);
    for (const type of ['accepted', 'picked', 'packed', 'shipped']) sendEntityEvent(fulcrum, 'fulfilment', afterA.fulfilments[0]!.id, { type });
    assert.is(fulcrum.orders.get(a.id)!.status, 'shipped');
  }, network);
});

test('priority: a customer tier goes first, then first come, first served; a receipt never allocates more than it brought', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    rule(w, { id: 'p', skus: ['P'], mode: 'preorder', priority: [{ by: 'customer', attribute: 'tier', order: ['gold', 'silver'] }] });
    upsertInbound(fulcrum, 'PO-1', { location: 'MUC', lines: [{ sku: 'P', qty: 10 }], expectedAt: inDays(w, 3), kind: 'asn' }, 'k');
    const tiers = [undefined, 'gold', 'silver', 'gold', undefined];
    const ids = tiers.map((tier) => order(fulcrum, 'P', 1, { customer: { id: `c-${tier}`, ...(tier ? { tier } : {}) } }).id);
    assert.equal(claimsOf(fulcrum, 'PO-1').map(([id]) => ids.indexOf(id)), [1, 3, 2, 0, 4], 'gold, gold, silver, then the rest, each in arrival order');
    const got = receiveInbound(fulcrum, 'PO-1', { receiptId: 'r', lines: [{ sku: 'P', qty: 3 }] }, 'k').value.allocated;
    assert.equal(got.map((a) => ids.indexOf(a.orderId)), [1, 3, 2]);
  }, network);
});

test('cancelling some units of a waiting order takes the waiting ones first and frees their place at once', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    rule(w, { id: 'a', skus: ['A'], mode: 'backorder' });
    upsertInbound(fulcrum, 'ASN-1', { location: 'MUC', lines: [{ sku: 'A', qty: 5 }], expectedAt: inDays(w, 2), kind: 'asn' }, 'k');
    const o = order(fulcrum, 'A', 5);
    assert.equal([o.fulfilments[0]!.lines[0]!.qty, waitingOf(fulcrum, o.id)[0]!.qty], [2, 3]);
    const after = cancelOrderLines(fulcrum, o.id, [{ sku: 'A', qty: 2 }], 'fewer', 'k').value;
    assert.equal([after.lines, after.fulfilments[0]!.lines, waitingOf(fulcrum, o.id).map((x) => x.qty)], [[{ sku: 'A', qty: 3 }], [{ sku: 'A', qty: 2 }], [1]]);
    assert.equal(claimsOf(fulcrum, 'ASN-1'), [[o.id, 'A', 1]]);
    assert.equal([fulcrum.supply.sold('A'), fulcrum.supply.inbound('ASN-1')!.context.waiting], [1, { A: 1 }]);
    const more = cancelOrderLines(fulcrum, o.id, [{ sku: 'A', qty: 2 }], 'fewer still', 'k').value;
    assert.equal([more.lines, waitingOf(fulcrum, o.id), more.fulfilments[0]!.lines], [[{ sku: 'A', qty: 1 }], [], [{ sku: 'A', qty: 1 }]], 'then from the fulfilment');
    assert.equal([fulcrum.engine.position('BER', 'A')!.reserved, fulcrum.supply.sold('A')], [1, 0]);
  }, network);
});

test('payment at allocation: a pre-order is asked to pay only once its units are allocated', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    rule(w, { id: 'p', skus: ['P'], mode: 'preorder', payment: 'at_allocation' });
    upsertInbound(fulcrum, 'PO-1', { location: 'MUC', lines: [{ sku: 'P', qty: 4 }], expectedAt: inDays(w, 3), kind: 'asn' }, 'k');
    const o = order(fulcrum, 'P', 2);
    const payments = () => w.webhooks.filter((e) => e.type === 'payment.requested' && (e.data as { orderId?: string }).orderId === o.id).length;
    assert.equal([fulcrum.orders.get(o.id)!.status, payments()], ['awaiting_allocation', 0]);
    receiveInbound(fulcrum, 'PO-1', { receiptId: 'r', lines: [{ sku: 'P', qty: 1 }] }, 'k');
    assert.equal([fulcrum.orders.get(o.id)!.status, payments()], ['awaiting_allocation', 0], 'one unit of two: still waiting');
    receiveInbound(fulcrum, 'PO-1', { receiptId: 'r2', lines: [{ sku: 'P', qty: 3 }] }, 'k');
    assert.equal([fulcrum.orders.get(o.id)!.status, payments()], ['awaiting_payment', 1]);
    sendOrderEvent(fulcrum, o.id, { type: 'payment.authorized' });
    assert.equal(fulcrum.orders.get(o.id)!.fulfilments.map((f) => f.status), ['released', 'released']);
  }, network);
});

test('ship-complete: a paid order waits until its last unit is allocated, then everything is released together', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    rule(w, { id: 'a', skus: ['A'], mode: 'backorder', backorder: 'ship-complete' });
    upsertInbound(fulcrum, 'ASN-1', { location: 'MUC', lines: [{ sku: 'A', qty: 5 }], expectedAt: inDays(w, 2), kind: 'asn' }, 'k');
    const o = order(fulcrum, 'A', 4);
    sendOrderEvent(fulcrum, o.id, { type: 'payment.authorized' });
    const waitingNow = fulcrum.orders.get(o.id)!;
    assert.equal([waitingNow.status, waitingNow.backorder, waitingNow.fulfilments.map((f) => f.status)], ['awaiting_stock', 'ship-complete', ['created']]);
    receiveInbound(fulcrum, 'ASN-1', { receiptId: 'r', lines: [{ sku: 'A', qty: 5 }] }, 'k');
    const done = fulcrum.orders.get(o.id)!;
    assert.equal([done.status, done.fulfilments.map((f) => [f.location, f.status])], ['fulfilling', [['BER', 'released'], ['MUC', 'released']]]);
    assert.is(fulcrum.engine.position('MUC', 'A')!.sellable, 3, 'the 3 units nobody waited for are on sale');
  }, network);
});

test('caps, windows and lead times: never more sold against inbound than the cap; a closed pre-order window is 409 preorder_closed', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    rule(w, { id: 'drop', skus: ['P'], mode: 'preorder', cap: 5, capPerInbound: 4, window: { from: inDays(w, 0), to: inDays(w, 1) }, maxLeadDays: 30 });
    upsertInbound(fulcrum, 'PO-1', { location: 'MUC', lines: [{ sku: 'P', qty: 100 }], expectedAt: inDays(w, 10), kind: 'purchase_order' }, 'k');
    upsertInbound(fulcrum, 'PO-2', { location: 'BER', lines: [{ sku: 'P', qty: 100 }], expectedAt: inDays(w, 20), kind: 'purchase_order' }, 'k');
    upsertInbound(fulcrum, 'PO-far', { location: 'BER', lines: [{ sku: 'P', qty: 100 }], expectedAt: inDays(w, 60), kind: 'purchase_order' }, 'k');
    assert.equal(fulcrum.supply.future(fulcrum.supply.rules.get('drop'), 'P', 'default', w.clock.now()).map((b) => b.qty), [4, 1], 'per-inbound cap 4, overall 5, nothing 60 days out');
    const placed: string[] = [];
    for (let i = 0; i < 8; i++) {
      try {
        placed.push(order(fulcrum, 'P', 1).id);
      } catch (e) {
        assert.is((e as { type: string }).type, 'insufficient_stock');
      }
    }
    assert.is(placed.length, 5, 'the cap holds');
    assert.equal(placed.map((id) => waitingOf(fulcrum, id)[0]!.inbound), ['PO-1', 'PO-1', 'PO-1', 'PO-1', 'PO-2']);
    const low = refusal(() => rule(w, { id: 'drop', skus: ['P'], mode: 'preorder', cap: 3 }));
    assert.match(low.message, /below the 5 units already sold/);
    const both = refusal(() => rule(w, { id: 'other', skus: ['P'], mode: 'backorder' }));
    assert.match(both.details![0]!.message, /both preorder and backorder/);
    cancelOrder(fulcrum, placed[0]!, 'changed mind');
    assert.is(fulcrum.supply.sold('P'), 4, 'a cancelled waiting order frees its claim at once');
    w.clock.advance(2 * DAY);
    const closed = refusal(() => order(fulcrum, 'P', 1));
    assert.is(closed.type, 'preorder_closed');
  }, network);
});

test('a later date re-promises the waiting orders; a cancelled inbound moves them to the next supply or makes them unfulfillable with an alert', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    rule(w, { id: 'p', skus: ['P'], mode: 'preorder' });
    upsertInbound(fulcrum, 'PO-1', { location: 'MUC', lines: [{ sku: 'P', qty: 3 }], expectedAt: inDays(w, 3), kind: 'asn' }, 'k');
    const a = order(fulcrum, 'P', 2);
    const b = order(fulcrum, 'P', 1);
    upsertInbound(fulcrum, 'PO-1', { location: 'MUC', lines: [{ sku: 'P', qty: 3 }], expectedAt: inDays(w, 6), kind: 'asn' }, 'k');
    assert.equal(waitingOf(fulcrum, a.id).map((x) => x.promisedAt), [inDays(w, 6)]);
    assert.is(w.webhooks.filter((e) => e.type === 'order.repromised').length, 2);
    const shrink = refusal(() => upsertInbound(fulcrum, 'PO-1', { location: 'MUC', lines: [{ sku: 'P', qty: 2 }], expectedAt: inDays(w, 6), kind: 'asn' }, 'k'));
    assert.match(shrink.details![0]!.message, /3 sold against it/);
    upsertInbound(fulcrum, 'PO-2', { location: 'BER', lines: [{ sku: 'P', qty: 2 }], expectedAt: inDays(w, 9), kind: 'asn' }, 'k');
    const moved = cancelInbound(fulcrum, 'PO-1', 'supplier failed', 'k').value;
    assert.equal(moved, { moved: 2, unfulfillable: 1 });
    assert.equal(waitingOf(fulcrum, a.id).map((x) => [x.inbound, x.qty, x.promisedAt]), [['PO-2', 2, inDays(w, 9)]]);
    assert.equal(fulcrum.orders.get(b.id)!.unfulfillable?.map((x) => x.qty), [1]);
    assert.equal(listAlerts(fulcrum, { entity: `order/${b.id}`, limit: 5 }).map((x) => x.alert), ['order-unfulfillable']);
    assert.equal(claimsOf(fulcrum, 'PO-2'), [[a.id, 'P', 2]]);
  }, network);
});

test('after a restart, queues, promises and caps are exactly as they were, and arrival allocates from there', async () => {
  const { dir, cleanup } = tempDataDir();
  let w = await openWorkflowWorld(dir);
  try {
    await network(w);
    rule(w, { id: 'p', skus: ['P'], mode: 'preorder', cap: 3 });
    upsertInbound(w.run.fulcrum, 'PO-1', { location: 'MUC', lines: [{ sku: 'P', qty: 5 }], expectedAt: inDays(w, 3), kind: 'asn' }, 'k');
    const a = order(w.run.fulcrum, 'P', 2);
    const b = order(w.run.fulcrum, 'P', 1);
    await w.run.close();
    w = await openWorkflowWorld(dir, { clock: w.clock });
    const { fulcrum } = w.run;
    assert.equal(claimsOf(fulcrum, 'PO-1'), [[a.id, 'P', 2], [b.id, 'P', 1]]);
    assert.is(fulcrum.supply.sold('P'), 3);
    assert.is(refusal(() => order(fulcrum, 'P', 1)).type, 'insufficient_stock', 'the cap survived');
    receiveInbound(fulcrum, 'PO-1', { receiptId: 'r', lines: [{ sku: 'P', qty: 5 }] }, 'k');
    await w.run.close();
    w = await openWorkflowWorld(dir, { clock: w.clock });
    assert.equal([waitingOf(w.run.fulcrum, a.id), waitingOf(w.run.fulcrum, b.id)], [[], []]);
    assert.equal([w.run.fulcrum.engine.position('MUC', 'P')!.reserved, w.run.fulcrum.engine.position('MUC', 'P')!.sellable], [3, 2]);
    assert.is(w.run.fulcrum.supply.sold('P'), 3, 'allocated units stay sold against inbound');
  } finally {
    await w.run.close();
    cleanup();
  }
});

test('a long queue is allocated in batches after the receipt: the units stay held for it, and a restart in the middle goes on', async () => {
  const { dir, cleanup } = tempDataDir();
  let w = await openWorkflowWorld(dir);
  const n = ALLOCATION_BATCH * 2 + 50;
  try {
    await network(w);
    rule(w, { id: 'p', skus: ['P'], mode: 'preorder' });
    upsertInbound(w.run.fulcrum, 'PO-1', { location: 'MUC', lines: [{ sku: 'P', qty: n + 10 }], expectedAt: inDays(w, 3), kind: 'asn' }, 'k');
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push(order(w.run.fulcrum, 'P', 1).id);
    const got = receiveInbound(w.run.fulcrum, 'PO-1', { receiptId: 'r', lines: [{ sku: 'P', qty: n + 10 }] }, 'k');
    assert.is(got.value.allocated.length, ALLOCATION_BATCH, 'the first batch in the receipt step');
    const p = w.run.fulcrum.engine.position('MUC', 'P')!;
    assert.equal([p.sellable, p.reserved], [10, n], 'the rest is held for the queue: only the 10 nobody waits for are on sale');
    assert.is(w.run.fulcrum.supply.inbound('PO-1')!.context.held.P, n - ALLOCATION_BATCH);
    assert.is(refusal(() => order(w.run.fulcrum, 'P', 11)).type, 'insufficient_stock', 'a new order cannot take the held units');
    const before = claimsOf(w.run.fulcrum, 'PO-1');
    assert.is(before.length, n - ALLOCATION_BATCH);
    // Stop before the background batches ran (the receipt itself is durable once close has flushed).
    await w.run.close();
    w = await openWorkflowWorld(dir, { clock: w.clock });
    assert.equal(claimsOf(w.run.fulcrum, 'PO-1'), before, 'who gets the units was decided by the receipt, and is the same after a restart');
    assert.is(w.run.fulcrum.supply.inbound('PO-1')!.context.held.P, n - ALLOCATION_BATCH, 'nothing ran after close: the restart finds the rest still held');
    await w.run.fulcrum.supply.allocating();
    const { fulcrum } = w.run;
    assert.equal(ids.filter((id) => waitingOf(fulcrum, id).length > 0), [], 'every waiting order allocated after the restart');
    assert.equal(fulcrum.supply.inbound('PO-1')!.state, 'received');
    const after = fulcrum.engine.position('MUC', 'P')!;
    assert.equal([after.sellable, after.reserved], [10, n]);
  } finally {
    await w.run.close();
    cleanup();
  }
});

test('an order cancelled while its units are held for the queue: the next in line get them, and what nobody waits for goes on sale', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    rule(w, { id: 'p', skus: ['P'], mode: 'preorder' });
    const n = ALLOCATION_BATCH + 20;
    upsertInbound(fulcrum, 'PO-1', { location: 'MUC', lines: [{ sku: 'P', qty: n }], expectedAt: inDays(w, 3), kind: 'asn' }, 'k');
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push(order(fulcrum, 'P', 1).id);
    receiveInbound(fulcrum, 'PO-1', { receiptId: 'r', lines: [{ sku: 'P', qty: n }] }, 'k');
    cancelOrder(fulcrum, ids[n - 1]!, 'changed mind');
    await fulcrum.supply.allocating();
    assert.equal(ids.slice(0, n - 1).filter((id) => waitingOf(fulcrum, id).length > 0), []);
    const p = fulcrum.engine.position('MUC', 'P')!;
    assert.equal([p.reserved, p.sellable, fulcrum.supply.inbound('PO-1')!.state], [n - 1, 1, 'received']);
  }, network);
});

test('the receipt decides who gets its units: a gold order placed meanwhile does not pass them, and takes units an allotted order gives back', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    rule(w, { id: 'p', skus: ['P'], mode: 'preorder', priority: [{ by: 'customer', attribute: 'tier', order: ['gold'] }] });
    upsertInbound(fulcrum, 'PO-1', { location: 'MUC', lines: [{ sku: 'P', qty: 200 }], expectedAt: inDays(w, 3), kind: 'asn' }, 'k');
    const ids: string[] = [];
    for (let i = 0; i < 120; i++) ids.push(order(fulcrum, 'P', 1).id);
    const got = receiveInbound(fulcrum, 'PO-1', { receiptId: 'r', lines: [{ sku: 'P', qty: 100 }] }, 'k').value;
    assert.equal([got.allotted, got.allocated.length], [100, ALLOCATION_BATCH], 'the first 100 in line get the units; the first batch is sourced at once');
    const gold = order(fulcrum, 'P', 1, { customer: { id: 'vip', tier: 'gold' } }).id;
    const line = claimsOf(fulcrum, 'PO-1').map(([id]) => id);
    assert.equal(line.slice(0, 50), ids.slice(50, 100), 'the allotted orders stay first');
    assert.equal(line.slice(50), [gold, ...ids.slice(100)], 'the gold order heads what still waits');
    cancelOrder(fulcrum, ids[60]!, 'changed mind');
    assert.equal(claimsOf(fulcrum, 'PO-1').filter(([id]) => id === gold).length, 1);
    assert.ok(fulcrum.supply.inbound('PO-1')!.context.allotted!.some(([id]) => id === gold), 'the unit given back went to the next in line');
    await fulcrum.supply.allocating();
    const waiting = [...ids, gold].filter((id) => waitingOf(fulcrum, id).length > 0);
    assert.equal(waiting, ids.slice(100), 'all allotted orders sourced, the gold one too; the last 20 still wait');
    const p = fulcrum.engine.position('MUC', 'P')!;
    assert.equal([p.reserved, p.sellable], [100, 0]);
    assert.equal(fulcrum.supply.inbound('PO-1')!.context.held, {});
  }, network);
});

test.run();
