import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS, orderBody, seedHttp, startTestServer } from '../../helpers/server.js';

test('GET /orders/:id/sourcing explains the decision: exclusions with reasons, the cost breakdown, strategy and version', async () => {
  const s = await startTestServer();
  try {
    await seedHttp(s, { locations: { MITTE: [52.52, 13.41] }, skus: [], stock: [] });
    await s.call('PUT', '/locations/SPANDAU', { name: 'Spandau', geo: { lat: 52.535, lon: 13.2 }, country: 'DE', capabilities: ['fragile-packing'] });
    await s.call('PUT', '/products/GLASS', { name: 'Glass', attributes: { fragile: true, weightKg: 2 } });
    await s.call('PUT', '/inventory/MITTE/GLASS', { onHand: 10 });
    await s.call('PUT', '/inventory/SPANDAU/GLASS', { onHand: 10 });

    const order = (await s.call('POST', '/orders', orderBody('GLASS', 2))).body;
    assert.equal(order.fulfilments.map((f: any) => f.location), ['SPANDAU']);
    assert.equal(order.sourcing, { profile: 'default', version: 1, strategy: 'standard' });

    const r = await s.call('GET', `/orders/${order.id}/sourcing`);
    assert.is(r.status, 200);
    assert.equal([r.body.order, r.body.sourcing], [order.id, order.sourcing]);
    const [decision] = r.body.decisions;
    assert.equal([decision.kind, decision.outcome, decision.strategy, decision.profile], ['intake', 'planned', 'standard', { id: 'default', version: 1 }]);
    assert.equal(decision.fulfilments, [`${order.id}-1`]);
    const why = decision.explanation;
    assert.is(why.proven, true);
    assert.equal(why.excluded.locations, [{ location: 'MITTE', reasons: ['missing capability: fragile-packing (for fragile)'] }]);
    assert.equal(why.excluded.byReason, { missing_capability: 1 });
    assert.equal(why.plan.shipments.map((x: any) => x.location), ['SPANDAU']);
    assert.is(why.plan.terms.shipment, 5);
    assert.ok(why.plan.terms.shipping > 0, 'shipping: distance x weight');
    assert.match(why.summary, /1 shipment from SPANDAU/);
  } finally {
    await s.stop();
  }
});

test('runner-ups include the locations dominance pruning left out of the search', async () => {
  const s = await startTestServer();
  try {
    // Three locations with the SKU, the nearest the cheapest: the other two are dominated by it (a plan
    // never needs them), yet they are what a reader asks about: "why not Spandau?".
    await seedHttp(s, {
      locations: { MITTE: [52.52, 13.41], SPANDAU: [52.535, 13.2], POTSDAM: [52.39, 13.06] },
      skus: ['A'],
      stock: [['MITTE', 'A', 10], ['SPANDAU', 'A', 10], ['POTSDAM', 'A', 10]],
    });
    const order = (await s.call('POST', '/orders', orderBody('A', 1))).body;
    assert.equal(order.fulfilments.map((f: any) => f.location), ['MITTE']);
    const why = (await s.call('GET', `/orders/${order.id}/sourcing`)).body.decisions[0].explanation;
    assert.is(why.proven, true);
    assert.equal(why.plan.shipments.map((x: any) => x.location), ['MITTE'], 'the plan the order was made with');
    const runnerUps = why.runnerUps.map((r: any) => r.locations.join('+'));
    assert.ok(runnerUps.includes('SPANDAU') && runnerUps.includes('POTSDAM'), `runner-ups: ${runnerUps.join(', ')}`);
    assert.ok(why.runnerUps.every((r: any) => r.extraCost >= 0), 'each costs at least the plan');
  } finally {
    await s.stop();
  }
});

test('a storefront reads the explanation of its own orders only', async () => {
  const s = await startTestServer();
  try {
    await seedHttp(s, { locations: { MITTE: [52.52, 13.41] }, skus: ['A'], stock: [['MITTE', 'A', 10]] });
    const mine = (await s.call('POST', '/orders', orderBody('A'), { key: KEYS.storefront })).body;
    assert.is((await s.call('GET', `/orders/${mine.id}/sourcing`, undefined, { key: KEYS.storefront })).status, 200);
    assert.is((await s.call('GET', `/orders/${mine.id}/sourcing`, undefined, { key: KEYS.storefront2 })).status, 404);
    assert.is((await s.call('GET', '/orders/ord_nope/sourcing')).status, 404);
  } finally {
    await s.stop();
  }
});

test.run();
