import { test } from 'uvu';
import * as assert from 'uvu/assert';
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

test.run();
