import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { alertView, listAlerts } from '../../src/alerts/index.js';
import { cancelOrder, placeOrder, sendEntityEvent, sendOrderEvent } from '../../src/orders/index.js';
import { upsertProduct } from '../../src/stock/index.js';
import { withWorld, type WorkflowWorld } from '../helpers/workflow-engine.js';

const BERLIN = { lat: 52.5, lon: 13.4, country: 'DE' };
const MIN = 60_000;

function entity(w: WorkflowWorld, kind: 'fulfilment', id: string) {
  return w.run.fulcrum.engine.entityState(kind, id)!;
}

test('home delivery: payment, fulfilment by location, shipped, delivered; stock moves with it', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const order = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 2 }] }, 'k').value;
    assert.is(order.workflow, 'order/home-delivery@1');
    assert.is(order.status, 'awaiting_payment');
    assert.equal(w.webhooks.map((e) => e.type), ['payment.requested']);
    assert.is(fulcrum.engine.position('BER', 'A')!.reserved, 2, 'reserved at intake');

    sendOrderEvent(fulcrum, order.id, { type: 'payment.authorized' });
    const fulfilling = fulcrum.orders.get(order.id)!;
    assert.is(fulfilling.status, 'fulfilling');
    const fid = fulfilling.fulfilments[0]!.id;
    assert.is(fulfilling.fulfilments[0]!.status, 'released');
    assert.is(entity(w, 'fulfilment', fid).state.value, 'created');

    for (const type of ['accepted', 'picked', 'packed']) sendEntityEvent(fulcrum, 'fulfilment', fid, { type });
    assert.is(fulcrum.orders.get(order.id)!.fulfilments[0]!.status, 'packed');
    sendEntityEvent(fulcrum, 'fulfilment', fid, { type: 'shipped' });
    const shipped = fulcrum.orders.get(order.id)!;
    assert.is(shipped.status, 'shipped');
    const p = fulcrum.engine.position('BER', 'A')!;
    assert.equal([p.reserved, p.shipped], [0, 2]);
    assert.ok(w.webhooks.some((e) => e.type === 'payment.capture.requested'));
    assert.ok(w.webhooks.some((e) => e.type === 'order.shipped'));

    sendOrderEvent(fulcrum, order.id, { type: 'delivered' });
    assert.is(fulcrum.orders.get(order.id)!.status, 'delivered');
    assert.ok(w.webhooks.filter((e) => e.type === 'customer.notification').length >= 2);
  });
});

test('a high-value order waits for the fraud check; its SLA warns at 15 min and escalates at 1 h, once each', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    await upsertProduct(fulcrum, { sku: 'A', name: 'A', attributes: { price: 600 } }).durable;
    const order = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 2 }] }, 'k').value;
    assert.is(order.value, 1200);
    assert.is(order.status, 'fraud_check');
    assert.ok(w.webhooks.some((e) => e.type === 'fraud.check.requested'));
    assert.is(w.advance(14 * MIN), 0);
    assert.is(w.advance(1 * MIN), 1, 'the warning fires at 15 minutes');
    let alerts = listAlerts(fulcrum, { entity: `order/${order.id}`, limit: 10 });
    assert.equal(alerts.map((a) => [a.alert, a.severity, a.status]), [['fraud-check-late', 'warning', 'open']]);
    assert.is(w.advance(30 * MIN), 0);
    assert.is(w.advance(15 * MIN), 1, 'the escalation fires at 1 hour');
    alerts = listAlerts(fulcrum, { entity: `order/${order.id}`, limit: 10 });
    assert.equal(alerts.map((a) => [a.alert, a.severity]), [['fraud-check-late', 'critical']], 'escalated, not duplicated');
    assert.is(w.advance(24 * 60 * MIN), 0, 'nothing fires twice');

    sendOrderEvent(fulcrum, order.id, { type: 'fraud.passed' });
    assert.is(fulcrum.orders.get(order.id)!.status, 'awaiting_payment');
    assert.is(alertView(fulcrum, alerts[0]!.id)!.status, 'resolved', 'leaving the step resolves its SLA alert');
  });
});

test('a rejected fulfilment gives its units back and the lines are sourced elsewhere', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const order = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 3 }] }, 'k').value;
    sendOrderEvent(fulcrum, order.id, { type: 'payment.authorized' });
    const first = fulcrum.orders.get(order.id)!.fulfilments[0]!;
    assert.is(first.location, 'BER');
    sendEntityEvent(fulcrum, 'fulfilment', first.id, { type: 'rejected', reason: 'damaged stock' });
    const after = fulcrum.orders.get(order.id)!;
    assert.equal(after.fulfilments.map((f) => [f.location, f.status]), [['BER', 'rejected'], ['MUC', 'released']]);
    assert.is(fulcrum.engine.position('BER', 'A')!.reserved, 0, 'the rejecting location got its units back');
    assert.is(fulcrum.engine.position('MUC', 'A')!.reserved, 3);
    assert.is(entity(w, 'fulfilment', after.fulfilments[1]!.id).state.value, 'created', 'the new fulfilment runs its own workflow');
  });
});

test('cancelling releases the reservation and cancels open fulfilments; a shipped order cannot be cancelled', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const order = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 1 }, { sku: 'B', qty: 1 }] }, 'k').value;
    sendOrderEvent(fulcrum, order.id, { type: 'payment.authorized' });
    const fs = fulcrum.orders.get(order.id)!.fulfilments;
    sendEntityEvent(fulcrum, 'fulfilment', fs[0]!.id, { type: 'accepted' });
    const cancelled = cancelOrder(fulcrum, order.id, 'customer asked').value;
    assert.is(cancelled.status, 'cancelled');
    assert.is(cancelled.cancelReason, 'customer asked');
    for (const f of fs) assert.is(entity(w, 'fulfilment', f.id).state.value, 'cancelled');
    const reserved = ['BER', 'MUC'].flatMap((l) => ['A', 'B'].map((s) => fulcrum.engine.position(l, s)?.reserved ?? 0));
    assert.equal(reserved, [0, 0, 0, 0]);
    assert.ok(w.webhooks.some((e) => e.type === 'order.cancelled'));
  });
});

test('gift wrap is a manual step with an alert and an SLA', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const order = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 1 }], attributes: { giftWrap: true } }, 'k').value;
    sendOrderEvent(fulcrum, order.id, { type: 'payment.authorized' });
    assert.is(fulcrum.orders.get(order.id)!.status, 'gift_wrap');
    assert.equal(listAlerts(fulcrum, { entity: `order/${order.id}`, limit: 5 }).map((a) => a.alert), ['gift-wrap-requested']);
    w.advance(4 * 60 * MIN);
    assert.ok(listAlerts(fulcrum, { entity: `order/${order.id}`, limit: 5 }).some((a) => a.alert === 'gift-wrap-late'));
    sendOrderEvent(fulcrum, order.id, { type: 'gift_wrap.completed' });
    assert.is(fulcrum.orders.get(order.id)!.status, 'fulfilling');
    assert.is(listAlerts(fulcrum, { entity: `order/${order.id}`, status: 'open', limit: 5 }).length, 0, 'its alerts are resolved');
  });
});

test.run();
