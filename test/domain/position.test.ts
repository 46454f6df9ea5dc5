import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  applyCount,
  applyDelta,
  applyMove,
  checkDelta,
  checkMove,
  emptyPosition,
  isConserved,
  onHand,
  receivedAt,
  releaseUnits,
  reserveUnits,
  shipUnits,
} from '../../src/domain/position.js';

test('on hand is every unit physically there, whatever its status, but not units in transit to it nor shipped ones', () => {
  const p = emptyPosition();
  applyCount(p, 'sellable', 10, undefined);
  reserveUnits(p, 2);
  applyMove(p, 'sellable', 'display', 3);
  applyMove(p, 'sellable', 'damaged', 1);
  assert.is(onHand(p), 10, 'a move between statuses changes nothing on hand');
  shipUnits(p, 1);
  assert.is(onHand(p), 9, 'a shipped unit has left');
  applyDelta(p, 'in_transit', 4);
  assert.is(onHand(p), 9, 'units in transit are not there yet');
  applyMove(p, 'in_transit', 'sellable', 4);
  assert.is(onHand(p), 13, 'received, they are');
  assert.ok(isConserved(p));
});

test('an absolute count sets physical stock; reserved units stay reserved', () => {
  const p = emptyPosition();
  applyCount(p, 'sellable', 10, undefined);
  reserveUnits(p, 4);
  const outcome = applyCount(p, 'sellable', 6, undefined);
  assert.equal(outcome, { applied: true });
  assert.equal([p.sellable, p.reserved], [2, 4]);
  assert.ok(isConserved(p));
});

test('a count below what is reserved is applied, sellable goes to 0, and the shortfall is reported', () => {
  const p = emptyPosition();
  applyCount(p, 'sellable', 10, undefined);
  reserveUnits(p, 8);
  const outcome = applyCount(p, 'sellable', 5, undefined);
  assert.equal(outcome, { applied: true, shortBy: 3 });
  assert.equal([p.sellable, p.reserved], [0, 8]);
  assert.ok(isConserved(p), 'the ledger still balances');
});

test('a count older than the last applied one is ignored', () => {
  const p = emptyPosition();
  applyCount(p, 'sellable', 10, '2026-11-27T10:00:00Z');
  assert.equal(applyCount(p, 'sellable', 3, '2026-11-27T09:00:00Z'), { applied: false });
  assert.is(p.sellable, 10);
  assert.equal(applyCount(p, 'sellable', 3, '2026-11-27T11:00:00Z'), { applied: true });
  assert.is(p.sellable, 3);
});

test('deltas never take a status below 0', () => {
  const p = emptyPosition();
  applyCount(p, 'sellable', 3, undefined);
  reserveUnits(p, 2);
  assert.match(checkDelta(p, 'sellable', -2) ?? '', /below 0: 1 free \(2 more are reserved\)/);
  assert.is(checkDelta(p, 'sellable', -1), null);
  applyDelta(p, 'sellable', -1);
  applyDelta(p, 'damaged', 4);
  assert.equal(p.other, { damaged: 4 });
  assert.ok(isConserved(p));
});

test('moving units between statuses conserves them', () => {
  const p = emptyPosition();
  applyCount(p, 'sellable', 10, undefined);
  assert.is(checkMove(p, 'sellable', 11), 'only 10 units are free in sellable, 11 asked');
  applyMove(p, 'sellable', 'damaged', 4);
  applyMove(p, 'damaged', 'refurbished', 1);
  assert.equal([p.sellable, p.other], [6, { damaged: 3, refurbished: 1 }]);
  assert.ok(isConserved(p));
});

test('reserve, release and ship move units and keep the ledger', () => {
  const p = emptyPosition();
  applyCount(p, 'sellable', 10, undefined);
  reserveUnits(p, 5);
  releaseUnits(p, 2);
  shipUnits(p, 3);
  assert.equal([p.sellable, p.reserved, p.shipped], [7, 0, 3]);
  assert.ok(isConserved(p));
  p.reserved = -1;
  assert.not.ok(isConserved(p), 'a negative count breaks conservation');
});


const DAY = 86_400_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');

test('a receipt dates an empty position; later receipts move the arrival time to the units-weighted average', () => {
  const p = emptyPosition();
  applyDelta(p, 'sellable', 10, T0);
  assert.is(receivedAt(p), T0);
  applyDelta(p, 'sellable', 30, T0 + 4 * DAY);
  assert.is(receivedAt(p), T0 + 3 * DAY, '(10 x day 0 + 30 x day 4) / 40 = day 3');
  assert.ok(isConserved(p));
});

test('reservations, shipments, moves on hand and removals leave the arrival time as it is', () => {
  const p = emptyPosition();
  applyDelta(p, 'sellable', 10, T0);
  reserveUnits(p, 4);
  shipUnits(p, 2);
  releaseUnits(p, 2);
  applyMove(p, 'sellable', 'damaged', 1, T0 + DAY);
  applyDelta(p, 'sellable', -3);
  applyCount(p, 'sellable', 2, undefined);
  assert.is(receivedAt(p), T0);
});

test('units found by a count or an adjustment are not a receipt; found in an empty position, they drop the old date', () => {
  const p = emptyPosition();
  applyDelta(p, 'sellable', 10, T0);
  applyCount(p, 'sellable', 12, undefined);
  applyDelta(p, 'sellable', 3);
  assert.is(receivedAt(p), T0, 'most likely there all along');
  applyCount(p, 'sellable', 0, undefined);
  assert.is(receivedAt(p), undefined, 'nothing on hand: nothing to date');
  applyCount(p, 'sellable', 5, undefined);
  assert.is(receivedAt(p), undefined, 'the old date does not describe units found later');
});

test('a receipt into a position holding units of unknown arrival leaves it unknown, until it held nothing', () => {
  const p = emptyPosition();
  applyCount(p, 'sellable', 100, undefined);
  applyDelta(p, 'sellable', 10, T0);
  assert.is(receivedAt(p), undefined, 'an average with 100 undated units would make them look new');
  reserveUnits(p, 110);
  shipUnits(p, 110);
  applyDelta(p, 'sellable', 10, T0 + DAY);
  assert.is(receivedAt(p), T0 + DAY);
});

test('a count that says when its units arrived sets the arrival time', () => {
  const p = emptyPosition();
  applyCount(p, 'sellable', 100, undefined);
  applyCount(p, 'sellable', 100, undefined, T0 - 90 * DAY);
  assert.is(receivedAt(p), T0 - 90 * DAY);
});

test('units in transit have not arrived: the move out of in_transit is their receipt', () => {
  const p = emptyPosition();
  applyDelta(p, 'sellable', 10, T0);
  applyDelta(p, 'in_transit', 10, T0 + DAY);
  assert.is(receivedAt(p), T0, 'still on the way');
  applyMove(p, 'in_transit', 'sellable', 10, T0 + 2 * DAY);
  assert.is(receivedAt(p), T0 + DAY, '(10 x day 0 + 10 x day 2) / 20');
  assert.ok(isConserved(p));
});

test('the arrival time is kept in whole minutes, a small integer', () => {
  const p = emptyPosition();
  applyDelta(p, 'sellable', 1, T0 + 29_000);
  applyDelta(p, 'sellable', 2, T0 + 3 * 60_000);
  assert.ok(Number.isInteger(p.receivedMinute) && p.receivedMinute! < 2 ** 30, 'a V8 small integer: no heap number per position');
  assert.is(receivedAt(p), T0 + 2 * 60_000);
});

test.run();
