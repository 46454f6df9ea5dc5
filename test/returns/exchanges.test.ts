import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { listAlerts } from '../../src/alerts/index.js';
import type { Refund } from '../../src/domain/refunds.js';
import type { Fulcrum } from '../../src/fulcrum/index.js';
import { placeOrder, sendEntityEvent, sendOrderEvent } from '../../src/orders/index.js';
import { createReturn, sendReturnEvent } from '../../src/returns/index.js';
import { refusal } from '../helpers/refusal.js';
import { tempDataDir } from '../helpers/tmp.js';
import { openWorkflowWorld, seedNetwork, withWorld, type WorkflowWorld } from '../helpers/workflow-engine.js';

const BERLIN = { lat: 52.5, lon: 13.4, country: 'DE' };

/** A paid order of `qty` A at 50.00 a unit with 5.00 shipping, shipped from Berlin. */
function shipped(w: WorkflowWorld, qty: number, customer: Record<string, unknown> = {}): string {
  const { fulcrum } = w.run;
  const order = placeOrder(fulcrum, { customer: { id: 'c', ...customer }, deliverTo: BERLIN, lines: [{ sku: 'A', qty, unitPrice: 50 }], currency: 'EUR', shippingAmount: 5 }, 'k').value;
  sendOrderEvent(fulcrum, order.id, { type: 'payment.authorized' });
  for (const f of fulcrum.orders.get(order.id)!.fulfilments) for (const type of ['accepted', 'picked', 'packed', 'shipped']) sendEntityEvent(fulcrum, 'fulfilment', f.id, { type });
  return order.id;
}

type Ctx = { exchange?: { status: string; orderId?: string; failure?: string; lines: unknown[] }; refunds?: Refund[] };
const ctx = (f: Fulcrum, id: string) => f.engine.entityState('return', id)!.state.context as Ctx;
const state = (f: Fulcrum, id: string) => f.engine.entityState('return', id)!.state.value;
const webhooks = (w: WorkflowWorld, type: string) => w.webhooks.filter((e) => e.type === type);

test('an exchange is placed on receipt, sourced and reserved like any order, skips payment, and settles the replaced units instead of a refund', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const order = shipped(w, 1);
    const ret = createReturn(fulcrum, { orderId: order, lines: [{ sku: 'A', qty: 1 }], reason: 'too_small', exchangeFor: [{ sku: 'B', qty: 1 }] }, 'k').value;
    assert.equal(ctx(fulcrum, ret.id).exchange, { lines: [{ sku: 'B', qty: 1, replaces: 'A' }], status: 'requested' }, 'nothing placed before the units arrive');
    const reservedB = fulcrum.engine.position('MUC', 'B')!.reserved;

    sendReturnEvent(fulcrum, ret.id, { type: 'received', location: 'BER' });
    const exchange = ctx(fulcrum, ret.id).exchange!;
    assert.is(exchange.status, 'placed');
    const replacement = fulcrum.orders.get(exchange.orderId!)!;
    assert.equal(replacement.lines, [{ sku: 'B', qty: 1, unitPrice: 50 }], 'priced as the unit it replaces');
    assert.equal(replacement.attributes, { exchangeOf: ret.id, originalOrder: order });
    assert.is(replacement.status, 'fulfilling', 'no payment asked: the return settles it');
    assert.equal(replacement.fulfilments.map((f) => [f.location, f.status]), [['MUC', 'released']]);
    assert.is(fulcrum.engine.position('MUC', 'B')!.reserved, reservedB + 1, 'reserved by the optimizer at the only location holding B');
    assert.is(webhooks(w, 'return.exchange.placed').length, 1);

    sendReturnEvent(fulcrum, ret.id, { type: 'inspected', outcome: 'restock' });
    const [refund] = ctx(fulcrum, ret.id).refunds!;
    assert.equal([refund!.settledBy, refund!.status, refund!.lines, refund!.total], ['exchange', 'completed', [], 0]);
    assert.is(webhooks(w, 'refund.requested').length, 0, 'nothing to ask of the payment system');
    assert.is(state(fulcrum, ret.id), 'closed');

    for (const type of ['accepted', 'picked', 'packed', 'shipped']) sendEntityEvent(fulcrum, 'fulfilment', replacement.fulfilments[0]!.id, { type });
    assert.is(fulcrum.orders.get(replacement.id)!.status, 'shipped');
    assert.equal(webhooks(w, 'payment.capture.requested').map((e) => (e.data as { orderId: string }).orderId), [order], 'only the original order is captured');
  });
});

test('a partial exchange refunds the units it does not replace, and not shipping (the customer keeps a replacement)', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const order = shipped(w, 2);
    const ret = createReturn(fulcrum, { orderId: order, lines: [{ sku: 'A', qty: 2 }], reason: 'too_small', exchangeFor: [{ sku: 'B', qty: 1, replaces: 'A' }] }, 'k').value;
    sendReturnEvent(fulcrum, ret.id, { type: 'received', location: 'BER' });
    sendReturnEvent(fulcrum, ret.id, { type: 'inspected', outcome: 'restock' });
    const [refund] = ctx(fulcrum, ret.id).refunds!;
    assert.equal([refund!.lines.map((l) => [l.sku, l.qty]), refund!.shipping, refund!.total, refund!.status], [[['A', 1]], 0, 50, 'requested']);
    assert.is(webhooks(w, 'refund.requested').length, 1);
  });
});

