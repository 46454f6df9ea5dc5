import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS, seedHttp, startTestServer, type TestServer } from '../../helpers/server.js';
import { BERLIN } from './world.js';

const TWO_SKUS = { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 5 }, { sku: 'B', qty: 5 }] };

/** Mitte and Spandau each hold one SKU; Munich, 500 km away, holds both. */
async function withServer(fn: (s: TestServer) => Promise<void>): Promise<void> {
  const s = await startTestServer();
  try {
    await seedHttp(s, {
      locations: { MITTE: [52.52, 13.41], SPANDAU: [52.535, 13.2], MUNICH: [48.14, 11.58] },
      skus: ['A', 'B'],
      stock: [['MITTE', 'A', 5], ['SPANDAU', 'B', 5], ['MUNICH', 'A', 5], ['MUNICH', 'B', 5]],
    });
    await fn(s);
  } finally {
    await s.stop();
  }
}

/** What every position holds, to compare before and after. */
async function positions(s: TestServer): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const loc of ['MITTE', 'SPANDAU', 'MUNICH']) for (const sku of ['A', 'B']) out.push((await s.call('GET', `/inventory/${loc}/${sku}`)).body);
  return out;
}

test('a preview answers the plan, its cost and explanation, and reserves nothing', async () => {
  await withServer(async (s) => {
    const before = await positions(s);
    const r = await s.call('POST', '/sourcing/preview', TWO_SKUS);
    assert.is(r.status, 200);
    assert.is(r.body.outcome, 'planned');
    assert.equal(r.body.shipments.map((x: any) => x.location), ['MITTE', 'SPANDAU']);
    assert.ok(r.body.cost > 10, 'two fixed shipment costs');
    assert.equal([r.body.profile, r.body.strategy], [{ id: 'default', version: 1 }, 'standard']);
    assert.is(r.body.explanation.plan.cost, Math.round(r.body.cost * 10_000) / 10_000);
    assert.equal(await positions(s), before, 'positions unchanged');
    assert.is((await s.call('GET', '/orders')).body.items.length, 0, 'no order');
  });
});

test('a draft profile is tried without being stored', async () => {
  await withServer(async (s) => {
    const draft = { strategies: [{ id: 'one-box', split: { policy: 'forbid' } }] };
    const r = await s.call('POST', '/sourcing/preview', { ...TWO_SKUS, profile: draft });
    assert.is(r.status, 200);
    assert.equal([r.body.profile, r.body.strategy], [{ id: 'draft', version: 1 }, 'one-box']);
    assert.equal(r.body.shipments.map((x: any) => x.location), ['MUNICH']);
    assert.equal((await s.call('GET', '/sourcing-profiles')).body.items.map((p: any) => p.id), ['default']);

    const bad = await s.call('POST', '/sourcing/preview', { ...TWO_SKUS, profile: { strategies: [{ id: 'x', costs: { fixedPerShipment: -1 } }] } });
    assert.is(bad.status, 400);
    assert.equal(bad.body.error.details.map((d: any) => d.path), ['profile.strategies[0].costs.fixedPerShipment']);
    assert.is((await s.call('POST', '/sourcing/preview', { ...TWO_SKUS, profile: draft }, { key: KEYS.storefront })).status, 403);
  });
});

test('a storefront previews delivery options; an order that cannot be sourced gets its short lines by path', async () => {
  await withServer(async (s) => {
    const ok = await s.call('POST', '/sourcing/preview', TWO_SKUS, { key: KEYS.storefront });
    assert.is(ok.status, 200);
    const short = await s.call('POST', '/sourcing/preview', { ...TWO_SKUS, lines: [{ sku: 'A', qty: 11 }, { sku: 'B', qty: 1 }] });
    assert.is(short.status, 200);
    assert.is(short.body.outcome, 'no_plan');
    assert.is(short.body.shipments, null);
    assert.equal(short.body.short.map((d: any) => [d.path, d.available]), [['lines[0]', 10]]);
    const unknown = await s.call('POST', '/sourcing/preview', { ...TWO_SKUS, lines: [{ sku: 'NOPE', qty: 1 }] });
    assert.equal([unknown.status, unknown.body.error.details[0].path], [400, 'lines[0].sku']);
  });
});

test.run();
