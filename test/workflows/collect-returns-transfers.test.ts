import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createReturn, createTransfer, placeOrder, sendEntityEvent, sendOrderEvent } from '../../src/engine/index.js';
import { DomainError } from '../../src/domain/errors.js';
import { isConserved } from '../../src/domain/position.js';
import { withWorld, type WorkflowWorld } from '../helpers/workflow-engine.js';

const HOUR = 3_600_000;

function collectOrder(w: WorkflowWorld) {
  const { engine } = w.run;
  const order = placeOrder(engine, { customer: { id: 'c' }, deliverTo: { lat: 48.1, lon: 11.6, country: 'DE' }, deliveryType: 'collect', collectAt: 'MUC', lines: [{ sku: 'B', qty: 2 }] }, 'k').value;
  sendOrderEvent(engine, order.id, { type: 'payment.authorized' });
  const fid = engine.order(order.id)!.fulfilments[0]!.id;
  for (const type of ['accepted', 'picked', 'packed', 'ready']) sendEntityEvent(engine, 'fulfilment', fid, { type });
  return { order, fid };
}

test('click & collect: prepared at the store, ready for collection, collected', async () => {
  await withWorld(async (w) => {
    const { engine } = w.run;
    const { order, fid } = collectOrder(w);
    assert.is(order.workflow, 'order/click-collect@1');
    assert.is(engine.order(order.id)!.fulfilments[0]!.location, 'MUC');
    assert.is(engine.order(order.id)!.status, 'ready_for_collection');
    assert.ok(w.webhooks.some((e) => e.type === 'customer.notification' && (e.data as { template: string }).template === 'ready-for-collection'));
    sendEntityEvent(engine, 'fulfilment', fid, { type: 'collected' });
    assert.is(engine.order(order.id)!.status, 'collected');
    assert.equal([engine.position('MUC', 'B')!.reserved, engine.position('MUC', 'B')!.shipped], [0, 2]);
  });
});

test('click & collect: not collected within 3 days expires and returns the stock', async () => {
  await withWorld(async (w) => {
    const { engine } = w.run;
    const { order, fid } = collectOrder(w);
    assert.is(w.advance(71 * HOUR), 0);
    assert.is(w.advance(1 * HOUR), 1);
    const expired = engine.order(order.id)!;
    assert.is(expired.status, 'expired');
    assert.is(expired.cancelReason, 'not collected in time');
    assert.is(engine.position('MUC', 'B')!.reserved, 0);
    assert.is(engine.entityState('fulfilment', fid)!.state.value, 'cancelled');
  });
});

test('a return is received, inspected and restocked, then refunded', async () => {
  await withWorld(async (w) => {
    const { engine } = w.run;
    const order = placeOrder(engine, { customer: { id: 'c' }, deliverTo: { lat: 52.5, lon: 13.4, country: 'DE' }, lines: [{ sku: 'A', qty: 2 }] }, 'k').value;
    assert.throws(() => createReturn(engine, { orderId: order.id, lines: [{ sku: 'A', qty: 3 }], reason: 'too big' }, 'k'), (e: DomainError) => e.type === 'invalid_request');
    const ret = createReturn(engine, { orderId: order.id, lines: [{ sku: 'A', qty: 1 }], reason: 'too big' }, 'k').value;
    assert.ok(w.webhooks.some((e) => e.type === 'return.requested'));
    assert.throws(() => sendEntityEvent(engine, 'return', ret.id, { type: 'received', location: 'NOWHERE' }), (e: DomainError) => e.type === 'invalid_request');
    sendEntityEvent(engine, 'return', ret.id, { type: 'received', location: 'BER' });
    assert.throws(() => sendEntityEvent(engine, 'return', ret.id, { type: 'inspected', outcome: 'maybe' }), (e: DomainError) => e.type === 'invalid_state');
    const before = engine.position('BER', 'A')!.sellable;
    sendEntityEvent(engine, 'return', ret.id, { type: 'inspected', outcome: 'restock' });
    assert.is(engine.position('BER', 'A')!.sellable, before + 1);
    assert.ok(isConserved(engine.position('BER', 'A')!));
    assert.ok(w.webhooks.some((e) => e.type === 'refund.requested'));
    sendEntityEvent(engine, 'return', ret.id, { type: 'refund.completed' });
    assert.is(engine.entityState('return', ret.id)!.state.value, 'closed');
  });
});

test('a refurbished return goes into the refurbished status, not on sale', async () => {
  await withWorld(async (w) => {
    const { engine } = w.run;
    const order = placeOrder(engine, { customer: { id: 'c' }, deliverTo: { lat: 52.5, lon: 13.4, country: 'DE' }, lines: [{ sku: 'A', qty: 1 }] }, 'k').value;
    const ret = createReturn(engine, { orderId: order.id, lines: [{ sku: 'A', qty: 1 }], reason: 'broken' }, 'k').value;
    sendEntityEvent(engine, 'return', ret.id, { type: 'received', location: 'MUC' });
    const ats = engine.index.ats('default', 'A');
    sendEntityEvent(engine, 'return', ret.id, { type: 'inspected', outcome: 'refurbish' });
    assert.is(engine.position('MUC', 'A')!.other?.refurbished, 1);
    assert.is(engine.index.ats('default', 'A'), ats);
  });
});

test('a transfer reserves at the source, ships into transit and is received as sellable', async () => {
  await withWorld(async (w) => {
    const { engine } = w.run;
    assert.throws(() => createTransfer(engine, { from: 'MUC', to: 'BER', lines: [{ sku: 'B', qty: 9 }] }, 'k'), (e: DomainError) => e.type === 'insufficient_stock');
    const t = createTransfer(engine, { from: 'MUC', to: 'BER', lines: [{ sku: 'B', qty: 3 }] }, 'k').value;
    assert.is(engine.position('MUC', 'B')!.reserved, 3);
    sendEntityEvent(engine, 'transfer', t.id, { type: 'shipped' });
    assert.is(engine.position('BER', 'B')!.other?.in_transit, 3);
    assert.is(engine.position('MUC', 'B')!.shipped, 3);
    sendEntityEvent(engine, 'transfer', t.id, { type: 'received' });
    const ber = engine.position('BER', 'B')!;
    assert.equal([ber.sellable, ber.other?.in_transit ?? 0], [3, 0]);
    assert.ok(isConserved(ber) && isConserved(engine.position('MUC', 'B')!));
    assert.is(engine.index.ats('default', 'B'), 5, 'the network total is unchanged');
  });
});

test.run();
