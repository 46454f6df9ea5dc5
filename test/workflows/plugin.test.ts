import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { listAlerts } from '../../src/alerts/index.js';
import { placeOrder, sendOrderEvent } from '../../src/orders/index.js';
import { loadPlugins } from '../../src/sdk/index.js';
import { atelierWorkflow } from '../../src/sdk/examples/embroidery.js';
import { tempDataDir } from '../helpers/tmp.js';
import { openWorkflowWorld, seedNetwork } from '../helpers/workflow-engine.js';

const EXAMPLES = fileURLToPath(new URL('../../src/sdk/examples/', import.meta.url));

test('the example embroidery plugin works end to end: alert to the store, SLA, completion event', async () => {
  const plugins = await loadPlugins(EXAMPLES);
  const embroidery = plugins.find((p) => p.name === 'embroidery')!;
  const { dir, cleanup } = tempDataDir();
  const w = await openWorkflowWorld(dir, { extraRules: [] });
  try {
    for (const r of embroidery.rules ?? []) w.rules.add(r, 'plugin embroidery', 'embroidery');
    await seedNetwork(w);
    const v = w.catalog.put('order', 'atelier', atelierWorkflow, new Date().toISOString());
    await v.durable;
    await w.catalog.activate('order', 'atelier', v.value.version, new Date().toISOString()).durable;
    const { fulcrum } = w.run;
    const order = placeOrder(fulcrum, { channel: 'atelier', customer: { id: 'c' }, deliverTo: { lat: 52.5, lon: 13.4, country: 'DE' }, lines: [{ sku: 'A', qty: 1 }], attributes: { embroidery: 'Happy Birthday' } }, 'k').value;
    assert.is(order.workflow, 'order/atelier@1');
    sendOrderEvent(fulcrum, order.id, { type: 'payment.authorized' });
    assert.is(fulcrum.orders.get(order.id)!.status, 'embroidery');
    const [alert] = listAlerts(fulcrum, { entity: `order/${order.id}`, limit: 5 });
    assert.is(alert!.alert, 'embroidery-requested');
    assert.equal(alert!.data, { store: 'BER', text: 'Happy Birthday' });
    assert.ok(w.webhooks.some((e) => e.type === 'embroidery.requested'));
    w.advance(24 * 3_600_000);
    assert.ok(listAlerts(fulcrum, { entity: `order/${order.id}`, limit: 5 }).some((a) => a.alert === 'embroidery-late' && a.severity === 'warning'));
    sendOrderEvent(fulcrum, order.id, { type: 'embroidery.completed', by: 'anna' });
    const done = fulcrum.orders.get(order.id)!;
    assert.is(done.status, 'fulfilling');
    assert.is(done.attributes.embroideredBy, 'anna');
    assert.is(listAlerts(fulcrum, { entity: `order/${order.id}`, status: 'open', limit: 5 }).length, 0);
    w.advance(48 * 3_600_000);
    assert.is(listAlerts(fulcrum, { entity: `order/${order.id}`, status: 'open', limit: 5 }).length, 0, 'the embroidery SLA stopped with the step');
    assert.ok(listAlerts(fulcrum, { alert: 'fulfilment-not-accepted', limit: 5 }).length > 0, 'while the fulfilment it released now has its own SLA');
  } finally {
    await w.run.close();
    cleanup();
  }
});

test('a plugin guard picks the short path: a monogram has a tighter SLA', async () => {
  const plugins = await loadPlugins(EXAMPLES);
  const { dir, cleanup } = tempDataDir();
  const w = await openWorkflowWorld(dir);
  try {
    for (const r of plugins.find((p) => p.name === 'embroidery')!.rules ?? []) w.rules.add(r, 'plugin embroidery', 'embroidery');
    await seedNetwork(w);
    const v = w.catalog.put('order', 'atelier', atelierWorkflow, new Date().toISOString());
    await w.catalog.activate('order', 'atelier', v.value.version, new Date().toISOString()).durable;
    const { fulcrum } = w.run;
    const order = placeOrder(fulcrum, { channel: 'atelier', customer: { id: 'c' }, deliverTo: { lat: 52.5, lon: 13.4, country: 'DE' }, lines: [{ sku: 'A', qty: 1 }], attributes: { embroidery: 'AB' } }, 'k').value;
    sendOrderEvent(fulcrum, order.id, { type: 'payment.authorized' });
    assert.is(fulcrum.orders.get(order.id)!.status, 'monogram');
    assert.is(w.advance(4 * 3_600_000), 1);
  } finally {
    await w.run.close();
    cleanup();
  }
});

test.run();
