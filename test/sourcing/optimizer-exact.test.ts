import fc from 'fast-check';
import { test } from 'uvu';
import { greedyPlan, optimize } from '../../src/sourcing/index.js';
import { bruteForceCost, makeProblem, type TinyProblem } from './fixtures/problem-factory.js';

const tinyProblem: fc.Arbitrary<TinyProblem> = fc
  .record({ lines: fc.integer({ min: 1, max: 3 }), candidates: fc.integer({ min: 1, max: 5 }) })
  .chain(({ lines, candidates }) =>
    fc.record({
      qty: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: lines, maxLength: lines }),
      candidates: fc.array(
        fc.record({
          fixed: fc.integer({ min: 0, max: 30 }),
          stock: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: lines, maxLength: lines }),
          unit: fc.array(fc.double({ min: -2, max: 20, noNaN: true }), { minLength: lines, maxLength: lines }),
          distanceKm: fc.integer({ min: 0, max: 500 }),
        }),
        { minLength: candidates, maxLength: candidates },
      ),
      maxShipments: fc.integer({ min: 1, max: 3 }),
      splitLines: fc.boolean(),
    }),
  );

const same = (a: number | null, b: number | null) =>
  a === null || b === null ? a === b : Math.abs(a - b) <= 1e-7 * Math.max(1, Math.abs(b));

test('finds the same minimum cost as exhaustive enumeration', () => {
  fc.assert(
    fc.property(tinyProblem, (tiny) => {
      const result = optimize(makeProblem(tiny));
      return result.proven && same(result.cost, bruteForceCost(tiny));
    }),
    { numRuns: 400, seed: 42 },
  );
});

test('finds the same minimum cost with dominance pruning turned off', () => {
  fc.assert(
    fc.property(tinyProblem, (tiny) => same(optimize(makeProblem(tiny), { dominance: false }).cost, bruteForceCost(tiny))),
    { numRuns: 200, seed: 7 },
  );
});

test('never costs more than the proximity-greedy plan', () => {
  fc.assert(
    fc.property(tinyProblem, (tiny) => {
      const problem = makeProblem(tiny);
      const greedy = greedyPlan(problem).cost;
      const best = optimize(problem).cost;
      return greedy === null || (best !== null && best <= greedy + 1e-9);
    }),
    { numRuns: 200, seed: 3 },
  );
});

test('returns plans that assign every unit within stock and the shipment limit', () => {
  fc.assert(
    fc.property(tinyProblem, (tiny) => {
      const problem = makeProblem(tiny);
      const { plan } = optimize(problem);
      if (plan === null) return true;
      if (plan.shipments.length > tiny.maxShipments) return false;
      return tiny.qty.every((qty, l) => {
        const parts = plan.shipments.flatMap((s) => s.lines.filter((it) => it.sku === `SKU-${l}`).map((it) => ({ s, qty: it.qty })));
        const withinStock = parts.every((p) => p.qty <= tiny.candidates[Number(p.s.location.slice(1))]!.stock[l]!);
        const whole = tiny.splitLines || parts.length === 1;
        return withinStock && whole && parts.reduce((sum, p) => sum + p.qty, 0) === qty;
      });
    }),
    { numRuns: 200, seed: 11 },
  );
});

test.run();
