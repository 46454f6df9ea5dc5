import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildProblem, type SourcingProblem } from '../../src/sourcing/index.js';
import { location, network, request, strategyOf } from './fixtures/network-factory.js';

const MUNICH = { lat: 48.137, lon: 11.575 };
const stockEverywhere = (ids: string[], sku = 'A', units = 5) => Object.fromEntries(ids.map((id) => [id, { [sku]: units }]));
const reasonsOf = (problem: SourcingProblem, id: string) =>
  problem.excluded.find((e) => e.location === id)?.reasons.map((r) => (r.detail === undefined ? r.code : `${r.code}: ${r.detail}`));

test('status: only active locations ship by default', () => {
  const locations = [location('L1'), location('L2', { status: 'paused' })];
  const problem = buildProblem(request(), network({ locations, stock: stockEverywhere(['L1', 'L2']) }), strategyOf());
  assert.equal(problem.candidateIds, ['L1']);
  assert.equal(reasonsOf(problem, 'L2'), ['status: paused']);
});

test('status: a strategy may allow other statuses', () => {
  const locations = [location('L1'), location('L2', { status: 'paused' })];
  const strategy = strategyOf({ filters: { statuses: ['active', 'paused'] } });
  assert.equal(buildProblem(request(), network({ locations, stock: stockEverywhere(['L1', 'L2']) }), strategy).candidateIds, ['L1', 'L2']);
});

test('capabilities: a product attribute requires the capability the profile maps it to', () => {
  const locations = [location('L1'), location('L2', { capabilities: ['fragile-packing'] })];
  const net = network({ locations, stock: stockEverywhere(['L1', 'L2']), products: { A: { fragile: true } } });
  const problem = buildProblem(request(), net, strategyOf({}, { attributeCapabilities: { fragile: { capability: 'fragile-packing' } } }));
  assert.equal(problem.candidateIds, ['L2']);
  assert.equal(reasonsOf(problem, 'L1'), ['missing_capability: fragile-packing (for fragile)']);
});

test('capabilities: restricted categories map like flags, and the check can be switched off', () => {
  const locations = [location('L1'), location('L2', { capabilities: ['alcohol-licence'] })];
  const net = network({ locations, stock: stockEverywhere(['L1', 'L2']), products: { A: { restricted: ['alcohol'] } } });
  const mapping = { attributeCapabilities: { 'restricted:alcohol': { capability: 'alcohol-licence' } } };
  assert.equal(buildProblem(request(), net, strategyOf({}, mapping)).candidateIds, ['L2']);
  assert.equal(buildProblem(request(), net, strategyOf({ filters: { capabilities: false } }, mapping)).candidateIds, ['L1', 'L2']);
});

test('capabilities: products without the attribute need nothing', () => {
  const net = network({ locations: [location('L1')], stock: stockEverywhere(['L1']), products: { A: { fragile: false } } });
  const problem = buildProblem(request(), net, strategyOf({}, { attributeCapabilities: { fragile: { capability: 'fragile-packing' } } }));
  assert.equal(problem.candidateIds, ['L1']);
});

test('destination: a restricted product may only go to the countries the profile lists', () => {
  const locations = [location('L1', { capabilities: ['hazmat-licence', 'international-shipping'] })];
  const net = network({ locations, stock: stockEverywhere(['L1']), products: { A: { hazmat: true } } });
  const strategy = strategyOf({}, { attributeCapabilities: { hazmat: { capability: 'hazmat-licence', destinationCountries: ['DE'] } } });
  assert.equal(buildProblem(request(), net, strategy).candidateIds, ['L1']);
  const abroad = buildProblem(request({ deliverTo: { lat: 48.2, lon: 16.37, country: 'AT' } }), net, strategy);
  assert.equal(abroad.candidateIds, []);
  assert.equal(reasonsOf(abroad, 'L1'), ['destination_not_allowed: hazmat may not ship to AT']);
});

test('international: shipping abroad needs the international capability', () => {
  const locations = [location('L1'), location('L2', { capabilities: ['international-shipping'] })];
  const net = network({ locations, stock: stockEverywhere(['L1', 'L2']) });
  const toVienna = request({ deliverTo: { lat: 48.2, lon: 16.37, country: 'AT' } });
  const problem = buildProblem(toVienna, net, strategyOf());
  assert.equal(problem.candidateIds, ['L2']);
  assert.equal(reasonsOf(problem, 'L1'), ['no_international_shipping: DE -> AT needs international-shipping']);
  assert.equal(buildProblem(toVienna, net, strategyOf({ filters: { international: false } })).candidateIds, ['L1', 'L2']);
});

test('capacity: a location at its daily limit or open-order limit is excluded', () => {
  const locations = [
    location('L1', { capacity: { dailyOrders: 10 }, ordersToday: 9 }),
    location('L2', { capacity: { dailyOrders: 10 }, ordersToday: 10 }),
    location('L3', { capacity: { maxOpenOrders: 4 }, openOrders: 4 }),
  ];
  const net = network({ locations, stock: stockEverywhere(['L1', 'L2', 'L3']) });
  const problem = buildProblem(request(), net, strategyOf());
  assert.equal(problem.candidateIds, ['L1']);
  assert.equal(reasonsOf(problem, 'L2'), ['daily_capacity_reached: 10/10 orders today']);
  assert.equal(reasonsOf(problem, 'L3'), ['open_orders_limit: 4/4 open orders']);
  assert.equal(buildProblem(request(), net, strategyOf({ filters: { capacity: false } })).candidateIds, ['L1', 'L2', 'L3']);
});

