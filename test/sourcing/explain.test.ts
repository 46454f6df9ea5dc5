import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildProblem, explain, greedyPlan, optimize, sourceOrder } from '../../src/sourcing/index.js';
import { location, network, profileOf, request, strategyOf } from './fixtures/network-factory.js';

const POTSDAM = { lat: 52.39, lon: 13.065 };
const net = network({
  locations: [
    location('L1'),
    location('L2', { geo: POTSDAM }),
    location('L3', { geo: POTSDAM }),
    location('SHUT', { status: 'closed' }),
    location('FULL', { capacity: { dailyOrders: 5 }, ordersToday: 5, status: 'paused' }),
  ],
  stock: { L1: { A: 1 }, L2: { A: 3, B: 2 }, L3: { A: 2, B: 2 }, SHUT: { A: 9 }, FULL: { A: 9 } },
  products: { A: { weightKg: 1 }, B: { weightKg: 2 } },
});
const strategy = strategyOf({ costs: { shippingPerKgKm: 0.01, fixedPerShipment: 2 } });
const lines = [{ sku: 'A', qty: 2 }, { sku: 'B', qty: 1 }];

test('an explanation names the strategy, the plan with its costs, the runner-ups and every exclusion', () => {
  const problem = buildProblem(request({ lines }), net, strategy);
  const x = explain(optimize(problem), problem);
  assert.equal(x.profile, { id: 'test', version: 1 });
  assert.is(x.strategy, 'only');
  assert.is(x.outcome, 'planned');
  assert.ok(x.proven);
  assert.equal(x.plan!.shipments.map((s) => s.location), ['L2']);
  assert.equal(Object.keys(x.plan!.terms), ['shipment', 'locationLoad', 'shipping', 'inventoryAge', 'sellThrough', 'stockLevel', 'markdown']);
  assert.is(x.plan!.terms.shipment, 2);
  assert.ok(x.runnerUps.length > 0 && x.runnerUps.every((r) => r.extraCost >= 0));
  assert.equal(x.excluded.byReason, { status: 2, daily_capacity_reached: 1 });
  assert.equal(x.excluded.locations, [
    { location: 'FULL', reasons: ['status does not ship: paused', 'daily order capacity reached: 5/5 orders today'] },
    { location: 'SHUT', reasons: ['status does not ship: closed'] },
  ]);
  assert.match(x.summary, /^1 shipment from L2 for [\d.]+: proven optimal \(3 candidates, \d+ pruned, \d+ location sets evaluated in [\d.]+ ms\)\.$/);
  assert.equal(JSON.parse(JSON.stringify(x)), x, 'plain JSON');
});

test('candidates are listed nearest first with their unit costs, up to the limit', () => {
  const problem = buildProblem(request({ lines }), net, strategy);
  const x = explain(optimize(problem), problem, { maxCandidates: 2 });
  assert.is(x.candidates.total, 3);
  assert.equal(x.candidates.nearest.map((c) => c.location), ['L1', 'L2']);
  assert.equal(x.candidates.nearest[0]!.lines, [{ sku: 'A', available: 1, unitCost: 0 }, { sku: 'B', available: 0, unitCost: null }]);
});

test('without a plan the explanation says which lines are short and why', () => {
  const problem = buildProblem(request({ lines: [{ sku: 'B', qty: 9 }] }), net, strategy);
  const x = explain(optimize(problem), problem);
  assert.is(x.outcome, 'no_plan');
  assert.is(x.infeasibility, 'short_stock');
  assert.equal(x.shortLines, [{ sku: 'B', qty: 9, available: 4, maxAtOneLocation: 2 }]);
  assert.match(x.summary, /^No plan with strategy 'only': stock is short on some lines/);
});

test('a greedy fallback is labelled as such', () => {
  const problem = buildProblem(request({ lines }), net, strategy);
  const x = explain(greedyPlan(problem, { reason: 'worker_timeout', message: 'no answer within 1000 ms' }), problem);
  assert.is(x.proven, false);
  assert.equal(x.fallback, { reason: 'worker_timeout', message: 'no answer within 1000 ms' });
  assert.match(x.summary, /greedy fallback \(worker_timeout\)/);
});

test('the strategies tried before can be included', async () => {
  const profile = profileOf([{ id: 'web', when: { channels: ['web'] } }, { id: 'rest' }]);
  const decision = await sourceOrder(request({ lines }), net, profile);
  const x = explain(decision.result!, decision.problem!, { attempts: decision.attempts });
  assert.equal(x.attempts, [{ strategyId: 'web', outcome: 'not_applicable' }, { strategyId: 'rest', outcome: 'planned' }]);
});

test('candidates show how old their units are, and which ages were assumed (unknown: the mean of the known)', () => {
  const dated = network({
    locations: [location('NEW'), location('OLD'), location('UNDATED')],
    stock: { NEW: { A: 1 }, OLD: { A: 1 }, UNDATED: { A: 1 } },
    stockAttributes: { NEW: { A: { ageDays: 2 } }, OLD: { A: { ageDays: 120.04 } } },
  });
  const problem = buildProblem(request(), dated, strategyOf({ costs: { inventoryAge: { weight: 0.2, horizonDays: 180 } } }));
  const x = explain(optimize(problem), problem);
  assert.equal(x.plan!.shipments.map((s) => s.location), ['OLD']);
  assert.is(x.plan!.terms.inventoryAge, Math.round(0.2 * (1 - 120.04 / 180) * 10_000) / 10_000, 'the term with its value');
  const lineOf = (id: string) => x.candidates.nearest.find((c) => c.location === id)!.lines[0]!;
  assert.equal(lineOf('OLD'), { sku: 'A', available: 1, unitCost: x.plan!.terms.inventoryAge!, ageDays: 120 });
  assert.equal([lineOf('NEW').ageDays, lineOf('NEW').ageAssumed], [2, undefined]);
  assert.equal([lineOf('UNDATED').ageDays, lineOf('UNDATED').ageAssumed], [61, true]);
  const undated = buildProblem(request(), network({ locations: [location('L1')], stock: { L1: { A: 1 } } }), strategy);
  assert.not.ok('ageDays' in explain(optimize(undated), undated).candidates.nearest[0]!.lines[0]!, 'no age known: nothing shown');
});

test.run();
