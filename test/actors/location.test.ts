import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor } from 'xstate';
import { locationMachine, type LocationInfo } from '../../actors/index.js';

const info: LocationInfo = { name: 'L', type: 'store', geo: { lat: 1, lon: 1 }, country: 'DE', capabilities: [], tags: [], status: 'active' };

function location() {
  const actor = createActor(locationMachine, { input: { id: 'L1', info } }).start();
  actor.send({ type: 'stock.counted', sku: 'A', status: 'sellable', onHand: 5, at: 't' });
  return actor;
}

test('reserves only what is free, counting repeated SKUs together', () => {
  const a = location();
  const before = a.getSnapshot();
  a.send({ type: 'stock.reserved', ref: 'o1', lines: [{ sku: 'A', qty: 3 }, { sku: 'A', qty: 3 }] });
  assert.is(a.getSnapshot(), before, 'refused: 6 asked, 5 free');
  a.send({ type: 'stock.reserved', ref: 'o1', lines: [{ sku: 'A', qty: 3 }, { sku: 'A', qty: 2 }] });
  const p = a.getSnapshot().context.positions.get('A')!;
  assert.equal([p.sellable, p.reserved], [0, 5]);
});

test('a one-line reservation takes at most what is sellable, and nothing of a SKU the location does not hold', () => {
  const a = location();
  const before = a.getSnapshot();
  a.send({ type: 'stock.reserved', ref: 'o1', lines: [{ sku: 'A', qty: 6 }] });
  assert.is(a.getSnapshot(), before, 'refused: 6 asked, 5 sellable');
  a.send({ type: 'stock.reserved', ref: 'o1', lines: [{ sku: 'B', qty: 1 }] });
  assert.is(a.getSnapshot(), before, 'refused: no position for B');
  a.send({ type: 'stock.reserved', ref: 'o1', lines: [{ sku: 'A', qty: 5 }] });
  const p = a.getSnapshot().context.positions.get('A')!;
  assert.equal([p.sellable, p.reserved], [0, 5]);
  a.send({ type: 'stock.reserved', ref: 'o2', lines: [{ sku: 'A', qty: 1 }] });
  assert.equal(a.getSnapshot().context.positions.get('A')!.reserved, 5, 'refused: nothing left');
});

test('a paused location takes no new reservations but still releases and ships', () => {
  const a = location();
  a.send({ type: 'stock.reserved', ref: 'o1', lines: [{ sku: 'A', qty: 2 }] });
  a.send({ type: 'location.configured', info: { ...info, status: 'paused' } });
  assert.is(a.getSnapshot().value, 'paused');
  const before = a.getSnapshot();
  a.send({ type: 'stock.reserved', ref: 'o2', lines: [{ sku: 'A', qty: 1 }] });
  assert.is(a.getSnapshot(), before);
  a.send({ type: 'stock.shipped', ref: 'o1', lines: [{ sku: 'A', qty: 1 }] });
  a.send({ type: 'stock.released', ref: 'o1', lines: [{ sku: 'A', qty: 1 }] });
  const p = a.getSnapshot().context.positions.get('A')!;
  assert.equal([p.sellable, p.reserved, p.shipped], [4, 0, 1]);
});

test('releasing more than is reserved is refused', () => {
  const a = location();
  const before = a.getSnapshot();
  a.send({ type: 'stock.released', ref: 'o1', lines: [{ sku: 'A', qty: 1 }] });
  assert.is(a.getSnapshot(), before);
});

test('a count below reservations emits stock.short', () => {
  const a = location();
  const seen: unknown[] = [];
  a.on('stock.short', (e) => seen.push(e));
  a.send({ type: 'stock.reserved', ref: 'o1', lines: [{ sku: 'A', qty: 4 }] });
  a.send({ type: 'stock.counted', sku: 'A', status: 'sellable', onHand: 1, at: 't' });
  assert.equal(seen, [{ type: 'stock.short', location: 'L1', sku: 'A', shortBy: 3 }]);
});

test('a stale count changes nothing, so the engine can report it ignored', () => {
  const a = location();
  a.send({ type: 'stock.counted', sku: 'A', status: 'sellable', onHand: 5, asOf: '2026-01-02T00:00:00Z', at: 't' });
  const before = a.getSnapshot();
  a.send({ type: 'stock.counted', sku: 'A', status: 'sellable', onHand: 9, asOf: '2026-01-01T00:00:00Z', at: 't' });
  assert.is(a.getSnapshot(), before);
});

test.run();
