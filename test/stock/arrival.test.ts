import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { receivedAt } from '../../src/domain/position.js';
import type { Fulcrum } from '../../src/fulcrum/index.js';
import { sendEntityEvent } from '../../src/orders/index.js';
import { createReturn } from '../../src/returns/index.js';
import { upsertProduct } from '../../src/stock/index.js';
import { receiveInbound, upsertInbound } from '../../src/supply/index.js';
import { createTransfer } from '../../src/transfers/index.js';
import { tempDataDir } from '../helpers/tmp.js';
import { openWorkflowWorld, seedNetwork, shippedOrder, withWorld, type WorkflowWorld } from '../helpers/workflow-engine.js';

const DAY = 86_400_000;

/** When the units of `sku` on hand at `location` arrived, on average (ISO), or undefined. */
function arrival(f: Fulcrum, location: string, sku: string): string | undefined {
  const p = f.engine.position(location, sku);
  const at = p && receivedAt(p);
  return at === undefined ? undefined : new Date(at).toISOString();
}

function expectAtMunich(w: WorkflowWorld, id: string, qty: number) {
  return upsertInbound(w.run.fulcrum, id, { location: 'MUC', lines: [{ sku: 'C', qty }], expectedAt: new Date(w.clock.now() + DAY).toISOString(), kind: 'purchase_order' }, 'k');
}

/** The standard network, and product C, which no location holds yet. */
async function withC(w: WorkflowWorld): Promise<void> {
  await seedNetwork(w);
  await upsertProduct(w.run.fulcrum, { sku: 'C', name: 'C', attributes: {} }).durable;
}

test('inbound receipts date the units they bring at the step that received them, averaged by units', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const day0 = new Date(w.clock.now()).toISOString();
    expectAtMunich(w, 'PO-1', 40);
    receiveInbound(fulcrum, 'PO-1', { receiptId: 'r1', lines: [{ sku: 'C', qty: 10 }] }, 'k');
    assert.is(arrival(fulcrum, 'MUC', 'C'), day0);
    w.clock.advance(4 * DAY);
    receiveInbound(fulcrum, 'PO-1', { receiptId: 'r2', lines: [{ sku: 'C', qty: 30 }] }, 'k');
    assert.is(arrival(fulcrum, 'MUC', 'C'), new Date(Date.parse(day0) + 3 * DAY).toISOString(), '(10 x day 0 + 30 x day 4) / 40');
    assert.is(arrival(fulcrum, 'BER', 'A'), undefined, 'stock that was counted, never received, has no date');
  }, withC);
});

test('the arrival time survives a restart: from the snapshot, and from the journal replayed after it', async () => {
  const { dir, cleanup } = tempDataDir();
  let w = await openWorkflowWorld(dir);
  try {
    await withC(w);
    expectAtMunich(w, 'PO-1', 40);
    receiveInbound(w.run.fulcrum, 'PO-1', { receiptId: 'r1', lines: [{ sku: 'C', qty: 10 }] }, 'k');
    w.run.snapshotter.writeAll();
    w.clock.advance(4 * DAY);
    await receiveInbound(w.run.fulcrum, 'PO-1', { receiptId: 'r2', lines: [{ sku: 'C', qty: 30 }] }, 'k').durable;
    const live = arrival(w.run.fulcrum, 'MUC', 'C');
    assert.ok(live !== undefined);
    // Stop without a last snapshot: the second receipt is only in the journal.
    await w.run.snapshotter.stop();
    await w.run.fulcrum.engine.store.root.close();
    w = await openWorkflowWorld(dir, { clock: w.clock });
    assert.ok(w.run.recovery.factsReplayed > 0, 'the second receipt was replayed');
    assert.is(arrival(w.run.fulcrum, 'MUC', 'C'), live, 'snapshot + journal replay');
    w.clock.advance(DAY);
    await w.run.close();
    w = await openWorkflowWorld(dir, { clock: w.clock });
    assert.is(arrival(w.run.fulcrum, 'MUC', 'C'), live, 'snapshot alone; a later clock changes nothing: the time came from the facts');
  } finally {
    await w.run.close();
    cleanup();
  }
});

test('a transfer dates its units when it is received at the destination, not when it ships', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const { id } = createTransfer(fulcrum, { from: 'MUC', to: 'BER', lines: [{ sku: 'B', qty: 2 }] }, 'k').value;
    w.clock.advance(DAY);
    sendEntityEvent(fulcrum, 'transfer', id, { type: 'shipped' });
    assert.is(arrival(fulcrum, 'BER', 'B'), undefined, 'in transit: not there yet');
    w.clock.advance(DAY);
    sendEntityEvent(fulcrum, 'transfer', id, { type: 'received' });
    assert.is(arrival(fulcrum, 'BER', 'B'), new Date(w.clock.now()).toISOString());
  });
});

test('a returned unit is dated when the return is received, and keeps that date when inspection restocks it', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const order = shippedOrder(w, [{ sku: 'B', qty: 5 }]);
    assert.is(fulcrum.engine.position('MUC', 'B')!.sellable, 0, 'Munich shipped all it had');
    const r = createReturn(fulcrum, { orderId: order.id, lines: [{ sku: 'B', qty: 1 }], reason: 'too big' }, 'k').value;
    w.clock.advance(DAY);
    const received = new Date(w.clock.now()).toISOString();
    sendEntityEvent(fulcrum, 'return', r.id, { type: 'received', location: 'MUC' });
    w.clock.advance(DAY);
    sendEntityEvent(fulcrum, 'return', r.id, { type: 'inspected', outcome: 'restock' });
    assert.is(fulcrum.engine.position('MUC', 'B')!.sellable, 1);
    assert.is(arrival(fulcrum, 'MUC', 'B'), received);
  });
});

test.run();
