import { createRequire } from 'node:module';
import type { Highs } from 'highs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { distanceKm } from '../../src/domain/geo.js';
import {
  buildProblem,
  DemandWindow,
  futureValuesOf,
  optimize,
  parseSourcingProfile,
  solveFluidLp,
  type FutureValueTable,
  type SourcingNetwork,
} from '../../src/sourcing/index.js';
import { location, network, NO_COSTS, request, strategyOf } from './fixtures/network-factory.js';

const highs = (createRequire(import.meta.url)('highs') as () => Promise<Highs>)();
const BERLIN = { lat: 52.52, lon: 13.405 };
const MAGDEBURG = { lat: 52.12, lon: 11.63 };
const HAMBURG = { lat: 53.55, lon: 9.99 };
const close = (a: number, b: number, eps = 1e-6) => Math.abs(a - b) < eps;

test('the fluid LP prices a unit at a store that cannot meet its region by what the next source would cost', async () => {
  // Berlin expects 10 units, its store holds 4: each unit there saves shipping the unit from Hamburg instead.
  const answer = solveFluidLp(await highs, {
    shippingPerKgKm: 0.01,
    skus: [
      {
        sku: 'A',
        weightKg: 2,
        locations: [
          { id: 'ST-BER', ...BERLIN, stock: 4 },
          { id: 'DC-HAM', ...HAMBURG, stock: 1000 },
        ],
        regions: [{ ...BERLIN, demand: 10 }],
      },
    ],
  });
  assert.is(answer.solved, 1);
  const expected = 0.01 * 2 * distanceKm(HAMBURG, BERLIN);
  assert.ok(close(answer.values.A!['ST-BER']!, expected), `${answer.values.A!['ST-BER']} vs ${expected}`);
  assert.is(answer.values.A!['DC-HAM'], undefined, 'a location with stock to spare has no future value');
});

test('the fluid LP gives stock no future value when it covers the expected demand', async () => {
  const answer = solveFluidLp(await highs, {
    shippingPerKgKm: 0.01,
    skus: [{ sku: 'A', weightKg: 1, locations: [{ id: 'ST-BER', ...BERLIN, stock: 12 }, { id: 'DC-HAM', ...HAMBURG, stock: 1000 }], regions: [{ ...BERLIN, demand: 10 }] }],
  });
  assert.equal(answer.values, {});
});

test('averaged over Poisson scenarios, stock that covers the expected demand keeps some value, and the same input gives the same values', async () => {
  const input = {
    shippingPerKgKm: 0.01,
    scenarios: 30,
    skus: [{ sku: 'A', weightKg: 1, locations: [{ id: 'ST-BER', ...BERLIN, stock: 12 }, { id: 'DC-HAM', ...HAMBURG, stock: 1000 }], regions: [{ ...BERLIN, demand: 10 }] }],
  };
  const full = 0.01 * distanceKm(HAMBURG, BERLIN);
  const value = solveFluidLp(await highs, input).values.A?.['ST-BER'] ?? 0;
  assert.ok(value > 0.05 * full && value < 0.7 * full, `${value} of ${full}: the chance that more than 12 are ordered`);
  assert.is(solveFluidLp(await highs, input).values.A?.['ST-BER'], value);
});

test('a shortage cost caps the future value', async () => {
  const answer = solveFluidLp(await highs, {
    shippingPerKgKm: 0.01,
    shortageCostPerUnit: 0.5,
    skus: [{ sku: 'A', weightKg: 1, locations: [{ id: 'ST-BER', ...BERLIN, stock: 4 }, { id: 'DC-HAM', ...HAMBURG, stock: 1000 }], regions: [{ ...BERLIN, demand: 10 }] }],
  });
  assert.ok(close(answer.values.A!['ST-BER']!, 0.5));
});

/** Berlin's store and Hamburg's DC; the customer is in Magdeburg, nearer Berlin. */
function magdeburgNetwork(values?: FutureValueTable): SourcingNetwork {
  return {
    ...network({
      locations: [location('ST-BER', { geo: BERLIN }), location('DC-HAM', { geo: HAMBURG })],
      stock: { 'ST-BER': { A: 4 }, 'DC-HAM': { A: 1000 } },
    }),
    ...(values ? { futureValues: () => futureValuesOf(values) } : {}),
  };
}

