import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Fulcrum } from '../../../src/fulcrum/index.js';
import { cancelOrder, placeOrder, sendOrderEvent } from '../../../src/orders/index.js';
import { sourcingDecisions } from '../../../src/sourcing/index.js';
import { BERLIN, PLACES, seedNetwork, withEngine } from './world.js';

const HOUR = 3_600_000;

/** Places a one-unit order and returns where it ships from and why the others did not. */
async function order(fulcrum: Fulcrum): Promise<{ id: string; from: string[]; excluded: string[] }> {
  const placed = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 1 }] }, 'k');
  await placed.durable;
  const explanation = sourcingDecisions(fulcrum, placed.value.id)[0]!.explanation!;
  return {
    id: placed.value.id,
    from: placed.value.fulfilments.map((f) => f.location),
    excluded: explanation.excluded.locations.flatMap((l) => l.reasons.map((r) => `${l.location}: ${r}`)),
  };
}

test('a location at its open-order limit is passed over until its order ships, across a restart', async () => {
  await withEngine(async (world) => {
    await seedNetwork(world.run.fulcrum, {
      locations: { MITTE: { at: PLACES.mitte, info: { capacity: { maxOpenOrders: 1 } } }, SPANDAU: { at: PLACES.spandau } },
      stock: [['MITTE', 'A', 10], ['SPANDAU', 'A', 10]],
    });
    const first = await order(world.run.fulcrum);
    assert.equal(first.from, ['MITTE']);
    const second = await order(world.run.fulcrum);
    assert.equal(second.from, ['SPANDAU']);
    assert.equal(second.excluded, ['MITTE: open-order limit reached: 1/1 open orders']);

    await world.reopen();
    assert.equal((await order(world.run.fulcrum)).from, ['SPANDAU'], 'the open order is counted again after a restart');

    const { fulcrum } = world.run;
    const fulfilment = fulcrum.orders.get(first.id)!.fulfilments[0]!.id;
    await sendOrderEvent(fulcrum, first.id, { type: 'shipped', fulfilmentId: fulfilment }).durable;
    assert.equal((await order(fulcrum)).from, ['MITTE'], 'shipping frees the slot');
  });
});

test('daily capacity counts the orders taken today, cancelled ones too, and starts again the next day', async () => {
  await withEngine(async (world) => {
    await seedNetwork(world.run.fulcrum, {
      locations: { MITTE: { at: PLACES.mitte, info: { capacity: { dailyOrders: 1 } } }, SPANDAU: { at: PLACES.spandau } },
      stock: [['MITTE', 'A', 10], ['SPANDAU', 'A', 10]],
    });
    const first = await order(world.run.fulcrum);
    assert.equal(first.from, ['MITTE']);
    await cancelOrder(world.run.fulcrum, first.id, 'changed mind').durable;
    const second = await order(world.run.fulcrum);
    assert.equal(second.from, ['SPANDAU']);
    assert.equal(second.excluded, ['MITTE: daily order capacity reached: 1/1 orders today']);

    await world.reopen();
    assert.equal((await order(world.run.fulcrum)).from, ['SPANDAU'], "today's orders are counted again after a restart, the finished one included");

    world.clock.advance(24 * HOUR);
    assert.equal((await order(world.run.fulcrum)).from, ['MITTE'], 'a new day, a new allowance');
  });
});

test.run();
