import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { placeOrder } from '../../../src/orders/index.js';
import { BERLIN, PLACES, seedNetwork, withEngine } from './world.js';

/**
 * The decision record as stored, in shape: its key (`<order>/<16-digit step seq>/<n>`) and its fields in the
 * order the record has always had (so the same MessagePack bytes). A guard for allocation cuts in
 * recordDecision: building the record field by field, or caching the padded seq per step, are easy to get
 * subtly wrong (both were tried on branch `intake-rest`, and this test failed when either was broken).
 */
test('an intake decision is stored under <order>/<padded step seq>/<n> with its fields in their fixed order', async () => {
  await withEngine(async ({ run: { fulcrum } }) => {
    await seedNetwork(fulcrum, { locations: { MITTE: { at: PLACES.mitte }, MUNICH: { at: PLACES.munich } }, stock: [['MITTE', 'A', 5], ['MUNICH', 'A', 5]] });
    const first = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 1 }] }, 'k');
    const second = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 2 }] }, 'k');
    await second.durable;
    const stored = [...fulcrum.engine.store.decisions.getRange({})].map(({ key, value }) => ({ key: String(key), value: value as { v: number; doc: Record<string, unknown> } }));
    assert.is(stored.length, 2);
    const seqs: number[] = [];
    for (const [i, placed] of [first, second].entries()) {
      const { key, value } = stored[i]!;
      const m = /^(.+)\/(\d{16})\/(\d+)$/.exec(key);
      assert.ok(m, `key ${key}`);
      assert.is(m![1], placed.value.id);
      assert.is(m![3], '0');
      seqs.push(Number(m![2]));
      const doc = value.doc;
      assert.equal(Object.keys(doc), ['at', 'kind', 'lines', 'profile', 'strategy', 'outcome', 'fulfilments', 'explanation', 'problem', 'tried']);
      assert.is(doc.kind, 'intake');
      assert.equal(doc.profile, { id: 'default', version: 1 });
      assert.is(doc.outcome, 'planned');
      assert.equal(doc.fulfilments, [`${placed.value.id}-1`]);
      assert.is(doc.explanation, null, 'a proven decision stores its problem, not its explanation');
      assert.ok(doc.problem && typeof doc.problem === 'object');
    }
    assert.ok(seqs[1]! > seqs[0]!, `each step's own seq: ${seqs}`);
  });
});

test.run();
