import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildProblem, greedyPlan, optimize } from '../../src/sourcing/index.js';
import { solveMilp } from '../../bench/sourcing/milp.js';
import { allocateToSet, allocationCost } from '../../src/sourcing/allocation.js';
import { makeProblem, type TinyCandidate } from './fixtures/problem-factory.js';
import { location, network, request, strategyOf } from './fixtures/network-factory.js';

/** A seeded problem big enough that the search takes thousands of nodes. */
function hardProblem(seed: number, candidates = 80, lines = 8) {
  let state = seed;
  const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const list: TinyCandidate[] = Array.from({ length: candidates }, () => ({
    fixed: 5 + next() * 2,
    stock: Array.from({ length: lines }, () => (next() < 0.5 ? Math.floor(next() * 3) : 0)),
    unit: Array.from({ length: lines }, () => 1 + next()),
  }));
  return makeProblem({ qty: Array.from({ length: lines }, () => 2), candidates: list, maxShipments: 4, splitLines: true });
}

test('the same problem gives the same plan, runner-ups and cost', () => {
  const first = optimize(hardProblem(1));
  const second = optimize(hardProblem(1));
  assert.ok(first.proven);
  assert.equal(second.plan, first.plan);
  assert.equal(second.runnerUps, first.runnerUps);
  assert.equal(second.cost, first.cost);
});

test('the plan does not depend on the order the network lists locations in', () => {
  const ids = ['A1', 'B2', 'C3', 'D4'];
  const stock = Object.fromEntries(ids.map((id) => [id, { A: 2, B: 1 }]));
  const lines = [{ sku: 'A', qty: 2 }, { sku: 'B', qty: 1 }];
  const plan = (order: string[]) =>
    optimize(buildProblem(request({ lines }), network({ locations: order.map((id) => location(id)), stock }), strategyOf())).plan;
  assert.equal(plan([...ids].reverse()), plan(ids));
  assert.equal(plan(ids)!.shipments.map((s) => s.location), ['A1'], 'equal costs: the lowest id wins');
});

test('a node budget cuts the search: best plan so far, not proven', () => {
  const result = optimize(hardProblem(2), { maxNodes: 128 });
  assert.is(result.proven, false);
  assert.ok(result.plan !== null);
  assert.ok(result.nodesExplored <= 128);
  const exact = optimize(hardProblem(2));
  assert.ok(exact.proven);
  assert.ok(exact.cost! <= result.cost! + 1e-9);
});

test('a time budget cuts the search: best plan so far, not proven', () => {
  const result = optimize(hardProblem(3, 300, 10), { budgetMs: 0.05 });
  assert.is(result.proven, false);
  assert.ok(result.plan !== null, 'the greedy incumbent is there from the start');
});

test('stock short on a line: no plan, proven, with the short line', () => {
  const problem = makeProblem({
    qty: [2, 5],
    candidates: [{ fixed: 1, stock: [2, 1], unit: [1, 1] }, { fixed: 1, stock: [0, 2], unit: [1, 1] }],
    maxShipments: 3,
    splitLines: true,
  });
  const result = optimize(problem);
  assert.is(result.plan, null);
  assert.ok(result.proven);
  assert.is(result.infeasibility, 'short_stock');
  assert.equal(result.shortLines, [{ sku: 'SKU-1', qty: 5, available: 3, maxAtOneLocation: 2 }]);
});

test('without split lines a line no single location holds is short', () => {
  const problem = makeProblem({
    qty: [3],
    candidates: [{ fixed: 1, stock: [2], unit: [1] }, { fixed: 1, stock: [2], unit: [1] }],
    maxShipments: 2,
    splitLines: false,
  });
  assert.equal(optimize(problem).shortLines, [{ sku: 'SKU-0', qty: 3, available: 4, maxAtOneLocation: 2 }]);
  assert.is(optimize({ ...problem, splitLines: true }).plan?.shipments.length, 2);
});

test('needing more shipments than allowed: no plan, proven, split_limit', () => {
  const problem = makeProblem({
    qty: [1, 1, 1],
    candidates: [{ fixed: 1, stock: [1, 0, 0], unit: [1, 1, 1] }, { fixed: 1, stock: [0, 1, 0], unit: [1, 1, 1] }, { fixed: 1, stock: [0, 0, 1], unit: [1, 1, 1] }],
    maxShipments: 2,
    splitLines: false,
  });
  const result = optimize(problem);
  assert.is(result.plan, null);
  assert.ok(result.proven);
  assert.is(result.infeasibility, 'split_limit');
  assert.equal(result.shortLines, []);
});

test('runner-ups are other location sets, cheapest first, none cheaper than the plan', () => {
  const result = optimize(hardProblem(4));
  assert.ok(result.runnerUps.length > 0);
  const sets = [result.plan!, ...result.runnerUps.map((r) => r.plan)].map((p) => p.shipments.map((s) => s.location).join(','));
  assert.is(new Set(sets).size, sets.length);
  const costs = result.runnerUps.map((r) => r.cost);
  assert.equal(costs, [...costs].sort((a, b) => a - b));
  assert.ok(costs[0]! >= result.cost!);
});

test('a location dominated on stock and cost is pruned without changing the answer', () => {
  const problem = makeProblem({
    qty: [1, 1],
    candidates: [
      { fixed: 2, stock: [3, 3], unit: [1, 1] },
      { fixed: 3, stock: [1, 1], unit: [2, 1] },
      { fixed: 1, stock: [1, 0], unit: [0.5, 9] },
    ],
    maxShipments: 2,
    splitLines: true,
  });
  const pruned = optimize(problem);
  assert.is(pruned.pruned, 1);
  assert.is(pruned.cost, optimize(problem, { dominance: false }).cost);
});

