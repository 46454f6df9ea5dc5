import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { placeOrder, sendEntityEvent, sendOrderEvent } from '../../src/orders/index.js';
import { createReturn, sendReturnEvent } from '../../src/returns/index.js';
import { createTransfer } from '../../src/transfers/index.js';
import { DomainError } from '../../src/domain/errors.js';
import { isConserved } from '../../src/domain/position.js';
import { shippedOrder, withWorld, type WorkflowWorld } from '../helpers/workflow-engine.js';

const HOUR = 3_600_000;

function collectOrder(w: WorkflowWorld) {
  const { fulcrum } = w.run;
  const order = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: { lat: 48.1, lon: 11.6, country: 'DE' }, deliveryType: 'collect', collectAt: 'MUC', lines: [{ sku: 'B', qty: 2 }] }, 'k').value;
  sendOrderEvent(fulcrum, order.id, { type: 'payment.authorized' });
  const fid = fulcrum.orders.get(order.id)!.fulfilments[0]!.id;
  for (const type of ['accepted', 'picked', 'packed', 'ready']) sendEntityEvent(fulcrum, 'fulfilment', fid, { type });
  return { order, fid };
}

test('click & collect: prepared at the store, ready for collection, collected', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const { order, fid } = collectOrder(w);
    assert.is(order.workflow, 'order/click-collect@1');
    assert.is(fulcrum.orders.get(order.id)!.fulfilments[0]!.location, 'MUC');
    assert.is(fulcrum.orders.get(order.id)!.status, 'ready_for_collection');
    assert.ok(w.webhooks.some((e) => e.type === 'customer.notification' && (e.data as { template: string }).template === 'ready-for-collection'));
    sendEntityEvent(fulcrum, 'fulfilment', fid, { type: 'collected' });
    assert.is(fulcrum.orders.get(order.id)!.status, 'collected');
    assert.equal([fulcrum.engine.position('MUC', 'B')!.reserved, fulcrum.engine.position('MUC', 'B')!.shipped], [0, 2]);
  });
});

test('click & collect: not collected within 3 days expires and returns the stock', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const { order, fid } = collectOrder(w);
    assert.is(w.advance(71 * HOUR), 0);
    assert.is(w.advance(1 * HOUR), 1);
    const expired = fulcrum.orders.get(order.id)!;
    assert.is(expired.status, 'expired');
    assert.is(expired.cancelReason, 'not collected in time');
    assert.is(fulcrum.engine.position('MUC', 'B')!.reserved, 0);
    assert.is(fulcrum.engine.entityState('fulfilment', fid)!.state.value, 'cancelled');
  });
});

test('a return is received, inspected and restocked, then refunded', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const order = shippedOrder(w, [{ sku: 'A', qty: 2 }]);
    assert.throws(() => createReturn(fulcrum, { orderId: order.id, lines: [{ sku: 'A', qty: 3 }], reason: 'too big' }, 'k'), (e: DomainError) => e.type === 'invalid_request');
    const ret = createReturn(fulcrum, { orderId: order.id, lines: [{ sku: 'A', qty: 1 }], reason: 'too big' }, 'k').value;
    assert.ok(w.webhooks.some((e) => e.type === 'return.requested'));
    assert.throws(() => sendReturnEvent(fulcrum, ret.id, { type: 'received', location: 'NOWHERE' }), (e: DomainError) => e.type === 'invalid_request');
    sendReturnEvent(fulcrum, ret.id, { type: 'received', location: 'BER' });
    assert.throws(() => sendReturnEvent(fulcrum, ret.id, { type: 'inspected', outcome: 'maybe' }), (e: DomainError) => e.type === 'invalid_request');
    const before = fulcrum.engine.position('BER', 'A')!.sellable;
    sendReturnEvent(fulcrum, ret.id, { type: 'inspected', outcome: 'restock' });
    assert.is(fulcrum.engine.position('BER', 'A')!.sellable, before + 1);
    assert.ok(isConserved(fulcrum.engine.position('BER', 'A')!));
    assert.ok(w.webhooks.some((e) => e.type === 'refund.requested'));
    sendReturnEvent(fulcrum, ret.id, { type: 'refund.completed' });
    assert.is(fulcrum.engine.entityState('return', ret.id)!.state.value, 'closed');
  });
});

test('a refurbished return goes into the refurbished status, not on sale', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const order = shippedOrder(w, [{ sku: 'A', qty: 1 }]);
    const ret = createReturn(fulcrum, { orderId: order.id, lines: [{ sku: 'A', qty: 1 }], reason: 'broken' }, 'k').value;
    sendReturnEvent(fulcrum, ret.id, { type: 'received', location: 'MUC' });
    const ats = fulcrum.stock.index.ats('default', 'A');
    sendReturnEvent(fulcrum, ret.id, { type: 'inspected', outcome: 'refurbish' });
    assert.is(fulcrum.engine.position('MUC', 'A')!.other?.refurbishing, 1);
    sendReturnEvent(fulcrum, ret.id, { type: 'refurbishment.completed' });
    assert.is(fulcrum.engine.position('MUC', 'A')!.other?.refurbished, 1);
    assert.is(fulcrum.stock.index.ats('default', 'A'), ats);
  });
});

test('a transfer reserves at the source, ships into transit and is received as sellable', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    assert.throws(() => createTransfer(fulcrum, { from: 'MUC', to: 'BER', lines: [{ sku: 'B', qty: 9 }] }, 'k'), (e: DomainError) => e.type === 'insufficient_stock');
    const t = createTransfer(fulcrum, { from: 'MUC', to: 'BER', lines: [{ sku: 'B', qty: 3 }] }, 'k').value;
    assert.is(fulcrum.engine.position('MUC', 'B')!.reserved, 3);
    sendEntityEvent(fulcrum, 'transfer', t.id, { type: 'shipped' });
    assert.is(fulcrum.engine.position('BER', 'B')!.other?.in_transit, 3);
    assert.is(fulcrum.engine.position('MUC', 'B')!.shipped, 3);
    sendEntityEvent(fulcrum, 'transfer', t.id, { type: 'received' });
    const ber = fulcrum.engine.position('BER', 'B')!;
    assert.equal([ber.sellable, ber.other?.in_transit ?? 0], [3, 0]);
    assert.ok(isConserved(ber) && isConserved(fulcrum.engine.position('MUC', 'B')!));
    assert.is(fulcrum.stock.index.ats('default', 'B'), 5, 'the network total is unchanged');
  });
});

test.run();
