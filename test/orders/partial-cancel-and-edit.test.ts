import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { upsertPurchaseLimit } from '../../src/holds/index.js';
import { cancelOrderLines, editOrder, placeOrder, sendEntityEvent, sendOrderEvent } from '../../src/orders/index.js';
import { sourcingDecisions } from '../../src/sourcing/index.js';
import { withWorld } from '../helpers/workflow-engine.js';
import { refusal } from '../helpers/refusal.js';

const BERLIN = { lat: 52.52, lon: 13.4, country: 'DE' };
const MUNICH = { lat: 48.14, lon: 11.58, country: 'DE' };

test('cancelling part of a line before payment gives the units back at once and shrinks the order and its allocation', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const order = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 3 }] }, 'k').value;
    assert.is(fulcrum.engine.position('BER', 'A')!.reserved, 3);
    const after = cancelOrderLines(fulcrum, order.id, [{ sku: 'A', qty: 2 }], 'customer asked', 'key_ops').value;
    assert.is(fulcrum.engine.position('BER', 'A')!.reserved, 1, 'two units back on the shelf in the same step');
    assert.is(fulcrum.stock.index.ats('default', 'A'), 19);
    assert.equal(after.lines, [{ sku: 'A', qty: 1 }]);
    assert.equal(after.cancelledLines, [{ sku: 'A', qty: 2 }]);
    assert.equal(after.fulfilments.map((f) => [f.location, f.lines]), [['BER', [{ sku: 'A', qty: 1 }]]]);
    assert.is(after.status, 'awaiting_payment', 'the order goes on');
  });
});

test("cancelled units go back to the customer's purchase-limit allowance at once", async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    await upsertPurchaseLimit(fulcrum, { id: 'sale', skus: ['A'], perCustomer: 3, createdAt: '2026-11-27T08:00:00Z' }).durable;
    const order = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 3 }] }, 'k').value;
    assert.is(refusal(() => placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 1 }] }, 'k')).type, 'conflict');
    cancelOrderLines(fulcrum, order.id, [{ sku: 'A', qty: 2 }], 'fewer', 'k');
    assert.is(placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 2 }] }, 'k').value.status, 'awaiting_payment');
    assert.is(refusal(() => placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 1 }] }, 'k')).type, 'conflict');
  });
});

test('after payment a partial cancellation shrinks the fulfilment at its location, and an emptied one is cancelled', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const order = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: MUNICH, lines: [{ sku: 'A', qty: 2 }, { sku: 'B', qty: 1 }] }, 'k').value;
    sendOrderEvent(fulcrum, order.id, { type: 'payment.authorized' });
    const [f] = fulcrum.orders.get(order.id)!.fulfilments;
    assert.is(f!.location, 'MUC');
    sendEntityEvent(fulcrum, 'fulfilment', f!.id, { type: 'accepted' });
    cancelOrderLines(fulcrum, order.id, [{ sku: 'A', qty: 1 }], 'out of budget', 'key_ops');
    const entity = fulcrum.engine.entityState('fulfilment', f!.id)!;
    assert.equal((entity.state.context as { lines: unknown }).lines, [{ sku: 'A', qty: 1 }, { sku: 'B', qty: 1 }], 'the location now picks one A');
    assert.is(entity.state.value, 'accepted');
    assert.is(fulcrum.engine.position('MUC', 'A')!.reserved, 1);

    cancelOrderLines(fulcrum, order.id, [{ sku: 'B', qty: 1 }], 'no longer needed', 'key_ops');
    for (const type of ['picked', 'packed', 'shipped']) sendEntityEvent(fulcrum, 'fulfilment', f!.id, { type });
    const shipped = fulcrum.orders.get(order.id)!;
    assert.is(shipped.status, 'shipped', 'what was left shipped');
    const a = fulcrum.engine.position('MUC', 'A')!;
    const b = fulcrum.engine.position('MUC', 'B')!;
    assert.equal([a.reserved, a.shipped, b.reserved, b.shipped], [0, 1, 0, 0], 'exactly the units left were shipped');
  });
});

test('cancelling every unit of one fulfilment closes it; the rest of the order ships on', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    // 12 A: Berlin holds 10, so the order splits over Berlin and Munich.
    const order = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 12 }] }, 'k').value;
    assert.is(order.fulfilments.length, 2);
    sendOrderEvent(fulcrum, order.id, { type: 'payment.authorized' });
    const small = fulcrum.orders.get(order.id)!.fulfilments.find((f) => f.lines[0]!.qty === 2)!;
    const big = fulcrum.orders.get(order.id)!.fulfilments.find((f) => f.lines[0]!.qty === 10)!;
    cancelOrderLines(fulcrum, order.id, [{ sku: 'A', qty: 2 }], 'only ten', 'key_ops');
    assert.is(fulcrum.engine.entityState('fulfilment', small.id)!.state.value, 'cancelled', 'the newest fulfilment gave its units up whole');
    assert.is(fulcrum.orders.get(order.id)!.fulfilments.find((f) => f.id === small.id)!.status, 'cancelled');
    for (const type of ['accepted', 'picked', 'packed', 'shipped']) sendEntityEvent(fulcrum, 'fulfilment', big.id, { type });
    assert.is(fulcrum.orders.get(order.id)!.status, 'shipped');
  });
});

