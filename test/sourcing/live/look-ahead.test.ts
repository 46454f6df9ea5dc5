import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { orderBody, seedHttp, startTestServer, type TestServer } from '../../helpers/server.js';

const MAGDEBURG = { lat: 52.12, lon: 11.63, country: 'DE' };

/** Shipping and the per-shipment cost only, so the test reads the look-ahead term alone. */
const COSTS = {
  shippingPerKgKm: 0.002,
  fixedPerShipment: 5,
  inventoryAge: { weight: 0, horizonDays: 180 },
  sellThrough: { weight: 0 },
  stockLevel: { weight: 0, mode: 'deep' },
  markdown: { weight: 0 },
  locationLoad: { weight: 0 },
};

/** Berlin's store holds 15, Hamburg's DC plenty; the customer in Magdeburg is nearer Berlin (~130 km vs ~200 km). */
async function seed(s: TestServer): Promise<void> {
  await seedHttp(s, { locations: { 'ST-BER': [52.52, 13.41], 'DC-HAM': [53.55, 9.99] }, skus: ['A'], stock: [['ST-BER', 'A', 15], ['DC-HAM', 'A', 1000]] });
}

async function activate(s: TestServer, lookAhead?: Record<string, unknown>): Promise<void> {
  const put = await s.call('PUT', '/sourcing-profiles/look', { strategies: [{ id: 'main', costs: { ...COSTS, ...(lookAhead ? { lookAhead } : {}) } }] });
  assert.is(put.status, 201, JSON.stringify(put.body));
  assert.is((await s.call('POST', '/sourcing-profiles/look/versions/1/activate')).status, 200);
}

async function place(s: TestServer, body: Record<string, unknown>) {
  const placed = await s.call('POST', '/orders', body);
  assert.is(placed.status, 201, JSON.stringify(placed.body));
  const decision = (await s.call('GET', `/orders/${placed.body.id}/sourcing`)).body.decisions[0];
  return { from: decision.explanation.plan.shipments.map((x: any) => x.location), plan: decision.explanation.plan, runnerUps: decision.explanation.runnerUps };
}

test('a store whose stock its own region needs is spared, and the decision record shows the look-ahead term', async () => {
  const s = await startTestServer();
  try {
    await seed(s);
    // Lost Berlin demand is priced at 0.3 a unit (less than shipping it from Hamburg), so a unit in Berlin is worth 0.3.
    await activate(s, { windowHours: 24, horizonHours: 24, shortageCostPerUnit: 0.3 });
    for (let i = 0; i < 10; i++) await place(s, orderBody('A'));
    await s.server.lookAhead.refresh();
    const values = s.server.fulcrum.sourcing.lookAhead.prices('look/v1/main');
    assert.ok(values, 'the LP answered');
    assert.ok(Math.abs(values.values.at('ST-BER', 'A') - 0.3) < 0.01, `future value ${values.values.at('ST-BER', 'A')}: 10 expected in Berlin, 5 left`);

    const myopic = await s.call('POST', '/sourcing/preview', { ...orderBody('A'), deliverTo: MAGDEBURG, profile: { strategies: [{ id: 'myopic', costs: COSTS }] } });
    assert.equal(myopic.body.shipments.map((x: any) => x.location), ['ST-BER'], 'without the term, Magdeburg is served from Berlin');

    const magdeburg = await place(s, { ...orderBody('A'), deliverTo: MAGDEBURG });
    assert.equal(magdeburg.from, ['DC-HAM'], "Berlin's units are kept for Berlin");
    assert.is(magdeburg.plan.terms.lookAhead, 0);
    assert.equal(magdeburg.runnerUps[0].locations, ['ST-BER']);

    const berlin = await place(s, orderBody('A'));
    assert.equal(berlin.from, ['ST-BER'], 'Berlin itself is still served from Berlin');
    assert.ok(Math.abs(berlin.plan.terms.lookAhead - 0.3) < 0.01, JSON.stringify(berlin.plan.terms));
    assert.ok(Math.abs(berlin.plan.shipments[0].terms.lookAhead - 0.3) < 0.01, 'per shipment too');
  } finally {
    await s.stop();
  }
});

test('the demand window is rebuilt from the stored orders after a restart', async () => {
  const first = await startTestServer();
  try {
    await seed(first);
    await activate(first, { windowHours: 24, horizonHours: 24, shortageCostPerUnit: 0.3 });
    for (let i = 0; i < 10; i++) await place(first, orderBody('A'));
  } finally {
    await first.server.close();
  }
  const second = await startTestServer({ dir: first.dir });
  try {
    await second.server.lookAhead.refresh();
    const value = second.server.fulcrum.sourcing.lookAhead.futureValues('look/v1/main')?.at('ST-BER', 'A') ?? 0;
    assert.ok(Math.abs(value - 0.3) < 0.01, `future value after restart ${value}`);
  } finally {
    await second.stop();
  }
});

test('a profile with bad look-ahead settings is refused with 400 and the path of every problem', async () => {
  const s = await startTestServer();
  try {
    const r = await s.call('PUT', '/sourcing-profiles/look', {
      strategies: [{ id: 'main', costs: { lookAhead: { windowHours: -1, refreshSeconds: 0, regionKm: 'near', weight: 11 } } }],
    });
    assert.is(r.status, 400, JSON.stringify(r.body));
    assert.is(r.body.error.type, 'invalid_request');
    const at = (f: string) => `strategies[0].costs.lookAhead.${f}`;
    assert.equal(r.body.error.details.map((d: any) => d.path).sort(), ['regionKm', 'refreshSeconds', 'weight', 'windowHours'].map(at).sort());
    assert.is((await s.call('GET', '/sourcing-profiles/look')).status, 404, 'nothing stored');
  } finally {
    await s.stop();
  }
});

test.run();
