import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mulberry32 } from '../../src/demo.js';
import { distanceKm } from '../../src/domain/geo.js';
import { buildProblem, explain, GeoTable, optimize, sourcingNetwork } from '../../src/sourcing/index.js';
import { location, network, request, strategyOf } from './fixtures/network-factory.js';
import { BERLIN, seedNetwork, withEngine } from './live/world.js';

/** Locations east of Berlin, `L00` nearest, one every ~6.8 km (0.1 degree of longitude). */
const EAST = Array.from({ length: 30 }, (_, i) => location(`L${String(i).padStart(2, '0')}`, { geo: { lat: 52.52, lon: 13.405 + 0.1 * (i + 1) } }));
const ids = (n: number, from = 0) => EAST.slice(from, from + n).map((l) => l.id);
const onlyA = Object.fromEntries(EAST.map((l) => [l.id, { A: 5 }]));

const ANTIPODE_KM = Math.PI * 6371.0088;

test('GeoTable walks every location nearest first, by the distance the cost model uses (ties: lower id)', () => {
  const point = fc.record({ lat: fc.double({ min: -80, max: 80, noNaN: true }), lon: fc.double({ min: -180, max: 180, noNaN: true }) });
  fc.assert(
    fc.property(fc.array(point, { minLength: 1, maxLength: 60 }), point, (places, to) => {
      const table = new GeoTable(places.map((p, i) => [`P${String(i).padStart(2, '0')}`, p]));
      const order = [...table.walk(to)];
      assert.equal([...order].sort((a, b) => a - b), places.map((_, i) => i), 'each location once');
      const km = order.map((i) => distanceKm(places[Number(table.ids[i]!.slice(1))]!, to));
      // The walk orders by the squared chord, whose resolution in doubles is coarse only near the antipode
      // (c² = 4 - δ² for δ radians short of it): there two places up to ~0.2 km apart (3e-8 rad) can compare
      // equal or swap. A fast-check run found such a pair 1.2 m apart at 20,015 km.
      const slack = (km: number) => (km > ANTIPODE_KM - 1 ? 0.25 : 1e-6);
      for (let k = 1; k < km.length; k++) assert.ok(km[k]! >= km[k - 1]! - slack(km[k - 1]!), `${km[k]} km listed after ${km[k - 1]} km`);
    }),
  );
});

test('nearest: only the N nearest eligible locations become candidates, and the problem says how far it looked', () => {
  const problem = buildProblem(request(), network({ locations: [...EAST].reverse(), stock: onlyA }), strategyOf({ filters: { nearest: 5 } }));
  assert.equal(problem.candidateIds, ids(5));
  assert.equal(problem.nearest?.limit, 5);
  assert.ok(Math.abs(problem.nearest!.withinKm - distanceKm(EAST[4]!.geo, BERLIN)) < 1e-9);
  assert.is(problem.nearest?.complete, undefined);
  const all = buildProblem(request(), network({ locations: EAST, stock: onlyA }), strategyOf({ filters: { nearest: false } }));
  assert.equal(all.candidateIds, ids(30));
  assert.is(all.nearest, undefined, 'nothing was left out');
  assert.equal(buildProblem(request(), network({ locations: EAST.slice(0, 4), stock: onlyA }), strategyOf({ filters: { nearest: 5 } })).nearest, undefined, 'a network within the limit is walked to its end');
});

test('nearest: locations the filters exclude or that hold nothing do not count towards the limit', () => {
  const locations = EAST.map((l, i) => (i < 2 ? { ...l, status: 'paused' } : l));
  const stock = { ...onlyA, L02: {} };
  const problem = buildProblem(request(), network({ locations, stock }), strategyOf({ filters: { nearest: 3 } }));
  assert.equal(problem.candidateIds, ['L03', 'L04', 'L05']);
  assert.equal(problem.excluded.map((e) => e.location), ['L00', 'L01', 'L02'], 'exclusions met on the way are kept; none beyond');
});

test('nearest: when none of the N nearest can ship the whole order, the nearest one that can joins them', () => {
  const stock = { ...onlyA, L20: { A: 5, B: 5 }, L25: { A: 5, B: 5 }, L01: { B: 1 } };
  const order = request({ lines: [{ sku: 'A', qty: 1 }, { sku: 'B', qty: 2 }] });
  const strategy = strategyOf({ filters: { nearest: 3 }, costs: { fixedPerShipment: 5, shippingPerKgKm: 0.002 } });
  const problem = buildProblem(order, network({ locations: EAST, stock }), strategy);
  assert.equal(problem.candidateIds, ['L00', 'L01', 'L02', 'L20']);
  assert.equal(problem.nearest?.complete, 'L20');
  const result = optimize(problem);
  assert.equal(result.plan?.shipments.map((s) => s.location), ['L20'], 'one parcel from the complete location beats a split the near ones cannot even make');
  const why = explain(result, problem);
  assert.match(why.candidates.limit!.note, /the 3 nearest eligible locations \(within [\d.]+ km\) and L20, the nearest that can ship the whole order, were considered/);
  const forbid = buildProblem(order, network({ locations: EAST, stock: { ...onlyA, L01: { B: 1 } } }), strategy);
  assert.equal(forbid.candidateIds, ['L00', 'L01', 'L02'], 'no location can ship it all: the near ones are all there is');
  assert.equal(forbid.nearest?.limit, 3, 'and the limit still says locations were passed over');
});

test('nearest: the live network lists the same candidates nearest first as sorting all of them would', async () => {
  await withEngine(async ({ run }) => {
    const f = run.fulcrum;
    const random = mulberry32(11);
    const locations: Record<string, { at: readonly [number, number] }> = {};
    const stock: Array<[string, string, number]> = [];
    for (let i = 0; i < 60; i++) {
      const id = `S${String(i).padStart(2, '0')}`;
      locations[id] = { at: [47.5 + random() * 7, 6 + random() * 8.5] };
      if (random() < 0.7) stock.push([id, 'A', 1 + Math.floor(random() * 3)]);
      if (random() < 0.5) stock.push([id, 'B', 1 + Math.floor(random() * 3)]);
    }
    await seedNetwork(f, { locations, stock });
    const strategy = strategyOf({ filters: { nearest: 7 } });
    for (let k = 0; k < 25; k++) {
      const deliverTo = { lat: 47.5 + random() * 7, lon: 6 + random() * 8.5, country: 'DE' };
      const order = request({ deliverTo, lines: [{ sku: 'A', qty: 2 }, { sku: 'B', qty: 2 }] });
      const live = sourcingNetwork(f, 'default', order.now);
      assert.ok(live.nearest, 'the live network walks nearest first');
      const walked = buildProblem(order, live, strategy);
      const sorted = buildProblem(order, { ...live, nearest: undefined }, strategy);
      assert.equal(walked.candidateIds, sorted.candidateIds);
      assert.equal(walked.nearest, sorted.nearest);
      assert.equal(walked.excluded, sorted.excluded);
    }
  });
});

test('nearest: a limit below 1, a fraction or true is refused with its path', () => {
  for (const nearest of [0, 2.5, true]) {
    try {
      strategyOf({ filters: { nearest: nearest as number } });
      assert.unreachable(`nearest: ${String(nearest)} was accepted`);
    } catch (e) {
      const details = (e as { details?: Array<{ path: string }> }).details ?? [];
      assert.ok(details.some((d) => d.path.includes('nearest')), `nearest: ${String(nearest)} -> ${JSON.stringify(details)}`);
    }
  }
  assert.is(strategyOf().filters.nearest, 20, 'the default considers the 20 nearest');
});


test.run();
