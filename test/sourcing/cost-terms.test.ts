import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { distanceKm } from '../../src/domain/geo.js';
import { buildProblem, optimize, type SourcingNetwork, type SourcingStrategy } from '../../src/sourcing/index.js';
import { BERLIN, location, network, NO_COSTS, request, strategyOf } from './fixtures/network-factory.js';

const POTSDAM = { lat: 52.39, lon: 13.065 };
const near = (a: number, b: number) => Math.abs(a - b) < 1e-9;

/** Solves a one-line order and returns where it shipped from and the plan's cost by term. */
function source(net: SourcingNetwork, strategy: SourcingStrategy, lines = [{ sku: 'A', qty: 1 }]) {
  const result = optimize(buildProblem(request({ lines }), net, strategy));
  return { from: result.plan?.shipments.map((s) => s.location), terms: result.breakdown!.terms, cost: result.cost! };
}

test('shipping: costs distance x weight x rate, bulky items times the multiplier', () => {
  const net = network({
    locations: [location('FAR', { geo: POTSDAM }), location('NEAR', { geo: { lat: 52.5, lon: 13.4 } })],
    stock: { FAR: { A: 1, B: 1 }, NEAR: { B: 1 } },
    products: { A: { weightKg: 2 }, B: { weightKg: 2, bulky: true } },
  });
  const strategy = strategyOf({ costs: { ...NO_COSTS, shippingPerKgKm: 0.01, bulkyMultiplier: 3 } });
  const km = distanceKm(POTSDAM, BERLIN);
  const plain = source(net, strategy);
  assert.equal(plain.from, ['FAR']);
  assert.ok(near(plain.terms.shipping!, 0.01 * km * 2));
  const bulky = source(net, strategy, [{ sku: 'B', qty: 1 }]);
  assert.equal(bulky.from, ['NEAR'], 'the nearer location ships');
  assert.ok(near(bulky.terms.shipping!, 0.01 * distanceKm({ lat: 52.5, lon: 13.4 }, BERLIN) * 2 * 3));
});

test('shipping: a product without a weight weighs the profile default', () => {
  const net = network({ locations: [location('FAR', { geo: POTSDAM })], stock: { FAR: { A: 1 } } });
  const strategy = strategyOf({ costs: { ...NO_COSTS, shippingPerKgKm: 0.01 } }, { defaultWeightKg: 1.5 });
  assert.ok(near(source(net, strategy).terms.shipping!, 0.01 * distanceKm(POTSDAM, BERLIN) * 1.5));
});

test('fixed cost per shipment: makes one shipment beat two cheaper half-orders', () => {
  const net = network({
    locations: [location('ONE'), location('X'), location('Y')],
    stock: { ONE: { A: 1, B: 1 }, X: { A: 1 }, Y: { B: 1 } },
    stockAttributes: { ONE: { A: { sellThroughPerDay: 1 }, B: { sellThroughPerDay: 1 } } },
  });
  const lines = [{ sku: 'A', qty: 1 }, { sku: 'B', qty: 1 }];
  // ONE costs 1 per unit more (sell-through); a second shipment costs 5.
  const split = { policy: 'allow' as const, maxShipments: 2, splitLines: false };
  const cheapSplits = strategyOf({ split, costs: { ...NO_COSTS, sellThrough: { weight: 1 } } });
  assert.equal(source(net, cheapSplits, lines).from, ['X', 'Y']);
  const dearSplits = strategyOf({ split, costs: { ...NO_COSTS, sellThrough: { weight: 1 }, fixedPerShipment: 5 } });
  const one = source(net, dearSplits, lines);
  assert.equal(one.from, ['ONE']);
  assert.ok(near(one.terms.shipment!, 5));
});

test('inventory age: older stock is cheaper to ship', () => {
  const net = network({
    locations: [location('FRESH'), location('OLD')],
    stock: { FRESH: { A: 1 }, OLD: { A: 1 } },
    stockAttributes: { FRESH: { A: { ageDays: 10 } }, OLD: { A: { ageDays: 170 } } },
  });
  const result = source(net, strategyOf({ costs: { ...NO_COSTS, inventoryAge: { weight: 1.8, horizonDays: 180 } } }));
  assert.equal(result.from, ['OLD']);
  assert.ok(near(result.terms.inventoryAge!, 1.8 * (1 - 170 / 180)));
});

test('inventory age: a location whose age is unknown counts as the mean known age of the line, neither oldest nor newest', () => {
  const ages = { FRESH: { A: { ageDays: 10 } }, OLD: { A: { ageDays: 170 } } };
  const age = strategyOf({ costs: { ...NO_COSTS, inventoryAge: { weight: 1.8, horizonDays: 180 } } });
  // `AAA` sorts first: on a tie it would ship, so it wins only if "unknown" looked cheapest.
  const three = network({ locations: [location('AAA'), location('FRESH'), location('OLD')], stock: { AAA: { A: 1 }, FRESH: { A: 1 }, OLD: { A: 1 } }, stockAttributes: ages });
  assert.equal(source(three, age).from, ['OLD'], 'unknown does not pass for infinitely old');
  const problem = buildProblem(request(), three, age);
  const ageTerm = problem.unitTermNames.indexOf('inventoryAge');
  const termOf = (c: number) => problem.unitTerms[c * problem.unitTermNames.length + ageTerm]!;
  assert.ok(near(termOf(0), 1.8 * (1 - 90 / 180)), 'priced at the mean of 10 and 170 days');
  assert.ok(termOf(2) < termOf(0) && termOf(0) < termOf(1), 'between the old and the fresh');
  const freshOnly = network({ locations: [location('AAA'), location('FRESH')], stock: { AAA: { A: 1 }, FRESH: { A: 1 } }, stockAttributes: ages });
  assert.equal(source(freshOnly, age).from, ['AAA'], 'nor for brand new: against one known age it ties, and the tie-break decides');
});

