import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HolderMap, LocationNumbers } from '../../src/stock/holders.js';

/**
 * A SKU's holders must read exactly as the `Map<location, units>` they replace: the same entries in the same
 * order (sourcing walks them in that order), through sparse and dense slots, holes and their compaction, and
 * locations numbered after the table was built.
 */
type Op = { set: [number, number] } | { del: number };

const op = (locations: number): fc.Arbitrary<Op> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.tuple(fc.nat(locations - 1), fc.integer({ min: 1, max: 50 })).map((set): Op => ({ set })) },
    { weight: 2, arbitrary: fc.nat(locations - 1).map((del): Op => ({ del })) },
  );

function check(locations: number, ops: Op[], numberedFirst: number): void {
  const numbers = new LocationNumbers();
  // Some locations get their numbers before any stock (as setLocation does at start), the rest on first sight.
  for (let i = 0; i < numberedFirst; i++) numbers.of(`L${i}`);
  const holders = new HolderMap(numbers);
  const model = new Map<string, number>();
  for (const o of ops) {
    if ('set' in o) {
      const [loc, units] = o.set;
      holders.set(numbers.of(`L${loc}`), `L${loc}`, units);
      model.set(`L${loc}`, units);
    } else {
      const id = `L${o.del}`;
      assert.is(holders.delete(numbers.of(id)), model.delete(id), `delete ${id}`);
    }
    assert.is(holders.size, model.size);
  }
  assert.equal([...holders], [...model], 'entries, in order');
  assert.equal([...holders.keys()], [...model.keys()]);
  assert.equal([...holders.values()], [...model.values()]);
  const seen: Array<[string, number]> = [];
  holders.forEach((units, id) => seen.push([id, units]));
  assert.equal(seen, [...model]);
  for (let loc = 0; loc < locations + 2; loc++) {
    assert.is(holders.get(`L${loc}`), model.get(`L${loc}`), `get L${loc}`);
    assert.is(holders.has(`L${loc}`), model.has(`L${loc}`));
  }
  assert.is(holders.get('never-seen'), undefined);
}

test('holders read as a Map: same entries in the same order, whatever the sets and deletes (few locations: sparse slots)', () => {
  fc.assert(
    fc.property(fc.array(op(12), { maxLength: 200 }), fc.nat(12), (ops, first) => check(12, ops, first)),
    { numRuns: 500 },
  );
});

test('holders read as a Map across the dense table, holes, compaction and locations numbered late (many locations)', () => {
  fc.assert(
    fc.property(fc.array(op(300), { minLength: 50, maxLength: 2000 }), fc.nat(300), (ops, first) => check(300, ops, first)),
    { numRuns: 200 },
  );
});

test('a load that fills then empties every position stays in order and ends empty', () => {
  const numbers = new LocationNumbers();
  const holders = new HolderMap(numbers);
  for (let i = 0; i < 1000; i++) holders.set(numbers.of(`L${i}`), `L${i}`, i + 1);
  for (let i = 0; i < 1000; i += 2) holders.delete(numbers.of(`L${i}`));
  holders.set(numbers.of('L0'), 'L0', 7);
  const keys = [...holders.keys()];
  assert.is(keys.length, 501);
  assert.is(keys[0], 'L1');
  assert.is(keys.at(-1), 'L0', 'a location that gets units again goes last, as in a Map');
  for (let i = 1; i < 1000; i += 2) holders.delete(numbers.of(`L${i}`));
  holders.delete(numbers.of('L0'));
  assert.is(holders.size, 0);
  assert.equal([...holders], []);
});

test.run();
