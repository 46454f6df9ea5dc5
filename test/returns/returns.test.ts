import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cancelOrder, placeOrder, sendEntityEvent } from '../../src/orders/index.js';
import { createReturn } from '../../src/returns/index.js';
import { DomainError } from '../../src/domain/errors.js';
import { isConserved, onHand } from '../../src/domain/position.js';
import { tempDataDir } from '../helpers/tmp.js';
import { openWorkflowWorld, seedNetwork, shippedOrder, withWorld, type WorkflowWorld } from '../helpers/workflow-engine.js';

const refused = (type: string) => (e: unknown) => e instanceof DomainError && e.type === type;
const returnCount = (w: WorkflowWorld) => w.run.fulcrum.engine.registry.entities('return').size;

function receiveAndRestock(w: WorkflowWorld, id: string): void {
  const { fulcrum } = w.run;
  sendEntityEvent(fulcrum, 'return', id, { type: 'received', location: 'BER' });
  sendEntityEvent(fulcrum, 'return', id, { type: 'inspected', outcome: 'restock' });
  sendEntityEvent(fulcrum, 'return', id, { type: 'refund.completed' });
}

/** Every unit of A in the network: on a shelf in any status, or shipped to a customer. */
function unitsOfA(w: WorkflowWorld): { onHand: number; shipped: number } {
  let units = 0;
  let shipped = 0;
  for (const loc of ['BER', 'MUC']) {
    const p = w.run.fulcrum.engine.position(loc, 'A')!;
    assert.ok(isConserved(p));
    units += onHand(p);
    shipped += p.shipped;
  }
  return { onHand: units, shipped };
}

test('three returns of 2 units against 2 shipped: one is accepted, and restocking it puts 2 back, not 6', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const start = unitsOfA(w);
    const order = shippedOrder(w, [{ sku: 'A', qty: 2 }]);
    const first = createReturn(fulcrum, { orderId: order.id, lines: [{ sku: 'A', qty: 2 }], reason: 'too big' }, 'k').value;
    const count = returnCount(w);
    for (let i = 0; i < 2; i++) {
      assert.throws(() => createReturn(fulcrum, { orderId: order.id, lines: [{ sku: 'A', qty: 2 }], reason: 'too big' }, 'k'), refused('invalid_request'));
      assert.throws(() => createReturn(fulcrum, { orderId: order.id, lines: [{ sku: 'A', qty: 1 }], reason: 'too big' }, 'k'), refused('invalid_request'));
    }
    assert.is(returnCount(w), count, 'a refused return creates nothing');
    receiveAndRestock(w, first.id);
    const end = unitsOfA(w);
    assert.is(end.onHand, start.onHand - 2 + 2, 'the 2 shipped units are back on the shelf, once');
  });
});

test('one line at a time: two returns of 1 unit each against 2 shipped, then no more', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const order = shippedOrder(w, [{ sku: 'A', qty: 2 }]);
    createReturn(fulcrum, { orderId: order.id, lines: [{ sku: 'A', qty: 1 }], reason: 'x' }, 'k');
    createReturn(fulcrum, { orderId: order.id, lines: [{ sku: 'A', qty: 1 }], reason: 'x' }, 'k');
    const err = (() => {
      try {
        createReturn(fulcrum, { orderId: order.id, lines: [{ sku: 'A', qty: 1 }], reason: 'x' }, 'k');
      } catch (e) {
        return e as DomainError;
      }
    })();
    assert.is(err?.type, 'invalid_request');
    assert.match(err!.details[0]!.message, /0 returnable \(2 shipped, 2 already in other returns\)/);
    // The same SKU on two lines counts once, in total.
    const other = shippedOrder(w, [{ sku: 'A', qty: 2 }]);
    assert.throws(() => createReturn(fulcrum, { orderId: other.id, lines: [{ sku: 'A', qty: 2 }, { sku: 'A', qty: 1 }], reason: 'x' }, 'k'), refused('invalid_request'));
    assert.throws(() => createReturn(fulcrum, { orderId: other.id, lines: [{ sku: 'B', qty: 1 }], reason: 'x' }, 'k'), refused('invalid_request'));
  });
});

test('an order that never shipped, or was cancelled, cannot be returned', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const open = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: { lat: 52.5, lon: 13.4, country: 'DE' }, lines: [{ sku: 'A', qty: 2 }] }, 'k').value;
    assert.throws(() => createReturn(fulcrum, { orderId: open.id, lines: [{ sku: 'A', qty: 1 }], reason: 'x' }, 'k'), refused('invalid_state'));
    cancelOrder(fulcrum, open.id, 'customer changed mind', 'k');
    assert.throws(() => createReturn(fulcrum, { orderId: open.id, lines: [{ sku: 'A', qty: 1 }], reason: 'x' }, 'k'), refused('invalid_state'));
    assert.is(returnCount(w), 0);
  });
});

test('a cancelled return gives its claim back', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const order = shippedOrder(w, [{ sku: 'A', qty: 2 }]);
    const ret = createReturn(fulcrum, { orderId: order.id, lines: [{ sku: 'A', qty: 2 }], reason: 'x' }, 'k').value;
    assert.throws(() => createReturn(fulcrum, { orderId: order.id, lines: [{ sku: 'A', qty: 2 }], reason: 'x' }, 'k'), refused('invalid_request'));
    sendEntityEvent(fulcrum, 'return', ret.id, { type: 'cancelled' });
    createReturn(fulcrum, { orderId: order.id, lines: [{ sku: 'A', qty: 2 }], reason: 'x' }, 'k');
  });
});

test('claims survive a restart: open returns, and finished returns that left memory', async () => {
  const { dir, cleanup } = tempDataDir();
  try {
    let w = await openWorkflowWorld(dir);
    await seedNetwork(w);
    const a = shippedOrder(w, [{ sku: 'A', qty: 2 }]);
    const b = shippedOrder(w, [{ sku: 'A', qty: 1 }]);
    const cancelled = shippedOrder(w, [{ sku: 'A', qty: 1 }]);
    createReturn(w.run.fulcrum, { orderId: a.id, lines: [{ sku: 'A', qty: 2 }], reason: 'x' }, 'k');
    receiveAndRestock(w, createReturn(w.run.fulcrum, { orderId: b.id, lines: [{ sku: 'A', qty: 1 }], reason: 'x' }, 'k').value.id);
    const gone = createReturn(w.run.fulcrum, { orderId: cancelled.id, lines: [{ sku: 'A', qty: 1 }], reason: 'x' }, 'k').value;
    sendEntityEvent(w.run.fulcrum, 'return', gone.id, { type: 'cancelled' });
    await w.run.close();
    w = await openWorkflowWorld(dir);
    try {
      const { fulcrum } = w.run;
      assert.throws(() => createReturn(fulcrum, { orderId: a.id, lines: [{ sku: 'A', qty: 1 }], reason: 'x' }, 'k'), refused('invalid_request'));
      assert.throws(() => createReturn(fulcrum, { orderId: b.id, lines: [{ sku: 'A', qty: 1 }], reason: 'x' }, 'k'), refused('invalid_request'));
      createReturn(fulcrum, { orderId: cancelled.id, lines: [{ sku: 'A', qty: 1 }], reason: 'x' }, 'k');
    } finally {
      await w.run.close();
    }
  } finally {
    cleanup();
  }
});

test.run();
