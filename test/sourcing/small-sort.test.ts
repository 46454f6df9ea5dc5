import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sortSmall } from '../../src/sourcing/small-sort.js';

test('sortSmall orders exactly as Array.prototype.sort, ties kept in place, short and long arrays', () => {
  let seed = 7;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  for (let length = 0; length <= 40; length++) {
    for (let round = 0; round < 20; round++) {
      // Few distinct keys, so ties are common: stability decides where equal keys go.
      const items = Array.from({ length }, (_, i) => ({ key: Math.floor(random() * 4), i }));
      const byKey = (a: { key: number }, b: { key: number }) => a.key - b.key;
      const expected = [...items].sort(byKey);
      const copy = [...items];
      const sorted = sortSmall(copy, byKey);
      assert.is(sorted, copy, 'sorted in place, the same array returned');
      assert.equal(sorted, expected, `length ${length}`);
    }
  }
});

test.run();
