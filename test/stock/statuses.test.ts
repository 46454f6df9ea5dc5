import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isConserved } from '../../src/domain/position.js';
import { openFulcrum } from '../../src/fulcrum/index.js';
import { placeOrder } from '../../src/orders/index.js';
import { countStock, moveStock, upsertPool, upsertStatus } from '../../src/stock/index.js';
import { DomainError } from '../../src/domain/errors.js';
import { seed } from '../helpers/network.js';
import { tempDataDir } from '../helpers/tmp.js';

const DEST = { lat: 52.5, lon: 13.4, country: 'DE' };

test('moving units to a non-selling status takes them out of availability; one fact, nothing lost', async () => {
  const { dir, cleanup } = tempDataDir();
  const r = openFulcrum({ dataDir: dir, onFatal: (e) => { throw e; } });
  try {
    const { fulcrum } = r;
    await seed(fulcrum, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 10]] });
    const moved = moveStock(fulcrum, 'BER', 'A', { from: 'sellable', to: 'damaged', qty: 3, reason: 'dropped' });
    assert.equal(moved.value.position.other, { damaged: 3 });
    assert.is(fulcrum.stock.index.ats('default', 'A'), 7);
    assert.ok(isConserved(fulcrum.engine.position('BER', 'A')!));
    assert.throws(() => moveStock(fulcrum, 'BER', 'A', { from: 'damaged', to: 'sellable', qty: 4, reason: 'x' }), (e: DomainError) => e.type === 'conflict');
    assert.throws(() => moveStock(fulcrum, 'BER', 'A', { from: 'sellable', to: 'lost', qty: 1, reason: 'x' }), (e: DomainError) => e.type === 'invalid_request' && e.details[0]!.path === 'to');
  } finally {
    await r.close();
    cleanup();
  }
});

test('a user-defined status that counts toward availability can be sold, and the reservation records where units came from', async () => {
  const { dir, cleanup } = tempDataDir();
  const r = openFulcrum({ dataDir: dir, onFatal: (e) => { throw e; } });
  try {
    const { fulcrum } = r;
    await seed(fulcrum, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 2]] });
    await upsertStatus(fulcrum, { name: 'open_box', countsTowardAvailability: false }).durable;
    await countStock(fulcrum, 'BER', 'A', { onHand: 3, status: 'open_box' }).durable;
    assert.is(fulcrum.stock.index.ats('default', 'A'), 2, 'not counted yet');
    await upsertStatus(fulcrum, { name: 'open_box', countsTowardAvailability: true }).durable;
    assert.is(fulcrum.stock.index.ats('default', 'A'), 5, 're-indexed when the definition changed');
    const order = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: DEST, lines: [{ sku: 'A', qty: 4 }] }, 'k');
    await order.durable;
    const p = fulcrum.engine.position('BER', 'A')!;
    assert.equal([p.sellable, p.other?.open_box, p.reserved], [0, 1, 4]);
    assert.ok(isConserved(p));
    await r.close();

    const again = openFulcrum({ dataDir: dir, onFatal: (e) => { throw e; } });
    assert.is(again.fulcrum.stock.statuses.get('open_box')?.countsTowardAvailability, true, 'status definitions survive a restart');
    assert.is(again.fulcrum.stock.index.ats('default', 'A'), 1);
    await again.close();
  } finally {
    cleanup();
  }
});

test('a pool that excludes a status neither counts nor reserves its units', async () => {
  const { dir, cleanup } = tempDataDir();
  const r = openFulcrum({ dataDir: dir, onFatal: (e) => { throw e; } });
  try {
    const { fulcrum } = r;
    await seed(fulcrum, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 2]] });
    await upsertStatus(fulcrum, { name: 'open_box', countsTowardAvailability: true }).durable;
    await countStock(fulcrum, 'BER', 'A', { onHand: 3, status: 'open_box' }).durable;
    await upsertPool(fulcrum, { id: 'web', name: 'web', locations: { all: true }, excludeStatuses: ['open_box'] }).durable;
    assert.is(fulcrum.stock.index.ats('default', 'A'), 5);
    assert.is(fulcrum.stock.index.ats('web', 'A'), 2, 'open-box units are not sold on the web');
    assert.throws(() => placeOrder(fulcrum, { pool: 'web', customer: { id: 'c' }, deliverTo: DEST, lines: [{ sku: 'A', qty: 3 }] }, 'k'), (e: DomainError) => e.type === 'insufficient_stock');
    placeOrder(fulcrum, { pool: 'web', customer: { id: 'c' }, deliverTo: DEST, lines: [{ sku: 'A', qty: 2 }] }, 'k');
    let p = fulcrum.engine.position('BER', 'A')!;
    assert.equal([p.sellable, p.other?.open_box, p.reserved], [0, 3, 2], 'the web order took sellable units only');
    assert.is(fulcrum.stock.index.ats('web', 'A'), 0);
    assert.is(fulcrum.stock.index.ats('default', 'A'), 3);
    placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: DEST, lines: [{ sku: 'A', qty: 3 }] }, 'k');
    p = fulcrum.engine.position('BER', 'A')!;
    assert.equal([p.sellable, p.other?.open_box ?? 0, p.reserved], [0, 0, 5], 'the default pool sells open-box units');
    assert.ok(isConserved(p));
    assert.throws(() => upsertPool(fulcrum, { id: 'x', name: 'x', locations: { all: true }, excludeStatuses: ['sellable'] }), (e: DomainError) => e.details[0]!.path === 'excludeStatuses[0]');
  } finally {
    await r.close();
    cleanup();
  }
});

test.run();