test('a location holding only part of a line cannot dominate, even when cheaper', () => {
  // Each holds 6 of the 10 units: both are needed, so neither may be pruned.
  const problem = makeProblem({
    qty: [10],
    candidates: [{ fixed: 1, stock: [6], unit: [1] }, { fixed: 1, stock: [6], unit: [2] }],
    maxShipments: 2,
    splitLines: true,
  });
  const result = optimize(problem);
  assert.is(result.pruned, 0);
  assert.equal(result.plan!.shipments.map((s) => s.lines[0]!.qty), [6, 4]);
});

test('quantities beyond the 32-entry bound lists still give the optimum (checked with the MILP)', async () => {
  // 40 units from one-unit stores cheaper than the three deep ones: the bound's cheapest-units lists stop
  // at 32 entries (open), yet the optimum must match the MILP's.
  let state = 9;
  const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  for (let round = 0; round < 3; round++) {
    const candidates: TinyCandidate[] = Array.from({ length: 40 }, (_, c) => ({
      fixed: c < 3 ? 5 + next() : 0.01 + next() * 0.01,
      stock: c < 3 ? [20 + Math.floor(next() * 10), 15 + Math.floor(next() * 10)] : [1, next() < 0.5 ? 1 : 0],
      unit: c < 3 ? [1 + next(), 1 + next()] : [0.1 + next() * 0.1, 0.1 + next() * 0.1],
    }));
    const problem = makeProblem({ qty: [40, 36], candidates, maxShipments: 4, splitLines: true });
    const result = optimize(problem, { budgetMs: 10_000 });
    const milp = await solveMilp(problem, 10);
    assert.ok(result.proven);
    assert.is(milp.status, 'Optimal');
    assert.ok(Math.abs(result.cost! - milp.cost!) < 1e-6, `optimizer ${result.cost} vs MILP ${milp.cost}`);
  }
});

test('orders of more than 30 lines are solved exactly (without dominance pruning)', () => {
  let state = 5;
  const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const lines = 32;
  const candidates: TinyCandidate[] = Array.from({ length: 6 }, () => ({
    fixed: 3 + next(),
    stock: Array.from({ length: lines }, () => (next() < 0.7 ? 1 : 0)),
    unit: Array.from({ length: lines }, () => next()),
  }));
  const problem = makeProblem({ qty: Array.from({ length: lines }, () => 1), candidates, maxShipments: 3, splitLines: false });
  const result = optimize(problem);
  // Exhaustive over every set of at most 3 of the 6 locations, each allocated at least cost.
  let best = Infinity;
  for (let mask = 1; mask < 64; mask++) {
    const set = [0, 1, 2, 3, 4, 5].filter((c) => (mask & (1 << c)) !== 0);
    const allocation = set.length <= 3 ? allocateToSet(problem, set) : null;
    if (allocation !== null) best = Math.min(best, allocationCost(problem, allocation));
  }
  assert.ok(result.proven);
  assert.is(result.pruned, 0);
  assert.ok(result.plan !== null && Math.abs(result.cost! - best) < 1e-9);
});

test('a set allocated at least cost lists only the members that ship, ascending, with their units per line', () => {
  const problem = makeProblem({
    qty: [2, 1],
    candidates: [{ fixed: 0, stock: [5, 5], unit: [1, 3] }, { fixed: 0, stock: [5, 5], unit: [2, 2] }, { fixed: 0, stock: [5, 5], unit: [4, 1] }],
    maxShipments: 3,
    splitLines: false,
  });
  assert.equal(allocateToSet(problem, [2, 1, 0]), { members: [0, 2], units: [[2, 0], [0, 1]] }, 'L001 is dearer than another member on every line');
  assert.equal(allocateToSet(problem, [1]), { members: [1], units: [[2, 1]] });
});

test('greedy takes the nearest location that holds everything, the optimizer the cheapest plan', () => {
  const problem = makeProblem({
    qty: [1],
    candidates: [{ fixed: 1, stock: [1], unit: [5], distanceKm: 1 }, { fixed: 1, stock: [1], unit: [1], distanceKm: 50 }],
    maxShipments: 1,
    splitLines: false,
  });
  assert.equal(greedyPlan(problem).plan!.shipments.map((s) => s.location), ['L000']);
  assert.equal(optimize(problem).plan!.shipments.map((s) => s.location), ['L001']);
  assert.is(greedyPlan(problem).method, 'proximity-greedy');
});

test('greedy fills by distance and gives up past the shipment limit', () => {
  const problem = makeProblem({
    qty: [2, 1],
    candidates: [{ fixed: 0, stock: [1, 0], unit: [1, 1], distanceKm: 1 }, { fixed: 0, stock: [1, 0], unit: [1, 1], distanceKm: 2 }, { fixed: 0, stock: [0, 1], unit: [1, 1], distanceKm: 3 }],
    maxShipments: 3,
    splitLines: true,
  });
  assert.is(greedyPlan(problem).plan!.shipments.length, 3);
  assert.is(greedyPlan({ ...problem, maxShipments: 2 }).plan, null);
});

test('options are checked', () => {
  assert.throws(() => optimize(hardProblem(5), { budgetMs: 0 }), /budgetMs must be a number > 0/);
  assert.throws(() => optimize(hardProblem(5), { runnerUps: -1 }), /runnerUps/);
});

test.run();
