import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { optimize, type SourcingResult } from '../../src/sourcing/index.js';
import { prunedCandidates } from '../../src/sourcing/dominance.js';
import { ModelScratch, releaseModelScratch, takeModelScratch } from '../../src/sourcing/model-scratch.js';
import { makeProblem, type TinyProblem } from './fixtures/problem-factory.js';

// The search model's arrays are reused from one solve to the next (model-scratch.ts) and may hold a
// larger earlier problem's numbers past the current one's end. These tests solve problems of mixed sizes
// one after another and compare every result with the same problem solved in arrays never used before.

const problemOf = (maxCandidates: number, maxLines: number): fc.Arbitrary<TinyProblem> =>
  fc
    .record({ lines: fc.integer({ min: 1, max: maxLines }), candidates: fc.integer({ min: 1, max: maxCandidates }) })
    .chain(({ lines, candidates }) =>
      fc.record({
        qty: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: lines, maxLength: lines }),
        candidates: fc.array(
          fc.record({
            // Few distinct values, so ties (in cost, in score, in fixed cost) are common.
            fixed: fc.integer({ min: 0, max: 4 }).map((f) => f * 5),
            stock: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: lines, maxLength: lines }),
            unit: fc.array(fc.integer({ min: 0, max: 6 }).map((u) => u / 2), { minLength: lines, maxLength: lines }),
            distanceKm: fc.integer({ min: 0, max: 50 }),
          }),
          { minLength: candidates, maxLength: candidates },
        ),
        maxShipments: fc.integer({ min: 1, max: 4 }),
        splitLines: fc.boolean(),
      }),
    );

/** Everything a result says except the time it took. */
const comparable = ({ elapsedMicros: _, ...rest }: SourcingResult) => rest;

/** `optimize` in arrays no solve has used: the spare scratch is held aside meanwhile. */
function optimizeFresh(tiny: TinyProblem, dominance: boolean): SourcingResult {
  const held = takeModelScratch();
  try {
    return optimize(makeProblem(tiny), { dominance, runnerUps: 3 });
  } finally {
    releaseModelScratch(held);
  }
}

for (const dominance of [true, false]) {
  test(`a solve in reused arrays gives the fresh solve's result, plan, numbers, nodes and runner-ups (dominance ${dominance ? 'on' : 'off'})`, () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(problemOf(4, 3), problemOf(40, 4)), { minLength: 2, maxLength: 6 }), (sequence) => {
        for (const tiny of sequence) {
          const reused = optimize(makeProblem(tiny), { dominance, runnerUps: 3 });
          assert.equal(comparable(reused), comparable(optimizeFresh(tiny, dominance)));
        }
      }),
      { numRuns: 150, seed: dominance ? 17 : 18 },
    );
  });
}

/** Fills every array of the spare scratch with `value`, as if an earlier solve had left it there. */
function poisonSpare(value: number): void {
  const scratch = takeModelScratch();
  for (const slot of Object.values(scratch) as Array<{ get(size: number): { fill(v: number): unknown } }>) slot.get(4096).fill(value);
  releaseModelScratch(scratch);
}

test('a solve in arrays full of stale numbers gives the fresh solve\'s result', () => {
  fc.assert(
    fc.property(problemOf(40, 4), fc.constantFrom(0, 1, -1, -1e9, 1e9), fc.boolean(), (tiny, stale, dominance) => {
      poisonSpare(stale);
      const reused = optimize(makeProblem(tiny), { dominance, runnerUps: 3 });
      assert.equal(comparable(reused), comparable(optimizeFresh(tiny, dominance)));
    }),
    { numRuns: 400, seed: 23 },
  );
});

test('a large problem after a small one and the small one again: the same results as in fresh arrays', () => {
  const small: TinyProblem = { qty: [1], candidates: [{ fixed: 5, stock: [3], unit: [1] }, { fixed: 0, stock: [1], unit: [2] }, { fixed: 5, stock: [9], unit: [1] }], maxShipments: 2, splitLines: true };
  const large: TinyProblem = {
    qty: [3, 2, 4],
    candidates: Array.from({ length: 45 }, (_, i) => ({ fixed: (i * 7) % 11, stock: [i % 4, (i * 3) % 5, (i * 5) % 6], unit: [(i % 5) / 2, (i % 3) / 2, (i % 7) / 2], distanceKm: i % 9 })),
    maxShipments: 3,
    splitLines: true,
  };
  for (const tiny of [small, large, small, { ...large, splitLines: false }, small]) {
    assert.equal(comparable(optimize(makeProblem(tiny))), comparable(optimizeFresh(tiny, true)));
  }
});

