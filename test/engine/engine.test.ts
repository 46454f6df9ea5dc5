import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { listAlerts } from '../../src/alerts/index.js';
import { openFulcrum } from '../../src/fulcrum/index.js';
import { cancelOrder, placeOrder, sendOrderEvent } from '../../src/orders/index.js';
import { countStock } from '../../src/stock/index.js';
import { DomainError } from '../../src/domain/errors.js';
import { isConserved } from '../../src/domain/position.js';
import { seed } from '../helpers/network.js';
import { tempDataDir } from '../helpers/tmp.js';

const BERLIN = { lat: 52.52, lon: 13.405, country: 'DE' };

async function withEngine(fn: (run: ReturnType<typeof openFulcrum>, dir: string) => Promise<void>): Promise<void> {
  const { dir, cleanup } = tempDataDir();
  const run = openFulcrum({ dataDir: dir, onFatal: (e) => { throw e; } });
  try {
    await fn(run, dir);
  } finally {
    await run.close();
    cleanup();
  }
}

test('an order reserves at the nearest location that holds everything', async () => {
  await withEngine(async ({ fulcrum }) => {
    await seed(fulcrum, { locations: { BER: [52.5, 13.4], MUC: [48.1, 11.6] }, skus: ['A'], stock: [['BER', 'A', 5], ['MUC', 'A', 5]] });
    const placed = placeOrder(fulcrum, { customer: { id: 'c1' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 2 }] }, 'k1');
    await placed.durable;
    assert.is(placed.value.status, 'reserved');
    assert.is(placed.value.fulfilments.length, 1);
    assert.is(placed.value.fulfilments[0]!.location, 'BER');
    assert.is(fulcrum.engine.position('BER', 'A')!.reserved, 2);
    assert.is(fulcrum.stock.index.ats('default', 'A'), 8);
  });
});

test('the same SKU on two lines counts both lines against stock', async () => {
  await withEngine(async ({ fulcrum }) => {
    await seed(fulcrum, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 3]] });
    try {
      placeOrder(fulcrum, { customer: { id: 'c1' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 2 }, { sku: 'A', qty: 2 }] }, 'k1');
      assert.unreachable('should have thrown');
    } catch (e) {
      assert.instance(e, DomainError);
      assert.is((e as DomainError).type, 'insufficient_stock');
      assert.is((e as DomainError).details.length, 2);
    }
    assert.is(fulcrum.engine.position('BER', 'A')!.reserved, 0);
  });
});

test('cancel releases the reservation; shipping moves units to shipped', async () => {
  await withEngine(async ({ fulcrum }) => {
    await seed(fulcrum, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 10]] });
    const a = placeOrder(fulcrum, { customer: { id: 'c1' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 2 }] }, 'k1').value;
    const b = placeOrder(fulcrum, { customer: { id: 'c2' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 3 }] }, 'k1').value;
    cancelOrder(fulcrum, a.id, 'customer asked');
    const shipped = sendOrderEvent(fulcrum, b.id, { type: 'shipped', fulfilmentId: b.fulfilments[0]!.id });
    await shipped.durable;
    assert.is(shipped.value.status, 'shipped');
    const p = fulcrum.engine.position('BER', 'A')!;
    assert.equal([p.sellable, p.reserved, p.shipped], [7, 0, 3]);
    assert.ok(isConserved(p));
    assert.is(fulcrum.orders.get(a.id)!.status, 'cancelled');
  });
});

test('an event the order cannot take is refused with the events it accepts', async () => {
  await withEngine(async ({ fulcrum }) => {
    await seed(fulcrum, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 10]] });
    const a = placeOrder(fulcrum, { customer: { id: 'c1' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 1 }] }, 'k1').value;
    try {
      sendOrderEvent(fulcrum, a.id, { type: 'delivered' });
      assert.unreachable();
    } catch (e) {
      assert.is((e as DomainError).type, 'invalid_state');
      assert.equal((e as DomainError).details[0]!.accepted, ['packed', 'picked', 'shipped']);
      assert.equal((e as DomainError).details[0]!.endpoints, [`POST /orders/${a.id}/cancel`]);
    }
  });
});

test('a count below what is reserved keeps the reservations and raises a critical alert about the position', async () => {
  await withEngine(async ({ fulcrum }) => {
    await seed(fulcrum, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 5]] });
    placeOrder(fulcrum, { customer: { id: 'c1' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 4 }] }, 'k1');
    const counted = countStock(fulcrum, 'BER', 'A', { onHand: 1 });
    await counted.durable;
    assert.is(counted.value.reservedExceedsOnHandBy, 3);
    assert.equal([fulcrum.engine.position('BER', 'A')!.sellable, fulcrum.engine.position('BER', 'A')!.reserved], [0, 4]);
    const alerts = listAlerts(fulcrum, { alert: 'stock-below-reserved', limit: 5 });
    assert.equal(alerts.map((a) => [a.entity, a.severity, (a.data as { shortBy: number }).shortBy]), [['position/BER/A', 'critical', 3]]);
  });
});

test('state survives a restart: snapshots plus journal tail', async () => {
  const { dir, cleanup } = tempDataDir();
  try {
    let first = openFulcrum({ dataDir: dir, onFatal: (e) => { throw e; } });
    await seed(first.fulcrum, { locations: { BER: [52.5, 13.4], MUC: [48.1, 11.6] }, skus: ['A', 'B'], stock: [['BER', 'A', 4], ['MUC', 'B', 4]] });
    const o1 = placeOrder(first.fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 1 }, { sku: 'B', qty: 1 }] }, 'k').value;
    first.snapshotter.writeAll();
    const o2 = placeOrder(first.fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 2 }] }, 'k');
    await o2.durable;
    // Close without the final snapshot pass: the second order must come back from the journal tail.
    await first.snapshotter.stop();
    await first.fulcrum.engine.store.root.close();

    const second = openFulcrum({ dataDir: dir, onFatal: (e) => { throw e; } });
    assert.is(second.fulcrum.orders.get(o1.id)!.fulfilments.length, 2);
    assert.is(second.fulcrum.orders.get(o2.value.id)!.status, 'reserved');
    assert.is(second.fulcrum.engine.position('BER', 'A')!.reserved, 3);
    assert.is(second.fulcrum.stock.index.ats('default', 'A'), 1);
    assert.ok(second.recovery.factsReplayed > 0);
    await second.close();
  } finally {
    cleanup();
  }
});

test.run();