test('asking to cancel every unit of an order that shipped nothing cancels the order', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const order = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 2 }] }, 'k').value;
    const after = cancelOrderLines(fulcrum, order.id, [{ sku: 'A', qty: 2 }], 'all of it', 'key_ops').value;
    assert.is(after.status, 'cancelled');
    assert.is(after.cancelReason, 'all of it');
    assert.is(fulcrum.engine.position('BER', 'A')!.reserved, 0);
  });
});

test('a partial cancellation is refused with 409 for shipped units, for more than is left, and for a finished order, changing nothing', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const order = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: MUNICH, lines: [{ sku: 'A', qty: 2 }, { sku: 'B', qty: 1 }] }, 'k').value;
    const tooMany = refusal(() => cancelOrderLines(fulcrum, order.id, [{ sku: 'B', qty: 1 }, { sku: 'A', qty: 3 }], 'x', 'k'));
    assert.is(tooMany.type, 'invalid_state');
    assert.equal(tooMany.details.map((d) => d.path), ['lines[1].qty']);
    assert.match(tooMany.details[0]!.message, /3 asked, 2 of 'A' not yet shipped/);
    assert.is(fulcrum.engine.position('MUC', 'B')!.reserved, 1, 'the valid line was not applied either');

    sendOrderEvent(fulcrum, order.id, { type: 'payment.authorized' });
    const f = fulcrum.orders.get(order.id)!.fulfilments[0]!;
    for (const type of ['accepted', 'picked', 'packed', 'shipped']) sendEntityEvent(fulcrum, 'fulfilment', f.id, { type });
    const shipped = refusal(() => cancelOrderLines(fulcrum, order.id, [{ sku: 'A', qty: 1 }], 'x', 'k'));
    assert.is(shipped.type, 'invalid_state');
    assert.match(shipped.details[0]!.message, /1 asked, 0 of 'A' not yet shipped/);
    sendOrderEvent(fulcrum, order.id, { type: 'delivered' });
    assert.is(refusal(() => cancelOrderLines(fulcrum, order.id, [{ sku: 'A', qty: 1 }], 'x', 'k')).type, 'invalid_state');
  });
});

test('an edit to a destination nearer another location sources the order again there, and says why', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const order = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 2 }] }, 'k').value;
    assert.equal(order.fulfilments.map((f) => f.location), ['BER']);
    const committed = editOrder(fulcrum, order.id, { deliverTo: MUNICH, reason: 'customer moved' }, 'key_ops');
    const edited = committed.value;
    // Decisions and the timeline are read from the store: visible once the step's transaction committed.
    await committed.durable;
    assert.equal(edited.deliverTo, MUNICH);
    assert.equal(edited.fulfilments.map((f) => [f.id, f.location, f.status]), [[`${order.id}-1`, 'BER', 'cancelled'], [`${order.id}-2`, 'MUC', 'created']]);
    assert.equal([fulcrum.engine.position('BER', 'A')!.reserved, fulcrum.engine.position('MUC', 'A')!.reserved], [0, 2], 'the reservation moved');
    const decisions = sourcingDecisions(fulcrum, order.id);
    assert.equal(decisions.map((d) => [d.kind, d.fulfilments]), [['intake', [`${order.id}-1`]], ['edit', [`${order.id}-2`]]]);
    const page = fulcrum.timeline.page('order', order.id, { limit: 50 });
    const event = page.items.find((e) => e.event.type === 'order.edited')!.event;
    assert.is(event.resourced, true);
    assert.match(String(event.why), /MUC \(2 A\) instead of BER \(2 A\)/);

    sendOrderEvent(fulcrum, order.id, { type: 'payment.authorized' });
    const f = fulcrum.orders.get(order.id)!.fulfilments.find((x) => x.status === 'released')!;
    assert.is(f.location, 'MUC', 'only the new fulfilment was handed to a location');
  });
});

test('an edit whose best plan is the current one moves nothing and records that it was kept', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const order = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 2 }] }, 'k').value;
    const committed = editOrder(fulcrum, order.id, { deliverTo: { lat: 52.4, lon: 13.1, country: 'DE' } }, 'key_ops');
    const edited = committed.value;
    await committed.durable;
    assert.equal(edited.fulfilments, order.fulfilments);
    assert.equal(edited.deliverTo, { lat: 52.4, lon: 13.1, country: 'DE' });
    const event = fulcrum.timeline.page('order', order.id, { limit: 50 }).items.find((e) => e.event.type === 'order.edited')!.event;
    assert.is(event.resourced, false);
    assert.match(String(event.why), /is the one the order holds/);
  });
});

test('an edit is refused with 409 once a fulfilment is with its location, changing nothing', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const order = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 2 }] }, 'k').value;
    sendOrderEvent(fulcrum, order.id, { type: 'payment.authorized' });
    const e = refusal(() => editOrder(fulcrum, order.id, { deliverTo: MUNICH }, 'k'));
    assert.is(e.type, 'invalid_state');
    assert.match(e.message, /being fulfilled/);
    assert.match(e.details[0]!.message, /is released/);
    assert.equal(fulcrum.orders.get(order.id)!.deliverTo, BERLIN);
  });
});

test.run();