test('a problem too large for the kept arrays is solved in its own, and the next small one as before', () => {
  // 120 candidates x 8 lines of 32 units, split: the suffix fills need ~31K entries, over what a scratch keeps.
  const huge: TinyProblem = {
    qty: Array.from({ length: 8 }, () => 32),
    candidates: Array.from({ length: 120 }, (_, i) => ({ fixed: (i * 7) % 13, stock: Array.from({ length: 8 }, (_, l) => (i * (l + 3)) % 40), unit: Array.from({ length: 8 }, (_, l) => ((i + l) % 9) / 2), distanceKm: i % 17 })),
    maxShipments: 4,
    splitLines: true,
  };
  const small: TinyProblem = { qty: [2], candidates: [{ fixed: 5, stock: [3], unit: [1] }, { fixed: 0, stock: [1], unit: [2] }], maxShipments: 2, splitLines: true };
  // A node limit, not the clock, ends the huge search: both solves must stop at the same place.
  const options = { maxNodes: 3_000, budgetMs: 600_000 };
  for (const tiny of [small, huge, small, huge]) {
    const reused = optimize(makeProblem(tiny), options);
    const held = takeModelScratch();
    try {
      assert.equal(comparable(reused), comparable(optimize(makeProblem(tiny), options)));
    } finally {
      releaseModelScratch(held);
    }
  }
});

/** Dominance by its definition (dominance.ts), every pair compared: the reference for both of its scans. */
function droppedByDefinition(tiny: TinyProblem): number[] {
  const L = tiny.qty.length;
  const cs = tiny.candidates;
  const cap = (c: number, l: number) => (tiny.splitLines ? Math.min(cs[c]!.stock[l]!, tiny.qty[l]!) : cs[c]!.stock[l]! >= tiny.qty[l]! ? tiny.qty[l]! : 0);
  const ships = (c: number, l: number) => cap(c, l) > 0;
  const weakly = (a: number, b: number) => {
    if (cs[a]!.fixed > cs[b]!.fixed) return false;
    for (let l = 0; l < L; l++) if (ships(b, l) && (cap(a, l) < tiny.qty[l]! || cs[a]!.unit[l]! > cs[b]!.unit[l]!)) return false;
    return true;
  };
  const dropped: number[] = [];
  for (let b = 0; b < cs.length; b++) {
    const shipsAny = tiny.qty.some((_, l) => ships(b, l));
    const dominated = cs.some((_, a) => a !== b && tiny.qty.some((_, l) => cap(a, l) >= tiny.qty[l]!) && weakly(a, b) && (!weakly(b, a) || a < b));
    if (!shipsAny || dominated) dropped.push(b);
  }
  return dropped;
}

test('dominance drops exactly the candidates its definition names, with few candidates and with many', () => {
  fc.assert(
    fc.property(fc.oneof(problemOf(8, 3), problemOf(60, 3)), (tiny) => {
      const problem = makeProblem(tiny);
      const L = tiny.qty.length;
      const qty = Float64Array.from(tiny.qty);
      const cap = new Float64Array(tiny.candidates.length * L);
      tiny.candidates.forEach((c, i) => {
        for (let l = 0; l < L; l++) cap[i * L + l] = tiny.splitLines ? Math.min(c.stock[l]!, qty[l]!) : c.stock[l]! >= qty[l]! ? qty[l]! : 0;
      });
      // A used scratch, so stale flags from a larger problem would show.
      const scratch = new ModelScratch();
      scratch.drop.get(80).fill(1);
      scratch.ships.get(80).fill(-1);
      scratch.whole.get(80).fill(-1);
      const drop = prunedCandidates(tiny.candidates.length, L, qty, cap, problem.unitCost, problem.fixedCost, scratch);
      const dropped = tiny.candidates.flatMap((_, c) => (drop[c] === 1 ? [c] : []));
      assert.equal(dropped, droppedByDefinition(tiny));
    }),
    { numRuns: 300, seed: 5 },
  );
});

test.run();