test('inventory age: with no age known anywhere the term is 0 for every location, and a weight of 0 ignores known ones', () => {
  const none = network({ locations: [location('A1'), location('B1')], stock: { A1: { A: 1 }, B1: { A: 1 } } });
  const unknown = source(none, strategyOf({ costs: { ...NO_COSTS, inventoryAge: { weight: 1.8, horizonDays: 180 } } }));
  assert.equal([unknown.from, unknown.terms.inventoryAge], [['A1'], 0]);
  const dated = network({ locations: [location('A1'), location('B1')], stock: { A1: { A: 1 }, B1: { A: 1 } }, stockAttributes: { A1: { A: { ageDays: 1 } }, B1: { A: { ageDays: 170 } } } });
  assert.equal(source(dated, strategyOf()).from, ['A1'], 'weight 0: the older stock does not win, the tie-break does');
  assert.equal(source(dated, strategyOf({ costs: { ...NO_COSTS, inventoryAge: { weight: 0.2, horizonDays: 180 } } })).from, ['B1']);
});

test('sell-through: keeps stock where it sells', () => {
  const net = network({
    locations: [location('BUSY'), location('QUIET')],
    stock: { BUSY: { A: 1 }, QUIET: { A: 1 } },
    stockAttributes: { BUSY: { A: { sellThroughPerDay: 5 } }, QUIET: { A: { sellThroughPerDay: 0.5 } } },
  });
  const result = source(net, strategyOf({ costs: { ...NO_COSTS, sellThrough: { weight: 2 } } }));
  assert.equal(result.from, ['QUIET']);
  assert.ok(near(result.terms.sellThrough!, 1));
});

test('stock level: deep prefers the deepest location, balance spares locations below the mean', () => {
  const net = network({ locations: [location('THIN'), location('MID'), location('DEEP')], stock: { THIN: { A: 2 }, MID: { A: 6 }, DEEP: { A: 10 } } });
  const deep = source(net, strategyOf({ costs: { ...NO_COSTS, stockLevel: { weight: 1, mode: 'deep' } } }));
  assert.equal(deep.from, ['DEEP']);
  assert.ok(near(deep.terms.stockLevel!, 0));
  const problem = buildProblem(request(), net, strategyOf({ costs: { ...NO_COSTS, stockLevel: { weight: 1, mode: 'balance' } } }));
  // Mean of 2, 6 and 10 is 6: THIN pays 1 - 2/6, MID and DEEP nothing.
  assert.equal([...problem.unitCost].map((c) => Math.round(c * 1e6) / 1e6), [0, 0, Math.round((1 - 2 / 6) * 1e6) / 1e6]);
});

test('markdown: ships the cheapest-priced units first', () => {
  const net = network({
    locations: [location('FULL'), location('SALE')],
    stock: { FULL: { A: 1 }, SALE: { A: 1 } },
    products: { A: { price: 50 } },
    stockAttributes: { SALE: { A: { markdownPrice: 20 } } },
  });
  const result = source(net, strategyOf({ costs: { ...NO_COSTS, markdown: { weight: 0.1 } } }));
  assert.equal(result.from, ['SALE']);
  assert.ok(near(result.terms.markdown!, 2));
});

test('location load: a busy location costs more per shipment', () => {
  const net = network({
    locations: [
      location('BUSY', { capacity: { maxOpenOrders: 10 }, openOrders: 8 }),
      location('CALM', { capacity: { maxOpenOrders: 10, dailyOrders: 100 }, openOrders: 1, ordersToday: 20 }),
    ],
    stock: { BUSY: { A: 1 }, CALM: { A: 1 } },
  });
  const result = source(net, strategyOf({ costs: { ...NO_COSTS, locationLoad: { weight: 3 } } }));
  assert.equal(result.from, ['CALM']);
  assert.ok(near(result.terms.locationLoad!, 3 * 0.2), 'the tighter of the two limits counts');
});

test('the breakdown adds up to the cost, per term and per shipment', () => {
  const net = network({
    locations: [location('L1', { geo: POTSDAM }), location('L2')],
    stock: { L1: { A: 2, B: 1 }, L2: { A: 1 } },
    products: { A: { weightKg: 3, price: 10 }, B: { price: 5 } },
    stockAttributes: { L1: { A: { ageDays: 30, sellThroughPerDay: 1 } } },
  });
  const strategy = strategyOf({ costs: { shippingPerKgKm: 0.01, fixedPerShipment: 1, markdown: { weight: 0.1 }, inventoryAge: { weight: 1, horizonDays: 90 } } });
  const result = optimize(buildProblem(request({ lines: [{ sku: 'A', qty: 3 }, { sku: 'B', qty: 1 }] }), net, strategy));
  const breakdown = result.breakdown!;
  const sum = (values: Record<string, number>) => Object.values(values).reduce((a, b) => a + b, 0);
  assert.ok(near(sum(breakdown.terms), result.cost!));
  assert.ok(near(breakdown.shipments.reduce((a, s) => a + s.total, 0), result.cost!));
  for (const shipment of breakdown.shipments) assert.ok(near(sum(shipment.terms), shipment.total));
});

test.run();
