import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sendOrderEvent } from '../../src/orders/index.js';
import { createReturn, type ReturnPolicy } from '../../src/returns/index.js';
import { upsertProduct } from '../../src/stock/index.js';
import { tempDataDir } from '../helpers/tmp.js';
import { openWorkflowWorld, seedNetwork, shippedOrder, withWorld, type WorkflowWorld } from '../helpers/workflow-engine.js';
import { refusal } from '../helpers/refusal.js';

const DAY = 86_400_000;

function policy(w: WorkflowWorld, p: Omit<ReturnPolicy, 'updatedAt' | 'windowFrom'> & { windowFrom?: ReturnPolicy['windowFrom'] }): Promise<void> {
  return w.run.fulcrum.returns.policies.put(w.run.fulcrum.engine, { windowFrom: 'shipment', ...p, updatedAt: new Date(w.clock.now()).toISOString() });
}

test('the window counts from shipment: a day inside is accepted, a day past is refused with 409 and the closing time', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    await policy(w, { id: 'standard', windowDays: 30 });
    const a = shippedOrder(w, [{ sku: 'A', qty: 1 }]);
    const b = shippedOrder(w, [{ sku: 'A', qty: 1 }]);
    w.clock.advance(29 * DAY);
    createReturn(fulcrum, { orderId: a.id, lines: [{ sku: 'A', qty: 1 }], reason: 'too_big' }, 'k');
    w.clock.advance(2 * DAY);
    const late = refusal(() => createReturn(fulcrum, { orderId: b.id, lines: [{ sku: 'A', qty: 1 }], reason: 'too_big' }, 'k'));
    assert.is(late.type, 'invalid_state');
    assert.match(late.details[0]!.message, /the return window closed 2026-12-27T09:00:00.000Z \(policy 'standard': 30 days after shipment\)/);
  });
});

test('a window from delivery has not started before the delivery, and closes after it', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    await policy(w, { id: 'from-delivery', windowDays: 14, windowFrom: 'delivery' });
    const order = shippedOrder(w, [{ sku: 'A', qty: 2 }]);
    w.clock.advance(40 * DAY);
    createReturn(fulcrum, { orderId: order.id, lines: [{ sku: 'A', qty: 1 }], reason: 'x' }, 'k');
    sendOrderEvent(fulcrum, order.id, { type: 'delivered' });
    assert.is((fulcrum.engine.entityState('order', order.id)!.state.context as { deliveredAt?: string }).deliveredAt, new Date(w.clock.now()).toISOString());
    w.clock.advance(15 * DAY);
    assert.is(refusal(() => createReturn(fulcrum, { orderId: order.id, lines: [{ sku: 'A', qty: 1 }], reason: 'x' }, 'k')).type, 'invalid_state');
  });
});

test('reasons, non-returnable SKUs and categories; the most specific policy wins; every line at fault is named', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    await upsertProduct(fulcrum, { sku: 'A', name: 'A', attributes: { category: 'shoes' } }).durable;
    await upsertProduct(fulcrum, { sku: 'B', name: 'B', attributes: { category: 'food' } }).durable;
    await policy(w, { id: 'default', windowDays: 30, reasons: ['too_big', 'damaged'], nonReturnable: { categories: ['food'] } });
    await policy(w, { id: 'shoes', category: 'shoes', windowDays: 100, reasons: ['too_big', 'too_small'] });
    await policy(w, { id: 'web-shoes', channel: 'web', category: 'shoes', windowDays: 60, reasons: ['too_small'], nonReturnable: { skus: ['A'] } });
    const order = shippedOrder(w, [{ sku: 'A', qty: 2 }]);
    const bad = refusal(() => createReturn(fulcrum, { orderId: order.id, lines: [{ sku: 'A', qty: 1, reason: 'damaged' }, { sku: 'A', qty: 1 }] }, 'k'));
    assert.is(bad.type, 'invalid_request');
    assert.equal(bad.details.map((d) => d.path), ['lines[0].reason', 'lines[1].reason']);
    assert.match(bad.details[0]!.message, /unknown reason 'damaged'; policy 'shoes' accepts too_big, too_small/);
    const ok = createReturn(fulcrum, { orderId: order.id, lines: [{ sku: 'A', qty: 1, reason: 'too_small' }], reason: 'too_big' }, 'k').value;
    const lines = (fulcrum.engine.entityState('return', ok.id)!.state.context as { lines: unknown }).lines as Array<{ reason: string; policy: string }>;
    assert.equal(lines, [{ sku: 'A', qty: 1, reason: 'too_small', policy: 'shoes', category: 'shoes', shippedFrom: 'BER' }]);
    assert.is(refusal(() => policy(w, { id: 'other', category: 'shoes', windowDays: 1 })).type, 'conflict');
    // Food never comes back.
    const food = shippedOrder(w, [{ sku: 'B', qty: 1 }]);
    const never = refusal(() => createReturn(fulcrum, { orderId: food.id, lines: [{ sku: 'B', qty: 1, reason: 'damaged' }] }, 'k'));
    assert.match(never.details[0]!.message, /B cannot be returned \(policy 'default'\)/);
  });
});

test('policies are kept across a restart', async () => {
  const { dir, cleanup } = tempDataDir();
  try {
    let w = await openWorkflowWorld(dir);
    await seedNetwork(w);
    await policy(w, { id: 'p', windowDays: 7, reasons: ['x'] });
    const order = shippedOrder(w, [{ sku: 'A', qty: 1 }]);
    await w.run.close();
    w = await openWorkflowWorld(dir, { clock: w.clock });
    try {
      assert.is(w.run.fulcrum.returns.policies.get('p')?.windowDays, 7);
      assert.is(refusal(() => createReturn(w.run.fulcrum, { orderId: order.id, lines: [{ sku: 'A', qty: 1 }], reason: 'y' }, 'k')).type, 'invalid_request');
      w.clock.advance(8 * DAY);
      assert.is(refusal(() => createReturn(w.run.fulcrum, { orderId: order.id, lines: [{ sku: 'A', qty: 1 }], reason: 'x' }, 'k')).type, 'invalid_state');
    } finally {
      await w.run.close();
    }
  } finally {
    cleanup();
  }
});

test.run();
