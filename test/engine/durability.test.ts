import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openFulcrum } from '../../src/fulcrum/index.js';
import { placeOrder, sendOrderEvent, cancelOrder, listOrders } from '../../src/orders/index.js';
import { countStock } from '../../src/stock/index.js';
import { seed } from '../helpers/network.js';
import { tempDataDir } from '../helpers/tmp.js';

const DEST = { lat: 52.5, lon: 13.4, country: 'DE' };
const strict = { onFatal: (e: Error) => { throw e; } };

test('finished orders are passivated; reads still work, before and after a restart', async () => {
  const { dir, cleanup } = tempDataDir();
  try {
    const first = openFulcrum({ dataDir: dir, ...strict });
    const { fulcrum } = first;
    await seed(fulcrum, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 10]] });
    const a = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: DEST, lines: [{ sku: 'A', qty: 1 }] }, 'k').value;
    const b = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: DEST, lines: [{ sku: 'A', qty: 1 }] }, 'k').value;
    await cancelOrder(fulcrum, a.id, 'test').durable;
    first.snapshotter.writeAll();
    assert.not.ok(fulcrum.engine.registry.orders.has(a.id), 'cancelled order left memory');
    assert.ok(fulcrum.engine.registry.orders.has(b.id), 'open order stays');
    assert.is(fulcrum.orders.get(a.id)?.status, 'cancelled', 'read while its write is in flight');
    await fulcrum.engine.store.root.flushed;
    assert.is(fulcrum.orders.get(a.id)?.status, 'cancelled', 'read from the store');
    assert.equal(listOrders(fulcrum, { limit: 10 }).items.map((o) => o.id), [b.id, a.id]);
    await first.close();

    const second = openFulcrum({ dataDir: dir, ...strict });
    assert.is(second.recovery.openOrders, 1, 'only the open order is rehydrated');
    assert.is(second.fulcrum.orders.get(a.id)?.status, 'cancelled');
    assert.is(second.fulcrum.orders.get(b.id)?.status, 'reserved');
    const shipped = sendOrderEvent(second.fulcrum, b.id, { type: 'shipped', fulfilmentId: `${b.id}-1` });
    await shipped.durable;
    assert.is(shipped.value.status, 'shipped');
    await second.close();
  } finally {
    cleanup();
  }
});

test('snapshots write only what changed: one reservation rewrites one position', async () => {
  const { dir, cleanup } = tempDataDir();
  try {
    const run = openFulcrum({ dataDir: dir, ...strict });
    const { fulcrum, snapshotter } = run;
    const skus = Array.from({ length: 2000 }, (_, i) => `S${i}`);
    await seed(fulcrum, { locations: { BER: [52.5, 13.4] }, skus, stock: skus.map((s) => ['BER', s, 5] as [string, string, number]) });
    snapshotter.writeAll();
    const before = snapshotter.stats.positionsWritten;
    placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: DEST, lines: [{ sku: 'S7', qty: 1 }] }, 'k');
    snapshotter.writeAll();
    assert.is(snapshotter.stats.positionsWritten - before, 1);
    await run.close();
  } finally {
    cleanup();
  }
});

test('the journal is truncated once snapshots cover it, and the sequence keeps growing across restarts', async () => {
  const { dir, cleanup } = tempDataDir();
  try {
    const first = openFulcrum({ dataDir: dir, ...strict });
    await seed(first.fulcrum, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 10]] });
    for (let i = 0; i < 5; i++) placeOrder(first.fulcrum, { customer: { id: 'c' }, deliverTo: DEST, lines: [{ sku: 'A', qty: 1 }] }, 'k');
    const seqBefore = first.fulcrum.engine.journal.nextSeq;
    first.snapshotter.writeAll();
    await first.fulcrum.engine.store.root.flushed;
    assert.is([...first.fulcrum.engine.store.journal.getKeys()].length, 0, 'every entry is covered and removed');
    await first.close();
    const second = openFulcrum({ dataDir: dir, ...strict });
    assert.ok(second.fulcrum.engine.journal.nextSeq >= seqBefore, 'sequence numbers are never reused');
    assert.is(second.fulcrum.engine.position('BER', 'A')?.reserved, 5);
    await second.close();
  } finally {
    cleanup();
  }
});

test('a replayed journal gives the same state as the live engine (no snapshot at all)', async () => {
  const { dir, cleanup } = tempDataDir();
  try {
    const first = openFulcrum({ dataDir: dir, ...strict });
    const e = first.fulcrum;
    await seed(e, { locations: { BER: [52.5, 13.4], MUC: [48.1, 11.6] }, skus: ['A', 'B'], stock: [['BER', 'A', 4], ['MUC', 'A', 4], ['MUC', 'B', 9]] });
    const o1 = placeOrder(e, { customer: { id: 'c' }, deliverTo: DEST, lines: [{ sku: 'A', qty: 6 }, { sku: 'B', qty: 1 }] }, 'k').value;
    sendOrderEvent(e, o1.id, { type: 'shipped', fulfilmentId: o1.fulfilments[0]!.id });
    await countStock(e, 'MUC', 'B', { onHand: 3 }).durable;
    const expected = JSON.stringify([...e.engine.registry.locations.values()].map((l) => [...l.snapshot.context.positions]));
    const expectedOrder = JSON.stringify(e.orders.get(o1.id));
    await first.snapshotter.stop();
    await e.engine.store.root.close();

    const second = openFulcrum({ dataDir: dir, ...strict });
    const actual = JSON.stringify([...second.fulcrum.engine.registry.locations.values()].map((l) => [...l.snapshot.context.positions]));
    assert.is(actual, expected);
    assert.is(JSON.stringify(second.fulcrum.orders.get(o1.id)), expectedOrder);
    assert.is(second.fulcrum.stock.index.ats('default', 'A'), 2);
    await second.close();
  } finally {
    cleanup();
  }
});

test('after a fatal error the engine refuses commands with unavailable', async () => {
  const { dir, cleanup } = tempDataDir();
  const fatal: Error[] = [];
  const run = openFulcrum({ dataDir: dir, onFatal: (e) => fatal.push(e) });
  try {
    await seed(run.fulcrum, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 10]] });
    run.fulcrum.engine.fail(new Error('disk full'));
    try {
      placeOrder(run.fulcrum, { customer: { id: 'c' }, deliverTo: DEST, lines: [{ sku: 'A', qty: 1 }] }, 'k');
      assert.unreachable();
    } catch (e) {
      assert.is((e as { type?: string }).type, 'unavailable');
    }
    assert.is(fatal.length, 1);
    assert.is(run.fulcrum.engine.position('BER', 'A')?.reserved, 0);
  } finally {
    await run.close();
    cleanup();
  }
});

test.run();
