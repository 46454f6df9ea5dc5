import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Fulcrum } from '../../../src/fulcrum/index.js';
import { placeOrder, placeOrderPooled, type PlaceOrder } from '../../../src/orders/index.js';
import { parseSourcingProfile, sourcingDecisions, SourcingPool } from '../../../src/sourcing/index.js';
import { adjustStock, countStock } from '../../../src/stock/index.js';
import { BERLIN, PLACES, seedNetwork, withEngine, type NetworkSpec } from './world.js';

const DAY = 86_400_000;

/**
 * Two warehouses side by side in Berlin with the same stock of A: only how old it is tells them apart.
 * `A-NEW` sorts first, so it ships whenever age does not count (ties go to the lower id).
 */
const TWINS: NetworkSpec = { locations: { 'A-NEW': { at: PLACES.mitte }, 'B-OLD': { at: PLACES.mitte } }, stock: [], products: { A: {} } };

/** Receives `qty` units of `sku` at `location`, dated `daysAgo` before the world's clock. */
async function receive(f: Fulcrum, now: number, location: string, sku: string, qty: number, daysAgo: number): Promise<void> {
  await adjustStock(f, location, sku, { delta: qty, reason: `goods receipt ${daysAgo} days ago`, receivedAt: new Date(now - daysAgo * DAY).toISOString() }).durable;
}

const ORDER: PlaceOrder = { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 2 }] };
const shippedFrom = (f: Fulcrum, order: PlaceOrder = ORDER) => placeOrder(f, order, 'k').value.fulfilments.map((x) => x.location);

/** Places an order and waits until it (and its decision record) is durable. */
async function placed(f: Fulcrum, order: PlaceOrder = ORDER) {
  const committed = placeOrder(f, order, 'k');
  await committed.durable;
  return committed.value;
}

test('the default profile weights inventory age: the older stock ships when all else is equal, and the decision shows the term', async () => {
  await withEngine(async ({ run: { fulcrum }, clock }) => {
    await seedNetwork(fulcrum, TWINS);
    await receive(fulcrum, clock.now(), 'A-NEW', 'A', 10, 5);
    await receive(fulcrum, clock.now(), 'B-OLD', 'A', 10, 150);
    const order = await placed(fulcrum);
    assert.equal(order.fulfilments.map((x) => x.location), ['B-OLD']);
    const why = sourcingDecisions(fulcrum, order.id)[0]!.explanation!;
    const { weight, horizonDays } = fulcrum.sourcing.profile.strategies.find((s) => s.id === 'standard')!.costs.inventoryAge;
    assert.equal([weight, horizonDays], [0.2, 180]);
    assert.is(why.plan!.terms.inventoryAge, Math.round(2 * weight * (1 - 150 / 180) * 10_000) / 10_000, '2 units x 0.2 x (1 - 150/180)');
    const ages = Object.fromEntries(why.candidates.nearest.map((c) => [c.location, c.lines[0]!.ageDays]));
    assert.equal(ages, { 'A-NEW': 5, 'B-OLD': 150 });
    const runnerUp = why.runnerUps.find((r) => r.locations.join() === 'A-NEW')!;
    assert.ok(runnerUp.extraCost > 0, 'the fresh stock would have cost more');
  });
});

test('with an inventory-age weight of 0 age decides nothing', async () => {
  await withEngine(async ({ run: { fulcrum }, clock }) => {
    await seedNetwork(fulcrum, TWINS);
    await receive(fulcrum, clock.now(), 'A-NEW', 'A', 10, 5);
    await receive(fulcrum, clock.now(), 'B-OLD', 'A', 10, 150);
    fulcrum.sourcing.profile = parseSourcingProfile({ id: 'ageless', version: 1, strategies: [{ id: 'main', costs: { inventoryAge: { weight: 0, horizonDays: 180 } } }] });
    assert.equal(shippedFrom(fulcrum), ['A-NEW']);
  });
});

test('stock of unknown age is priced at the mean known age: it does not pass for the oldest, and ages move with the clock', async () => {
  await withEngine(async ({ run: { fulcrum }, clock }) => {
    await seedNetwork(fulcrum, { ...TWINS, locations: { ...TWINS.locations, '0-COUNTED': { at: PLACES.mitte } } });
    await countStock(fulcrum, '0-COUNTED', 'A', { onHand: 10 }).durable;
    await receive(fulcrum, clock.now(), 'A-NEW', 'A', 10, 5);
    await receive(fulcrum, clock.now(), 'B-OLD', 'A', 10, 150);
    const order = await placed(fulcrum);
    assert.equal(order.fulfilments.map((x) => x.location), ['B-OLD'], 'counted stock (no date) sorts first, yet the oldest ships');
    const counted = sourcingDecisions(fulcrum, order.id)[0]!.explanation!.candidates.nearest.find((c) => c.location === '0-COUNTED')!.lines[0]!;
    assert.equal([counted.ageDays, counted.ageAssumed], [77.5, true], 'the mean of 5 and 150 days');
    clock.advance(30 * DAY);
    const later = await placed(fulcrum);
    const ages = sourcingDecisions(fulcrum, later.id)[0]!.explanation!.candidates.nearest.map((c) => [c.location, c.lines[0]!.ageDays]);
    assert.equal(ages, [['0-COUNTED', 107.5], ['A-NEW', 35], ['B-OLD', 180]], 'a month later: every age is 30 days more');
  });
});

test('an order solved in a worker gets the age too: its costs carry the term, and the older stock ships', async () => {
  const skus = Array.from({ length: 10 }, (_, i) => `S${i}`);
  const spec: NetworkSpec = { locations: { ...TWINS.locations }, stock: [] };
  for (let i = 0; i < 50; i++) {
    const id = `FAR${String(i).padStart(2, '0')}`;
    spec.locations[id] = { at: [52.1 - i * 0.05, 12.9 - i * 0.05] };
    for (const sku of skus) spec.stock.push([id, sku, 2]);
  }
  await withEngine(async ({ run: { fulcrum }, clock }) => {
    await seedNetwork(fulcrum, { ...spec, products: Object.fromEntries(skus.map((s) => [s, {}])) });
    for (const sku of skus) {
      await receive(fulcrum, clock.now(), 'A-NEW', sku, 2, 1);
      await receive(fulcrum, clock.now(), 'B-OLD', sku, 2, 120);
    }
    const pool = new SourcingPool({ workers: 1, inlineMaxWork: 0 });
    try {
      const big: PlaceOrder = { customer: { id: 'big' }, deliverTo: BERLIN, lines: skus.map((sku) => ({ sku, qty: 2 })) };
      const placed = await placeOrderPooled(fulcrum, (p) => pool.solve(p), big, 'k');
      await placed.durable;
      assert.is(pool.stats.pooled, 1, 'solved off the engine thread');
      assert.equal(placed.value.fulfilments.map((x) => x.location), ['B-OLD']);
      const why = sourcingDecisions(fulcrum, placed.value.id)[0]!.explanation!;
      assert.ok(why.plan!.terms.inventoryAge! > 0);
      assert.is(why.candidates.nearest.find((c) => c.location === 'B-OLD')!.lines[0]!.ageDays, 120);
    } finally {
      await pool.close();
    }
  });
});

test.run();
