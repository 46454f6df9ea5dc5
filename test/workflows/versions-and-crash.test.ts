import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { listAlerts } from '../../src/alerts/index.js';
import { placeOrder, sendOrderEvent } from '../../src/orders/index.js';
import { upsertProduct } from '../../src/stock/index.js';
import { orderHomeDelivery } from '../../src/workflows/defaults/order-home-delivery.js';
import { tempDataDir } from '../helpers/tmp.js';
import { openWorkflowWorld, seedNetwork, testClock } from '../helpers/workflow-engine.js';

const BERLIN = { lat: 52.5, lon: 13.4, country: 'DE' };

test('an order started on v1 finishes on v1 after v2 is activated; new orders take v2', async () => {
  const { dir, cleanup } = tempDataDir();
  const w = await openWorkflowWorld(dir);
  try {
    await seedNetwork(w);
    const { fulcrum } = w.run;
    const old = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 1 }] }, 'k').value;
    // v2: no payment step at all.
    const v2 = structuredClone(orderHomeDelivery) as unknown as { states: Record<string, unknown> };
    v2.states.placed = { always: [{ target: 'fulfilling' }] };
    for (const s of ['fraud_check', 'awaiting_payment', 'awaiting_stock', 'awaiting_allocation', 'embroidery', 'gift_wrap']) delete v2.states[s];
    const created = w.catalog.put('order', 'home-delivery', v2, new Date().toISOString());
    assert.is(created.value.version, 2);
    assert.is(created.value.status, 'draft');
    assert.is(placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 1 }] }, 'k').value.workflow, 'order/home-delivery@1', 'a draft does not run');
    await w.catalog.activate('order', 'home-delivery', 2, new Date().toISOString()).durable;
    const fresh = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 1 }] }, 'k').value;
    assert.is(fresh.workflow, 'order/home-delivery@2');
    assert.is(fresh.status, 'fulfilling');
    sendOrderEvent(fulcrum, old.id, { type: 'payment.authorized' });
    assert.is(fulcrum.orders.get(old.id)!.workflow, 'order/home-delivery@1');
    assert.is(fulcrum.orders.get(old.id)!.status, 'fulfilling', 'v1 still waits for payment, and took it');
    await w.run.close();

    const again = await openWorkflowWorld(dir);
    assert.is(again.run.fulcrum.orders.get(old.id)!.workflow, 'order/home-delivery@1', 'v1 is still loadable after a restart');
    assert.is(again.catalog.select('order', { deliveryType: 'home' }), 'order/home-delivery@2');
    await again.run.close();
  } finally {
    cleanup();
  }
});

test('SLA warn and escalate fire exactly once across a crash (recovery from the journal alone)', async () => {
  const { dir, cleanup } = tempDataDir();
  const clock = testClock();
  try {
    const first = await openWorkflowWorld(dir, { clock });
    await seedNetwork(first);
    await upsertProduct(first.run.fulcrum, { sku: 'A', name: 'A', attributes: { price: 2000 } }).durable;
    const order = placeOrder(first.run.fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 1 }] }, 'k');
    await order.durable;
    first.advance(16 * 60_000);
    await first.run.fulcrum.engine.store.root.flushed;
    // Crash: no final snapshot pass, the process state is simply gone.
    await first.run.snapshotter.stop();
    first.run.fulcrum.engine.stopTimers();
    await first.run.fulcrum.engine.store.root.close();

    clock.advance(2 * 3_600_000); // the escalation came due while the server was down
    const second = await openWorkflowWorld(dir, { clock });
    assert.is(second.advance(0), 1, 'the escalation that came due while down fires once after the restart');
    assert.is(second.advance(3_600_000), 0);
    const alerts = listAlerts(second.run.fulcrum, { entity: `order/${order.value.id}`, limit: 10 });
    assert.equal(alerts.map((a) => [a.alert, a.severity]), [['fraud-check-late', 'critical']], 'one alert: warned once, escalated once');
    await second.run.close();

    const third = await openWorkflowWorld(dir, { clock });
    assert.is(third.advance(24 * 3_600_000), 0, 'nothing fires again after another restart');
    assert.is(listAlerts(third.run.fulcrum, { entity: `order/${order.value.id}`, limit: 10 }).length, 1);
    await third.run.close();
  } finally {
    cleanup();
  }
});

test.run();
