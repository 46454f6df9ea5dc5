import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor } from 'xstate';
import { orderMachine, type OrderContext, type OrderEffect } from '../../actors/index.js';

const context: OrderContext = {
  id: 'o1',
  channel: 'web',
  pool: 'default',
  customer: { id: 'c' },
  deliverTo: { lat: 1, lon: 1, country: 'DE' },
  deliveryType: 'home',
  lines: [{ sku: 'A', qty: 2 }, { sku: 'B', qty: 1 }],
  split: { allowed: true, maxShipments: 3, splitLines: true },
  attributes: {},
  createdAt: 't0',
  createdBy: 'k',
  updatedAt: 't0',
  fulfilments: [
    { id: 'o1-1', location: 'L1', lines: [{ sku: 'A', qty: 2 }], status: 'created' },
    { id: 'o1-2', location: 'L2', lines: [{ sku: 'B', qty: 1 }], status: 'created' },
  ],
};

function reserved() {
  const effects: OrderEffect[] = [];
  const actor = createActor(orderMachine, { snapshot: orderMachine.resolveState({ value: 'reserved', context }), input: context });
  actor.on('*', (e) => effects.push(e as OrderEffect));
  return { actor: actor.start(), effects };
}

test('shipping each fulfilment moves through partially_shipped to shipped, asking locations to ship', () => {
  const { actor, effects } = reserved();
  actor.send({ type: 'picked', fulfilmentId: 'o1-1', at: 't1' });
  actor.send({ type: 'shipped', fulfilmentId: 'o1-1', at: 't2' });
  assert.is(actor.getSnapshot().value, 'partially_shipped');
  actor.send({ type: 'shipped', fulfilmentId: 'o1-2', at: 't3' });
  assert.is(actor.getSnapshot().value, 'shipped');
  assert.equal(effects, [
    { type: 'stock.ship', ref: 'o1', location: 'L1', lines: [{ sku: 'A', qty: 2 }] },
    { type: 'stock.ship', ref: 'o1', location: 'L2', lines: [{ sku: 'B', qty: 1 }] },
  ]);
  actor.send({ type: 'delivered', at: 't4' });
  assert.is(actor.getSnapshot().status, 'done');
  assert.is(actor.getSnapshot().context.updatedAt, 't4');
});

test('cancel releases every unshipped fulfilment', () => {
  const { actor, effects } = reserved();
  actor.send({ type: 'order.cancelled', reason: 'customer', at: 't1' });
  assert.is(actor.getSnapshot().value, 'cancelled');
  assert.equal(effects.map((e) => [e.type, e.location]), [['stock.release', 'L1'], ['stock.release', 'L2']]);
  assert.ok(actor.getSnapshot().context.fulfilments.every((f) => f.status === 'cancelled'));
});

test('a step out of order is refused: picking a shipped fulfilment, shipping an unknown one', () => {
  const { actor } = reserved();
  actor.send({ type: 'shipped', fulfilmentId: 'o1-1', at: 't1' });
  const before = actor.getSnapshot();
  actor.send({ type: 'picked', fulfilmentId: 'o1-1', at: 't2' });
  actor.send({ type: 'shipped', fulfilmentId: 'nope', at: 't2' });
  assert.is(actor.getSnapshot(), before);
  assert.not.ok(before.can({ type: 'order.cancelled', reason: 'x', at: 't' }), 'no cancel once something shipped');
});

test('the same events give the same state (determinism)', () => {
  const run = () => {
    const { actor } = reserved();
    actor.send({ type: 'packed', fulfilmentId: 'o1-2', at: 't1' });
    actor.send({ type: 'shipped', fulfilmentId: 'o1-2', at: 't2' });
    return JSON.stringify([actor.getSnapshot().value, actor.getSnapshot().context]);
  };
  assert.is(run(), run());
});

test.run();
