import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isConserved } from '../../src/domain/position.js';
import { countStock, moveStock, openEngine, placeOrder, upsertPool, upsertStatus } from '../../src/engine/index.js';
import { DomainError } from '../../src/domain/errors.js';
import { seed } from '../helpers/network.js';
import { tempDataDir } from '../helpers/tmp.js';

const DEST = { lat: 52.5, lon: 13.4, country: 'DE' };

test('moving units to a non-selling status takes them out of availability; one fact, nothing lost', async () => {
  const { dir, cleanup } = tempDataDir();
  const r = openEngine({ dataDir: dir, onFatal: (e) => { throw e; } });
  try {
    const { engine } = r;
    await seed(engine, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 10]] });
    const moved = moveStock(engine, 'BER', 'A', { from: 'sellable', to: 'damaged', qty: 3, reason: 'dropped' });
    assert.equal(moved.value.position.other, { damaged: 3 });
    assert.is(engine.index.ats('default', 'A'), 7);
    assert.ok(isConserved(engine.position('BER', 'A')!));
    assert.throws(() => moveStock(engine, 'BER', 'A', { from: 'damaged', to: 'sellable', qty: 4, reason: 'x' }), (e: DomainError) => e.type === 'conflict');
    assert.throws(() => moveStock(engine, 'BER', 'A', { from: 'sellable', to: 'lost', qty: 1, reason: 'x' }), (e: DomainError) => e.type === 'invalid_request' && e.details[0]!.path === 'to');
  } finally {
    await r.close();
    cleanup();
  }
});

test('a user-defined status that counts toward availability can be sold, and the reservation records where units came from', async () => {
  const { dir, cleanup } = tempDataDir();
  const r = openEngine({ dataDir: dir, onFatal: (e) => { throw e; } });
  try {
    const { engine } = r;
    await seed(engine, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 2]] });
    await upsertStatus(engine, { name: 'open_box', countsTowardAvailability: false }).durable;
    await countStock(engine, 'BER', 'A', { onHand: 3, status: 'open_box' }).durable;
    assert.is(engine.index.ats('default', 'A'), 2, 'not counted yet');
    await upsertStatus(engine, { name: 'open_box', countsTowardAvailability: true }).durable;
    assert.is(engine.index.ats('default', 'A'), 5, 're-indexed when the definition changed');
    const order = placeOrder(engine, { customer: { id: 'c' }, deliverTo: DEST, lines: [{ sku: 'A', qty: 4 }] }, 'k');
    await order.durable;
    const p = engine.position('BER', 'A')!;
    assert.equal([p.sellable, p.other?.open_box, p.reserved], [0, 1, 4]);
    assert.ok(isConserved(p));
    await r.close();

    const again = openEngine({ dataDir: dir, onFatal: (e) => { throw e; } });
    assert.is(again.engine.statuses.get('open_box')?.countsTowardAvailability, true, 'status definitions survive a restart');
    assert.is(again.engine.index.ats('default', 'A'), 1);
    await again.close();
  } finally {
    cleanup();
  }
});

test('a pool that excludes a status neither counts nor reserves its units', async () => {
  const { dir, cleanup } = tempDataDir();
  const r = openEngine({ dataDir: dir, onFatal: (e) => { throw e; } });
  try {
    const { engine } = r;
    await seed(engine, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 2]] });
    await upsertStatus(engine, { name: 'open_box', countsTowardAvailability: true }).durable;
    await countStock(engine, 'BER', 'A', { onHand: 3, status: 'open_box' }).durable;
    await upsertPool(engine, { id: 'web', name: 'web', locations: { all: true }, excludeStatuses: ['open_box'] }).durable;
    assert.is(engine.index.ats('default', 'A'), 5);
    assert.is(engine.index.ats('web', 'A'), 2, 'open-box units are not sold on the web');
    assert.throws(() => placeOrder(engine, { pool: 'web', customer: { id: 'c' }, deliverTo: DEST, lines: [{ sku: 'A', qty: 3 }] }, 'k'), (e: DomainError) => e.type === 'insufficient_stock');
    placeOrder(engine, { pool: 'web', customer: { id: 'c' }, deliverTo: DEST, lines: [{ sku: 'A', qty: 2 }] }, 'k');
    let p = engine.position('BER', 'A')!;
    assert.equal([p.sellable, p.other?.open_box, p.reserved], [0, 3, 2], 'the web order took sellable units only');
    assert.is(engine.index.ats('web', 'A'), 0);
    assert.is(engine.index.ats('default', 'A'), 3);
    placeOrder(engine, { customer: { id: 'c' }, deliverTo: DEST, lines: [{ sku: 'A', qty: 3 }] }, 'k');
    p = engine.position('BER', 'A')!;
    assert.equal([p.sellable, p.other?.open_box ?? 0, p.reserved], [0, 0, 5], 'the default pool sells open-box units');
    assert.ok(isConserved(p));
    assert.throws(() => upsertPool(engine, { id: 'x', name: 'x', locations: { all: true }, excludeStatuses: ['sellable'] }), (e: DomainError) => e.details[0]!.path === 'excludeStatuses[0]');
  } finally {
    await r.close();
    cleanup();
  }
});

test.run();