test('the look-ahead term spares a store whose stock its own region needs, and shows in the breakdown', () => {
  const costs = { ...NO_COSTS, shippingPerKgKm: 0.01, fixedPerShipment: 3 };
  const order = request({ deliverTo: { ...MAGDEBURG, country: 'DE' } });
  const myopic = optimize(buildProblem(order, magdeburgNetwork({ A: { 'ST-BER': 2.5 } }), strategyOf({ costs })));
  assert.equal(myopic.plan!.shipments.map((s) => s.location), ['ST-BER'], 'without the term the nearer store ships');
  assert.is(myopic.breakdown!.terms.lookAhead, undefined, 'a strategy without the term has no such term');

  const withTerm = strategyOf({ costs: { ...costs, lookAhead: {} } });
  const spared = optimize(buildProblem(order, magdeburgNetwork({ A: { 'ST-BER': 2.5 } }), withTerm));
  assert.equal(spared.plan!.shipments.map((s) => s.location), ['DC-HAM']);
  assert.is(spared.breakdown!.terms.lookAhead, 0);
  const problem = buildProblem(order, magdeburgNetwork({ A: { 'ST-BER': 2.5 } }), withTerm);
  const term = problem.unitTermNames.indexOf('lookAhead');
  assert.is(problem.unitTerms[problem.candidateIds.indexOf('ST-BER') * problem.unitTermNames.length + term], 2.5, "the store's unit carries its future value");

  const notYet = optimize(buildProblem(order, magdeburgNetwork(), withTerm));
  assert.equal(notYet.plan!.shipments.map((s) => s.location), ['ST-BER'], 'before the LP answers, the term is 0');
});

test('the term is weighted, and a weight of 0 switches it off', () => {
  const order = request({ deliverTo: { ...MAGDEBURG, country: 'DE' } });
  const costs = { ...NO_COSTS, shippingPerKgKm: 0.01 };
  const half = optimize(buildProblem(order, magdeburgNetwork({ A: { 'ST-BER': 2.5 } }), strategyOf({ costs: { ...costs, lookAhead: { weight: 0.2 } } })));
  assert.ok(close(half.breakdown!.terms.lookAhead ?? 0, 0.5), 'the store still ships: 0.2 x 2.5 = 0.5 is less than the detour to Hamburg (~0.72)');
  assert.equal(half.plan!.shipments.map((s) => s.location), ['ST-BER']);
  const off = optimize(buildProblem(order, magdeburgNetwork({ A: { 'ST-BER': 2.5 } }), strategyOf({ costs: { ...costs, lookAhead: { weight: 0 } } })));
  assert.is(off.breakdown!.terms.lookAhead, 0);
});

test('the demand window counts units by region over the window and scales them to the horizon', () => {
  const window = new DemandWindow();
  const hour = 3_600_000;
  const now = 1000 * hour;
  window.record(now - 2 * hour, BERLIN, [{ sku: 'A', qty: 2 }, { sku: 'B', qty: 1 }]);
  window.record(now - 3 * hour, { lat: 52.53, lon: 13.41 }, [{ sku: 'A', qty: 1 }]);
  window.record(now - 5 * hour, MAGDEBURG, [{ sku: 'A', qty: 1 }]);
  window.record(now - 30 * hour, BERLIN, [{ sku: 'A', qty: 100 }]);
  const demand = window.estimate(now, { windowHours: 24, horizonHours: 48, regionKm: 50, maxSkus: 10 });
  assert.equal(demand.map((d) => [d.sku, d.total]), [['A', 8], ['B', 2]], 'the order before the window does not count; x2 for the horizon');
  const a = demand[0]!.regions;
  assert.is(a.length, 2, 'the two Berlin addresses are one region, Magdeburg another');
  const berlin = a.find((r) => r.demand === 6)!;
  assert.ok(close(berlin.lat, (2 * 52.52 + 52.53) / 3), 'a region sits at its units-weighted centre');
  assert.equal(window.estimate(now, { windowHours: 24, horizonHours: 24, regionKm: 50, maxSkus: 1 }).map((d) => d.sku), ['A'], 'maxSkus keeps the busiest');
});

test('look-ahead settings are validated: every bad field with its path', () => {
  const bad = { weight: -1, windowHours: 0, horizonHours: 'long', refreshSeconds: 1.5, regionKm: 5000, shortageCostPerUnit: -2, maxSkus: 0, every: 3 };
  try {
    parseSourcingProfile({ id: 'p', version: 1, strategies: [{ id: 's', costs: { lookAhead: bad } }] });
    assert.unreachable('must throw');
  } catch (e) {
    const paths = (e as { details: { path: string }[] }).details.map((d) => d.path).sort();
    const at = (f: string) => `strategies[0].costs.lookAhead.${f}`;
    assert.equal(paths, ['strategies[0].costs.lookAhead', ...['horizonHours', 'maxSkus', 'refreshSeconds', 'regionKm', 'shortageCostPerUnit', 'weight', 'windowHours'].map(at)].sort());
  }
  const defaults = parseSourcingProfile({ id: 'p', version: 1, strategies: [{ id: 's', costs: { lookAhead: {} } }] }).strategies[0]!.costs.lookAhead;
  assert.equal(defaults, { weight: 1, windowHours: 168, horizonHours: 72, refreshSeconds: 300, regionKm: 50, scenarios: 1, maxSkus: 2000 });
  assert.is(parseSourcingProfile({ id: 'p', version: 1, strategies: [{ id: 's' }] }).strategies[0]!.costs.lookAhead, undefined, 'off by default');
});

test.run();
