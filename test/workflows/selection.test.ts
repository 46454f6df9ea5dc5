import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { orderHomeDelivery } from '../../src/workflows/defaults/order-home-delivery.js';
import { withWorld, type WorkflowWorld } from '../helpers/workflow-engine.js';

const NOW = '2026-12-04T11:00:00.000Z';

/** Stores and activates a copy of the home-delivery workflow under `name`, changed by `patch`. */
async function install(w: WorkflowWorld, name: string, patch: Record<string, unknown>): Promise<string> {
  const doc = { ...structuredClone(orderHomeDelivery), ...patch };
  const { value } = w.catalog.put('order', name, doc, NOW);
  await w.catalog.activate('order', name, value.version, NOW).durable;
  return `order/${name}@${value.version}`;
}

test('selection takes the highest priority, then the lower name, and follows every change at once', () =>
  withWorld(async (w) => {
    assert.is(w.catalog.select('order', { deliveryType: 'home' }), 'order/home-delivery@1');
    // Same priority as the default: the lower name wins.
    const a = await install(w, 'a-home', {});
    assert.is(w.catalog.select('order', { deliveryType: 'home' }), a);
    assert.is(w.catalog.select('order', { deliveryType: 'collect' }), 'order/click-collect@1', 'other delivery types are unaffected');
    // A higher priority wins over a lower name, as soon as it is active (a draft changes nothing).
    const draft = w.catalog.put('order', 'z-vip', { ...structuredClone(orderHomeDelivery), priority: 5 }, NOW);
    assert.is(w.catalog.select('order', { deliveryType: 'home' }), a, 'a draft is not selected');
    await w.catalog.activate('order', 'z-vip', draft.value.version, NOW).durable;
    assert.is(w.catalog.select('order', { deliveryType: 'home' }), 'order/z-vip@1');
    // Narrowed by attributes and channel: only matching orders take it.
    const web = await install(w, 'web-gold', { priority: 9, appliesTo: { channel: ['web'], attributes: { tier: 'gold' } } });
    assert.is(w.catalog.select('order', { channel: 'web', deliveryType: 'home', attributes: { tier: 'gold' } }), web);
    assert.is(w.catalog.select('order', { channel: 'web', deliveryType: 'home', attributes: { tier: 'silver' } }), 'order/z-vip@1');
    assert.is(w.catalog.select('order', { channel: 'app', deliveryType: 'home', attributes: { tier: 'gold' } }), 'order/z-vip@1');
    // A new active version replaces the old one in the selection.
    const lowered = await install(w, 'z-vip', { priority: -5 });
    assert.is(lowered, 'order/z-vip@2');
    assert.is(w.catalog.select('order', { deliveryType: 'home' }), a);
    assert.is(w.catalog.select('transfer', {}), 'transfer/standard@1', 'each kind selects among its own');
  }));

test.run();
