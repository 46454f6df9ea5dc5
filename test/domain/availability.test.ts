import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { availableToSell, locationContribution, poolBuffer } from '../../src/domain/availability.js';
import { AvailabilityIndex, type AvailabilityChange } from '../../src/stock/index.js';
import { DEFAULT_POOL } from '../../src/stock/pool.js';

test('a location contributes its free units less its buffer, never below 0', () => {
  assert.is(locationContribution({}, 'A', 10), 10);
  assert.is(locationContribution({ locationBuffers: { A: 3 } }, 'A', 10), 7);
  assert.is(locationContribution({ locationBuffers: { A: 30 } }, 'A', 10), 0);
});

test('pool buffers: units, percent (rounded up), and per-SKU overrides', () => {
  assert.is(poolBuffer({ buffer: { units: 5 } }, 'X', 100), 5);
  assert.is(poolBuffer({ buffer: { percent: 10 } }, 'X', 95), 10);
  assert.is(poolBuffer({ buffer: { percent: 10 }, skuBuffers: { X: 2 } }, 'X', 95), 2);
  assert.is(availableToSell({ buffer: { units: 5 } }, 'X', 3), 0);
  assert.is(availableToSell({ buffer: { units: 5 } }, 'X', 12), 7);
});

test('the index sums active member locations and reports each change', () => {
  const index = new AvailabilityIndex();
  const changes: AvailabilityChange[] = [];
  index.setPool(DEFAULT_POOL, changes);
  index.setPool({ id: 'north', name: 'north', locations: { tags: ['north'] }, buffer: { units: 1 } }, changes);
  index.setLocation({ id: 'HAM', active: true, tags: ['north'] }, changes);
  index.setLocation({ id: 'MUC', active: true, tags: ['south'] }, changes);
  index.update('HAM', 'A', 5, changes);
  index.update('MUC', 'A', 7, changes);
  assert.is(index.ats('default', 'A'), 12);
  assert.is(index.ats('north', 'A'), 4);
  assert.equal(index.breakdown('default', 'A'), [{ id: 'MUC', ats: 7 }, { id: 'HAM', ats: 5 }]);
  assert.equal(changes.at(-1), { pool: 'default', sku: 'A', ats: 12 });

  changes.length = 0;
  index.setLocation({ id: 'HAM', active: false, tags: ['north'] }, changes);
  assert.is(index.ats('default', 'A'), 7, 'a paused location stops contributing');
  assert.is(index.ats('north', 'A'), 0);
  assert.equal(changes.sort((a, b) => a.pool.localeCompare(b.pool)), [
    { pool: 'default', sku: 'A', ats: 7 },
    { pool: 'north', sku: 'A', ats: 0 },
  ]);
  index.update('MUC', 'A', 0, changes);
  assert.is(index.freeBySku('A')?.has('MUC') ?? false, false, 'empty positions leave the index');
});

test('redefining a pool recomputes what it affects', () => {
  const index = new AvailabilityIndex();
  const changes: AvailabilityChange[] = [];
  index.setPool(DEFAULT_POOL, changes);
  index.setLocation({ id: 'L1', active: true, tags: [] }, changes);
  index.setLocation({ id: 'L2', active: true, tags: [] }, changes);
  index.update('L1', 'A', 10, changes);
  index.update('L2', 'A', 10, changes);
  index.setPool({ id: 'p', name: 'p', locations: { ids: ['L1'] } }, changes);
  assert.is(index.ats('p', 'A'), 10);
  changes.length = 0;
  index.setPool({ id: 'p', name: 'p', locations: { ids: ['L1', 'L2'] }, locationBuffers: { L2: 4 } }, changes);
  assert.is(index.ats('p', 'A'), 16);
  assert.equal(changes, [{ pool: 'p', sku: 'A', ats: 16 }]);
});

test('the per-location breakdown keeps the pool buffer back at the deepest locations and adds up to the ATS', () => {
  const index = new AvailabilityIndex();
  const changes: AvailabilityChange[] = [];
  index.setPool({ id: 'web', name: 'web', channel: 'web', locations: { all: true }, buffer: { units: 3 } }, changes);
  index.setLocation({ id: 'BER', active: true, tags: [] }, changes);
  index.setLocation({ id: 'HAM', active: true, tags: [] }, changes);
  index.update('BER', 'A', 5, changes);
  index.update('HAM', 'A', 4, changes);
  assert.is(index.ats('web', 'A'), 6);
  assert.equal(index.breakdown('web', 'A'), [{ id: 'HAM', ats: 4 }, { id: 'BER', ats: 2 }]);
  index.update('HAM', 'A', 1, changes);
  assert.is(index.ats('web', 'A'), 3);
  assert.equal(index.breakdown('web', 'A'), [{ id: 'BER', ats: 2 }, { id: 'HAM', ats: 1 }]);
  index.update('BER', 'A', 2, changes);
  assert.equal(index.breakdown('web', 'A'), [], 'nothing to sell: no location is listed');
});

test('for any stock and buffers, the breakdown sums to the pool ATS with no location at 0 or below', () => {
  const location = fc.record({ free: fc.nat(40), buffer: fc.nat(6), member: fc.boolean() });
  const poolBuffer = fc.oneof(fc.constant(undefined), fc.record({ units: fc.nat(30) }), fc.record({ percent: fc.integer({ min: 0, max: 100 }) }));
  fc.assert(
    fc.property(fc.array(location, { minLength: 1, maxLength: 6 }), poolBuffer, fc.option(fc.nat(30), { nil: undefined }), (locations, buffer, skuBuffer) => {
      const index = new AvailabilityIndex();
      const changes: AvailabilityChange[] = [];
      const ids = locations.map((_, i) => `L${i}`);
      index.setPool(
        {
          id: 'p', name: 'p', locations: { ids: ids.filter((_, i) => locations[i]!.member) },
          locationBuffers: Object.fromEntries(ids.map((id, i) => [id, locations[i]!.buffer])),
          ...(buffer ? { buffer } : {}), ...(skuBuffer === undefined ? {} : { skuBuffers: { A: skuBuffer } }),
        },
        changes,
      );
      locations.forEach((l, i) => {
        index.setLocation({ id: ids[i]!, active: true, tags: [] }, changes);
        index.update(ids[i]!, 'A', l.free, changes);
      });
      const rows = index.breakdown('p', 'A');
      assert.is(rows.reduce((n, r) => n + r.ats, 0), index.ats('p', 'A'));
      for (const r of rows) assert.ok(r.ats > 0 && index.isMember('p', r.id));
    }),
    { numRuns: 500 },
  );
});

test.run();
