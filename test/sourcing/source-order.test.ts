import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DomainError } from '../../src/domain/errors.js';
import { buildProblem, sourceOrder, sourceOrderSync, type SourcingRequest, type SplitRequest } from '../../src/sourcing/index.js';
import { location, network, NO_COSTS, profileOf, request, strategyOf } from './fixtures/network-factory.js';

const twoStores = network({
  locations: [location('L1', { carrierCutoff: '12:00' }), location('L2', { geo: { lat: 52.39, lon: 13.065 } })],
  stock: { L1: { A: 5, B: 5 }, L2: { A: 5, B: 5 } },
  products: { A: { fragile: true, price: 10 }, B: { price: 30 } },
});
const costs = { ...NO_COSTS, shippingPerKgKm: 0.01, fixedPerShipment: 1 };

test('the first strategy whose conditions match and which finds a plan is used', async () => {
  const profile = profileOf([
    { id: 'marketplace', when: { channels: ['marketplace'] }, costs },
    { id: 'web', when: { channels: ['web'] }, costs },
    { id: 'anything', costs },
  ]);
  const decision = await sourceOrder(request({ channel: 'web' }), twoStores, profile);
  assert.is(decision.strategyId, 'web');
  assert.is(decision.result!.strategyId, 'web');
  assert.equal(decision.attempts.map((a) => `${a.strategyId}:${a.outcome}`), ['marketplace:not_applicable', 'web:planned']);
  assert.is(decision.profileVersion, 1);
});

test('a matching strategy that finds no plan falls through to the next', async () => {
  const profile = profileOf([
    { id: 'express', when: { deliveryTypes: ['express'] }, filters: { maxDistanceKm: 5 }, costs },
    { id: 'standard', filters: { carrierCutoff: false }, costs },
  ]);
  // 13:00 UTC: L1's 12:00 cut-off has passed and L2 is 25 km away, so express finds nothing.
  const decision = await sourceOrder(request({ deliveryType: 'express', now: '2026-03-10T13:00:00Z' }), twoStores, profile);
  assert.is(decision.strategyId, 'standard');
  assert.equal(decision.attempts.map((a) => `${a.strategyId}:${a.outcome}`), ['express:no_plan', 'standard:planned']);
  assert.is(decision.attempts[0]!.infeasibility, 'short_stock');
});

test('the synchronous variant decides the same, solving inline', async () => {
  const profile = profileOf([
    { id: 'express', when: { deliveryTypes: ['express'] }, filters: { maxDistanceKm: 5 }, costs },
    { id: 'standard', filters: { carrierCutoff: false }, costs },
  ]);
  const order = request({ deliveryType: 'express', now: '2026-03-10T13:00:00Z', lines: [{ sku: 'A', qty: 2 }] });
  const sync = sourceOrderSync(order, twoStores, profile);
  const async = await sourceOrder(order, twoStores, profile);
  assert.equal(sync.attempts, async.attempts);
  assert.equal(sync.result!.plan, async.result!.plan);
});

test('conditions on value, destination and product attributes', async () => {
  const profile = profileOf([
    { id: 'big', when: { orderValue: { min: 100 } }, costs },
    { id: 'export', when: { destinationCountries: ['AT'] }, filters: { international: false }, costs },
    { id: 'fragile', when: { attributesPresent: ['fragile'] }, costs },
    { id: 'rest', costs },
  ]);
  const chosen = async (overrides: Partial<SourcingRequest>) => (await sourceOrder(request(overrides), twoStores, profile)).strategyId;
  assert.is(await chosen({ orderValue: 150 }), 'big');
  assert.is(await chosen({ orderValue: 50, deliverTo: { lat: 48.2, lon: 16.37, country: 'AT' } }), 'export');
  assert.is(await chosen({ lines: [{ sku: 'A', qty: 1 }] }), 'fragile');
  assert.is(await chosen({ lines: [{ sku: 'B', qty: 1 }] }), 'rest');
  assert.is(await chosen({ lines: [{ sku: 'B', qty: 1 }], orderValue: undefined }), 'rest', 'no value: a value condition does not match');
});

test('no strategy applies: no decision, nothing solved', async () => {
  const profile = profileOf([{ id: 'web', when: { channels: ['web'] }, costs }]);
  const decision = await sourceOrder(request({ channel: 'store' }), twoStores, profile);
  assert.is(decision.strategyId, null);
  assert.is(decision.result, null);
  assert.equal(decision.attempts, [{ strategyId: 'web', outcome: 'not_applicable' }]);
});

test('no strategy finds a plan: the last result says which lines are short', async () => {
  const profile = profileOf([{ id: 'only', costs }]);
  const decision = await sourceOrder(request({ lines: [{ sku: 'A', qty: 20 }] }), twoStores, profile);
  assert.is(decision.strategyId, null);
  assert.equal(decision.result!.shortLines, [{ sku: 'A', qty: 20, available: 10, maxAtOneLocation: 5 }]);
});

test("the customer's split request narrows the strategy's policy", () => {
  const strategy = strategyOf({ split: { policy: 'allow', maxShipments: 3, splitLines: true } });
  const problem = (split: SplitRequest | undefined) => buildProblem(request({ split }), twoStores, strategy);
  assert.equal([problem(undefined).maxShipments, problem(undefined).splitLines], [3, true]);
  assert.equal([problem({ allowed: false }).maxShipments, problem({ allowed: false }).splitLines], [1, false]);
  assert.equal([problem({ allowed: true, maxShipments: 2 }).maxShipments, problem({ allowed: true, maxShipments: 9 }).maxShipments], [2, 3]);
  assert.is(problem({ allowed: true, splitLines: false }).splitLines, false);
});

test('re-sourcing after a rejection: the remaining lines go elsewhere', async () => {
  const profile = profileOf([{ id: 'only', costs }]);
  const first = await sourceOrder(request({ lines: [{ sku: 'A', qty: 2 }, { sku: 'B', qty: 1 }] }), twoStores, profile);
  assert.equal(first.result!.plan!.shipments.map((s) => s.location), ['L1']);
  // L1 rejects its fulfilment: the engine re-sources what is left, excluding L1.
  const again = await sourceOrder(request({ lines: [{ sku: 'B', qty: 1 }], excludeLocations: ['L1'] }), twoStores, profile);
  assert.equal(again.result!.plan!.shipments, [{ location: 'L2', lines: [{ sku: 'B', qty: 1 }] }]);
  assert.equal(again.problem!.excluded, [{ location: 'L1', reasons: [{ code: 'excluded_by_request' }] }]);
});

test('lines with the same SKU are sourced as one line', () => {
  const problem = buildProblem(request({ lines: [{ sku: 'A', qty: 1 }, { sku: 'B', qty: 1 }, { sku: 'A', qty: 2 }] }), twoStores, strategyOf());
  assert.equal(problem.lines, [{ sku: 'A', qty: 3 }, { sku: 'B', qty: 1 }]);
});

test('a malformed request is rejected with the path of each problem', () => {
  try {
    buildProblem(request({ lines: [{ sku: 'A', qty: 0 }], now: 'yesterday' }), twoStores, strategyOf());
    assert.unreachable();
  } catch (error) {
    assert.instance(error, DomainError);
    assert.equal((error as DomainError).details.map((d) => d.path), ['lines[0].qty', 'now']);
  }
});

test.run();
