import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Clock } from '../../src/engine/index.js';
import { openFulcrum } from '../../src/fulcrum/index.js';
import { holdView, placeHold, releaseHold } from '../../src/holds/index.js';
import { placeOrder } from '../../src/orders/index.js';
import { DomainError } from '../../src/domain/errors.js';
import { seed } from '../helpers/network.js';
import { tempDataDir } from '../helpers/tmp.js';

const DEST = { lat: 52.5, lon: 13.4, country: 'DE' };
const OWNER = { keyId: 'k', anyOwner: false };

function fakeClock(start = Date.parse('2026-11-27T12:00:00Z')): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => now, advance: (ms) => (now += ms) };
}

async function withEngine(fn: (r: ReturnType<typeof openFulcrum>, clock: ReturnType<typeof fakeClock>) => Promise<void>) {
  const { dir, cleanup } = tempDataDir();
  const clock = fakeClock();
  const r = openFulcrum({ dataDir: dir, clock, onFatal: (e) => { throw e; } });
  try {
    await seed(r.fulcrum, { locations: { BER: [52.5, 13.4], MUC: [48.1, 11.6] }, skus: ['A'], stock: [['BER', 'A', 3], ['MUC', 'A', 2]] });
    await fn(r, clock);
  } finally {
    await r.close();
    cleanup();
  }
}

test('a hold reserves units at locations and gives them back when it expires', async () => {
  await withEngine(async ({ fulcrum }, clock) => {
    const hold = placeHold(fulcrum, { lines: [{ sku: 'A', qty: 4 }], ttlSeconds: 600 }, 'k').value;
    assert.is(hold.status, 'active');
    assert.equal(hold.allocations, [{ location: 'BER', lines: [{ sku: 'A', qty: 3 }] }, { location: 'MUC', lines: [{ sku: 'A', qty: 1 }] }]);
    assert.is(fulcrum.stock.index.ats('default', 'A'), 1);
    clock.advance(599_000);
    assert.is(fulcrum.engine.fireDueTimers(), 0, 'not yet due');
    clock.advance(1_000);
    assert.is(fulcrum.engine.fireDueTimers(), 1);
    assert.is(holdView(fulcrum, hold.id)!.status, 'expired');
    assert.is(fulcrum.stock.index.ats('default', 'A'), 5);
    assert.is(fulcrum.engine.fireDueTimers(), 0, 'fires once');
  });
});

test('an order consumes its hold: the held units are its to take, even when nothing else is free', async () => {
  await withEngine(async ({ fulcrum }) => {
    const hold = placeHold(fulcrum, { lines: [{ sku: 'A', qty: 5 }], ttlSeconds: 600 }, 'k').value;
    assert.is(fulcrum.stock.index.ats('default', 'A'), 0);
    assert.throws(() => placeOrder(fulcrum, { customer: { id: 'other' }, deliverTo: DEST, lines: [{ sku: 'A', qty: 1 }] }, 'k2'), (e: DomainError) => e.type === 'insufficient_stock');
    const order = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: DEST, lines: [{ sku: 'A', qty: 4 }], holdId: hold.id }, 'k').value;
    assert.is(order.holdId, hold.id);
    assert.is(holdView(fulcrum, hold.id)!.status, 'consumed');
    assert.is(holdView(fulcrum, hold.id)!.orderId, order.id);
    assert.is(fulcrum.stock.index.ats('default', 'A'), 1, 'the unit the order did not need is free again');
    const reserved = (fulcrum.engine.position('BER', 'A')?.reserved ?? 0) + (fulcrum.engine.position('MUC', 'A')?.reserved ?? 0);
    assert.is(reserved, 4);
    assert.throws(() => placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: DEST, lines: [{ sku: 'A', qty: 1 }], holdId: hold.id }, 'k'), (e: DomainError) => e.type === 'invalid_state');
  });
});

test('an order its hold cannot serve is refused and the hold stays intact', async () => {
  await withEngine(async ({ fulcrum }) => {
    const hold = placeHold(fulcrum, { lines: [{ sku: 'A', qty: 5 }], ttlSeconds: 600 }, 'k').value;
    assert.throws(
      () => placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: DEST, lines: [{ sku: 'A', qty: 5 }], split: { allowed: false }, holdId: hold.id }, 'k'),
      (e: DomainError) => e.type === 'insufficient_stock',
    );
    assert.is(holdView(fulcrum, hold.id)!.status, 'active');
    assert.is(fulcrum.stock.index.ats('default', 'A'), 0);
  });
});

test('holds belong to their key; releasing gives the units back', async () => {
  await withEngine(async ({ fulcrum }) => {
    const hold = placeHold(fulcrum, { lines: [{ sku: 'A', qty: 2 }], ttlSeconds: 60 }, 'k').value;
    assert.throws(() => releaseHold(fulcrum, hold.id, { keyId: 'someone-else', anyOwner: false }), (e: DomainError) => e.type === 'not_found');
    assert.throws(() => placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: DEST, lines: [{ sku: 'A', qty: 1 }], holdId: hold.id }, 'someone-else'), (e: DomainError) => e.type === 'not_found');
    releaseHold(fulcrum, hold.id, OWNER);
    assert.is(holdView(fulcrum, hold.id)!.status, 'released');
    assert.is(fulcrum.stock.index.ats('default', 'A'), 5);
    assert.throws(() => placeHold(fulcrum, { lines: [{ sku: 'A', qty: 6 }], ttlSeconds: 60 }, 'k'), (e: DomainError) => e.type === 'insufficient_stock');
    assert.throws(() => placeHold(fulcrum, { pool: 'nope', lines: [{ sku: 'A', qty: 1 }], ttlSeconds: 60 }, 'k'), (e: DomainError) => e.type === 'invalid_request');
  });
});

test('a hold expires on time across a restart, exactly once', async () => {
  const { dir, cleanup } = tempDataDir();
  try {
    const first = openFulcrum({ dataDir: dir, onFatal: (e) => { throw e; } });
    await seed(first.fulcrum, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 3]] });
    const hold = placeHold(first.fulcrum, { lines: [{ sku: 'A', qty: 2 }], ttlSeconds: 1 }, 'k');
    await hold.durable;
    await first.close();
    await new Promise((r) => setTimeout(r, 1200));

    const second = openFulcrum({ dataDir: dir, onFatal: (e) => { throw e; } });
    assert.is(second.recovery.openHolds, 1, 'the hold came back open');
    await new Promise((r) => setTimeout(r, 50));
    assert.is(holdView(second.fulcrum, hold.value.id)!.status, 'expired', 'the timer that came due while down fired after the restart');
    assert.is(second.fulcrum.engine.position('BER', 'A')!.reserved, 0);
    await second.close();

    const third = openFulcrum({ dataDir: dir, onFatal: (e) => { throw e; } });
    assert.is(third.recovery.openHolds, 0);
    assert.is(third.fulcrum.engine.position('BER', 'A')!.reserved, 0, 'released once, not twice');
    assert.is(third.fulcrum.engine.position('BER', 'A')!.sellable, 3);
    await third.close();
  } finally {
    cleanup();
  }
});

test.run();
