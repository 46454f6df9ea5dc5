import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DomainError } from '../../../src/domain/errors.js';
import { placeOrder } from '../../../src/orders/index.js';
import { sourcingDecisions } from '../../../src/sourcing/index.js';
import { upsertPool } from '../../../src/stock/index.js';
import { BERLIN, PLACES, reservedAt, seedNetwork, withEngine } from './world.js';

test('one farther location holding everything beats two near ones: the fixed cost per shipment', async () => {
  await withEngine(async ({ run: { fulcrum } }) => {
    await seedNetwork(fulcrum, {
      locations: { MITTE: { at: PLACES.mitte }, SPANDAU: { at: PLACES.spandau }, LEIPZIG: { at: PLACES.leipzig } },
      stock: [['MITTE', 'A', 5], ['SPANDAU', 'B', 5], ['LEIPZIG', 'A', 5], ['LEIPZIG', 'B', 5]],
    });
    const placed = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 1 }, { sku: 'B', qty: 1 }] }, 'k');
    await placed.durable;
    const order = placed.value;
    assert.equal(order.fulfilments.map((f) => f.location), ['LEIPZIG']);
    // The decision is stored in the step's transaction: readable once the order is durable.
    const [decision] = sourcingDecisions(fulcrum, order.id);
    const plan = decision!.explanation!.plan!;
    assert.is(plan.terms.shipment, 5, 'one shipment pays the fixed cost once');
    const nearPair = decision!.explanation!.runnerUps.find((r) => [...r.locations].sort().join() === 'MITTE,SPANDAU');
    assert.ok(nearPair, 'the two near locations were the runner-up');
    assert.ok(nearPair!.extraCost > 0 && nearPair!.cost > plan.cost);
  });
});

test('two near locations beat one far one that holds everything when shipping from afar costs more than a second shipment', async () => {
  await withEngine(async ({ run: { fulcrum } }) => {
    await seedNetwork(fulcrum, {
      locations: { MITTE: { at: PLACES.mitte }, SPANDAU: { at: PLACES.spandau }, MUNICH: { at: PLACES.munich } },
      stock: [['MITTE', 'A', 5], ['SPANDAU', 'B', 5], ['MUNICH', 'A', 5], ['MUNICH', 'B', 5]],
    });
    // The foundation's placement took the nearest location holding the whole order (Munich, 500 km away).
    const order = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 5 }, { sku: 'B', qty: 5 }] }, 'k').value;
    assert.equal(order.fulfilments.map((f) => [f.location, f.lines]), [['MITTE', [{ sku: 'A', qty: 5 }]], ['SPANDAU', [{ sku: 'B', qty: 5 }]]]);
    assert.equal([reservedAt(fulcrum, 'MITTE', 'A'), reservedAt(fulcrum, 'SPANDAU', 'B'), reservedAt(fulcrum, 'MUNICH', 'A')], [5, 5, 0]);
  });
});

test('the order records the profile version and the strategy that planned it; express falls through when nothing is near', async () => {
  await withEngine(async ({ run: { fulcrum } }) => {
    await seedNetwork(fulcrum, { locations: { MITTE: { at: PLACES.mitte }, MUNICH: { at: PLACES.munich } }, stock: [['MITTE', 'A', 1], ['MUNICH', 'A', 5]] });
    const near = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, deliveryType: 'express', lines: [{ sku: 'A', qty: 1 }] }, 'k').value;
    assert.equal(near.sourcing, { profile: 'default', version: 1, strategy: 'express' });
    const placed = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, deliveryType: 'express', lines: [{ sku: 'A', qty: 1 }] }, 'k');
    await placed.durable;
    const far = placed.value;
    assert.equal(far.sourcing, { profile: 'default', version: 1, strategy: 'standard' });
    assert.equal(far.fulfilments.map((f) => f.location), ['MUNICH']);
    const attempts = sourcingDecisions(fulcrum, far.id)[0]!.explanation!.attempts!;
    assert.equal(attempts.map((a) => [a.strategyId, a.outcome]), [['express', 'no_plan'], ['standard', 'planned']]);
  });
});

test('an order no location may ship within its split limit is refused with every line by path, and nothing is reserved', async () => {
  await withEngine(async ({ run: { fulcrum } }) => {
    await seedNetwork(fulcrum, { locations: { MITTE: { at: PLACES.mitte }, SPANDAU: { at: PLACES.spandau } }, stock: [['MITTE', 'A', 5], ['SPANDAU', 'B', 5]] });
    try {
      placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 1 }, { sku: 'B', qty: 1 }], split: { allowed: false } }, 'k');
      assert.unreachable('should have been refused');
    } catch (e) {
      assert.instance(e, DomainError);
      const error = e as DomainError;
      assert.is(error.type, 'insufficient_stock');
      assert.match(error.message, /1 location or fewer/);
      assert.equal(error.details.map((d) => [d.path, d.sku]), [['lines[0]', 'A'], ['lines[1]', 'B']]);
    }
    assert.equal([reservedAt(fulcrum, 'MITTE', 'A'), reservedAt(fulcrum, 'SPANDAU', 'B')], [0, 0]);
    assert.is(fulcrum.orders.counters.ordersRejected, 1);
  });
});

test('a pool buffer caps what an order may take even when locations hold more', async () => {
  await withEngine(async ({ run: { fulcrum } }) => {
    await seedNetwork(fulcrum, { locations: { MITTE: { at: PLACES.mitte } }, stock: [['MITTE', 'A', 5]] });
    await upsertPool(fulcrum, { id: 'web', name: 'web', locations: { all: true }, buffer: { units: 2 } }).durable;
    assert.throws(
      () => placeOrder(fulcrum, { customer: { id: 'c' }, pool: 'web', deliverTo: BERLIN, lines: [{ sku: 'A', qty: 4 }] }, 'k'),
      (e: DomainError) => e.type === 'insufficient_stock' && e.details[0]!.available === 3,
    );
    assert.is(placeOrder(fulcrum, { customer: { id: 'c' }, pool: 'web', deliverTo: BERLIN, lines: [{ sku: 'A', qty: 3 }] }, 'k').value.fulfilments.length, 1);
  });
});

test.run();