test('a trusted customer gets the replacement at once, before the units come back', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const untrusted = createReturn(fulcrum, { orderId: shipped(w, 1), lines: [{ sku: 'A', qty: 1 }], reason: 'x', exchangeFor: [{ sku: 'B', qty: 1 }] }, 'k').value;
    assert.is(ctx(fulcrum, untrusted.id).exchange!.status, 'requested');
    const trusted = createReturn(fulcrum, { orderId: shipped(w, 1, { trusted: true }), lines: [{ sku: 'A', qty: 1 }], reason: 'x', exchangeFor: [{ sku: 'B', qty: 1 }] }, 'k').value;
    assert.is(ctx(fulcrum, trusted.id).exchange!.status, 'placed');
    assert.is(state(fulcrum, trusted.id), 'requested', 'the return itself still waits for the units');
    sendReturnEvent(fulcrum, trusted.id, { type: 'received', location: 'BER' });
    assert.is(webhooks(w, 'return.exchange.placed').length, 1, 'placed once, not again on receipt');
  });
});

test('an exchange stock cannot meet is recorded, alerts, and the return refunds every unit instead', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const order = shipped(w, 1);
    const ret = createReturn(fulcrum, { orderId: order, lines: [{ sku: 'A', qty: 1 }], reason: 'x', exchangeFor: [{ sku: 'B', qty: 1 }] }, 'k').value;
    const before = fulcrum.orders.counters.ordersPlaced;
    // Sell every B first: the exchange finds none.
    placeOrder(fulcrum, { customer: { id: 'other' }, deliverTo: BERLIN, lines: [{ sku: 'B', qty: 5 }] }, 'k');
    sendReturnEvent(fulcrum, ret.id, { type: 'received', location: 'BER' });
    const exchange = ctx(fulcrum, ret.id).exchange!;
    assert.is(exchange.status, 'failed');
    assert.match(exchange.failure!, /stock|short/i);
    assert.is(fulcrum.orders.counters.ordersPlaced, before + 1, 'no replacement order');
    assert.equal(listAlerts(fulcrum, { entity: `return/${ret.id}`, limit: 10 }).map((a) => [a.alert, a.severity]), [['exchange-failed', 'warning']]);
    sendReturnEvent(fulcrum, ret.id, { type: 'inspected', outcome: 'restock' });
    assert.equal(ctx(fulcrum, ret.id).refunds!.map((r) => [r.total, r.status]), [[55, 'requested']]);
  });
});

test('bad exchanges are refused with every fault named, and nothing is opened', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const order = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 2 }, { sku: 'B', qty: 1 }] }, 'k').value;
    sendOrderEvent(fulcrum, order.id, { type: 'payment.authorized' });
    for (const f of fulcrum.orders.get(order.id)!.fulfilments) for (const type of ['accepted', 'picked', 'packed', 'shipped']) sendEntityEvent(fulcrum, 'fulfilment', f.id, { type });
    const ask = (exchangeFor: Array<{ sku: string; qty: number; replaces?: string }>) =>
      refusal(() => createReturn(fulcrum, { orderId: order.id, lines: [{ sku: 'A', qty: 1 }, { sku: 'B', qty: 1 }], reason: 'x', exchangeFor }, 'k'));
    const paths = (e: { details?: Array<{ path?: string }> }) => (e.details ?? []).map((d) => d.path);
    assert.equal(paths(ask([{ sku: 'NOPE', qty: 1, replaces: 'A' }])), ['exchangeFor[0].sku']);
    assert.equal(paths(ask([{ sku: 'B', qty: 1 }])), ['exchangeFor[0].replaces'], 'two SKUs returned: say which one it replaces');
    assert.equal(paths(ask([{ sku: 'B', qty: 1, replaces: 'C' }])), ['exchangeFor[0].replaces']);
    assert.equal(paths(ask([{ sku: 'B', qty: 1, replaces: 'A' }, { sku: 'A', qty: 1, replaces: 'A' }])), ['exchangeFor']);
    assert.is(ask([{ sku: 'NOPE', qty: 1 }]).type, 'invalid_request');
    assert.equal(fulcrum.returns.returnsOf(order.id), [], 'nothing opened');
  });
});

test('a restart after the exchange was placed keeps it, and the refund still leaves it out', async () => {
  const { dir, cleanup } = tempDataDir();
  let w = await openWorkflowWorld(dir);
  try {
    await seedNetwork(w);
    const order = shipped(w, 1);
    const ret = createReturn(w.run.fulcrum, { orderId: order, lines: [{ sku: 'A', qty: 1 }], reason: 'x', exchangeFor: [{ sku: 'B', qty: 1 }] }, 'k').value;
    sendReturnEvent(w.run.fulcrum, ret.id, { type: 'received', location: 'BER' });
    const placed = ctx(w.run.fulcrum, ret.id).exchange!.orderId!;
    await w.run.close();
    w = await openWorkflowWorld(dir, { clock: w.clock });
    const { fulcrum } = w.run;
    assert.is(ctx(fulcrum, ret.id).exchange!.orderId, placed);
    assert.is(fulcrum.orders.get(placed)!.status, 'fulfilling');
    assert.is(fulcrum.engine.position('MUC', 'B')!.reserved, 1, 'its reservation recovered with it');
    sendReturnEvent(fulcrum, ret.id, { type: 'inspected', outcome: 'restock' });
    assert.equal([state(fulcrum, ret.id), ctx(fulcrum, ret.id).refunds![0]!.settledBy], ['closed', 'exchange']);
  } finally {
    await w.run.close();
    cleanup();
  }
});

test.run();