test('cut-off: express orders skip locations whose local carrier cut-off has passed', () => {
  // 14:30 UTC on 10 March is 15:30 in Berlin (CET) and 14:30 in London (GMT).
  const locations = [
    location('BER-early', { carrierCutoff: '15:00', timezone: 'Europe/Berlin' }),
    location('BER-late', { carrierCutoff: '16:00', timezone: 'Europe/Berlin' }),
    location('LON', { carrierCutoff: '15:00', timezone: 'Europe/London' }),
  ];
  const net = network({ locations, stock: stockEverywhere(['BER-early', 'BER-late', 'LON']) });
  const express = request({ deliveryType: 'express', now: '2026-03-10T14:30:00Z' });
  const problem = buildProblem(express, net, strategyOf({ filters: { international: false } }));
  assert.equal(problem.candidateIds, ['BER-late', 'LON']);
  assert.equal(reasonsOf(problem, 'BER-early'), ['carrier_cutoff_passed: 15:30 Europe/Berlin >= cut-off 15:00']);
});

test('cut-off: does not apply to other delivery types, and uses the profile zone when a location has none', () => {
  const locations = [location('L1', { carrierCutoff: '15:00' })];
  const net = network({ locations, stock: stockEverywhere(['L1']) });
  const at = (deliveryType: string) => request({ deliveryType, now: '2026-03-10T14:30:00Z' });
  assert.equal(buildProblem(at('home'), net, strategyOf()).candidateIds, ['L1']);
  assert.equal(buildProblem(at('express'), net, strategyOf({}, { timezone: 'UTC' })).candidateIds, ['L1']);
  assert.equal(buildProblem(at('express'), net, strategyOf({}, { timezone: 'Europe/Berlin' })).candidateIds, []);
});

test('cut-off: a bad time zone or cut-off excludes the location and says why', () => {
  const locations = [location('L1', { carrierCutoff: '15:00', timezone: 'Mars/Olympus' }), location('L2', { carrierCutoff: '3pm' })];
  const net = network({ locations, stock: stockEverywhere(['L1', 'L2']) });
  const problem = buildProblem(request({ deliveryType: 'express' }), net, strategyOf());
  assert.equal(reasonsOf(problem, 'L1'), ["invalid_location_data: unknown time zone 'Mars/Olympus'"]);
  assert.equal(reasonsOf(problem, 'L2'), ["invalid_location_data: carrier cut-off '3pm' is not HH:MM"]);
});

test('distance: locations beyond the maximum distance are excluded', () => {
  const locations = [location('BER'), location('MUC', { geo: MUNICH })];
  const net = network({ locations, stock: stockEverywhere(['BER', 'MUC']) });
  const problem = buildProblem(request(), net, strategyOf({ filters: { maxDistanceKm: 300 } }));
  assert.equal(problem.candidateIds, ['BER']);
  assert.match(reasonsOf(problem, 'MUC')![0]!, /^too_far: 50\d\.\d km > 300 km$/);
});

test('re-sourcing: locations the request excludes are not candidates', () => {
  const net = network({ locations: [location('L1'), location('L2')], stock: stockEverywhere(['L1', 'L2']) });
  const problem = buildProblem(request({ excludeLocations: ['L1'] }), net, strategyOf());
  assert.equal(problem.candidateIds, ['L2']);
  assert.equal(reasonsOf(problem, 'L1'), ['excluded_by_request']);
});

test('click & collect: only the collect location may ship', () => {
  const net = network({ locations: [location('L1'), location('STORE')], stock: stockEverywhere(['L1', 'STORE']) });
  const problem = buildProblem(request({ onlyAt: 'STORE' }), net, strategyOf());
  assert.equal(problem.candidateIds, ['STORE']);
  assert.equal(reasonsOf(problem, 'L1'), ['not_the_collect_location: only STORE may ship']);
});

test('stock: a location holding none of the ordered SKUs is excluded as no_stock', () => {
  const net = network({ locations: [location('L1'), location('L2')], stock: { L1: { A: 1 }, L2: { B: 7 } } });
  const problem = buildProblem(request(), net, strategyOf());
  assert.equal(problem.candidateIds, ['L1']);
  assert.equal(reasonsOf(problem, 'L2'), ['no_stock']);
});

test('every failing filter is listed, and candidates are in id order whatever the network order', () => {
  const locations = [location('L3'), location('L2', { status: 'closed', capacity: { dailyOrders: 1 }, ordersToday: 1 }), location('L1')];
  const problem = buildProblem(request(), network({ locations, stock: stockEverywhere(['L1', 'L2', 'L3']) }), strategyOf());
  assert.equal(problem.candidateIds, ['L1', 'L3']);
  assert.equal(reasonsOf(problem, 'L2'), ['status: closed', 'daily_capacity_reached: 1/1 orders today']);
});

test.run();
