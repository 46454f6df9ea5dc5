import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { listAlerts } from '../../src/alerts/index.js';
import { createReturn, sendReturnEvent } from '../../src/returns/index.js';
import { isConserved, onHand, otherUnits } from '../../src/domain/position.js';
import type { Fulcrum } from '../../src/fulcrum/index.js';
import { refusal } from '../helpers/refusal.js';
import { tempDataDir } from '../helpers/tmp.js';
import { openWorkflowWorld, seedNetwork, shippedOrder, withWorld, type WorkflowWorld } from '../helpers/workflow-engine.js';

const state = (f: Fulcrum, id: string) => f.engine.entityState('return', id)!.state.value;
const ber = (f: Fulcrum) => f.engine.position('BER', 'A')!;

/** A shipped order of 4 units of A from BER and a return of all 4, received at BER. */
function receivedReturn(w: WorkflowWorld): string {
  const { fulcrum } = w.run;
  const order = shippedOrder(w, [{ sku: 'A', qty: 4 }]);
  const ret = createReturn(fulcrum, { orderId: order.id, lines: [{ sku: 'A', qty: 4 }], reason: 'x' }, 'k').value;
  sendReturnEvent(fulcrum, ret.id, { type: 'received', location: 'BER' });
  return ret.id;
}

test('received units wait in returns_received, not for sale; each part of a line gets its own outcome', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const order = shippedOrder(w, [{ sku: 'A', qty: 4 }]);
    const shippedFrom = fulcrum.engine.position('BER', 'A')!.shipped > 0 ? 'BER' : 'MUC';
    assert.is(shippedFrom, 'BER', 'the order ships from Berlin, nearest');
    const ret = createReturn(fulcrum, { orderId: order.id, lines: [{ sku: 'A', qty: 4 }], reason: 'x' }, 'k').value;
    const before = { ...ber(fulcrum), onHand: onHand(ber(fulcrum)), ats: fulcrum.stock.index.ats('default', 'A') };
    sendReturnEvent(fulcrum, ret.id, { type: 'received', location: 'BER' });
    assert.is(otherUnits(ber(fulcrum), 'returns_received'), 4);
    assert.is(onHand(ber(fulcrum)), before.onHand + 4, 'received units are physically there');
    assert.is(fulcrum.stock.index.ats('default', 'A'), before.ats, 'but not for sale');

    sendReturnEvent(fulcrum, ret.id, { type: 'inspected', lines: [{ sku: 'A', qty: 1, outcome: 'restock' }, { sku: 'A', qty: 1, outcome: 'scrap' }] });
    assert.is(state(fulcrum, ret.id), 'inspecting', 'two units still wait');
    assert.equal([ber(fulcrum).sellable, otherUnits(ber(fulcrum), 'damaged'), otherUnits(ber(fulcrum), 'returns_received')], [before.sellable + 1, 1, 2]);
    assert.is(fulcrum.stock.index.ats('default', 'A'), before.ats + 1, 'restocked units sell at once');

    sendReturnEvent(fulcrum, ret.id, { type: 'inspected', lines: [{ sku: 'A', qty: 1, outcome: 'refurbish' }, { sku: 'A', qty: 1, outcome: 'vendor' }] });
    assert.is(state(fulcrum, ret.id), 'refunding');
    assert.equal([otherUnits(ber(fulcrum), 'refurbishing'), otherUnits(ber(fulcrum), 'returns_received')], [1, 0]);
    assert.is(onHand(ber(fulcrum)), before.onHand + 3, 'the vendor unit left');
    assert.ok(w.webhooks.some((e) => e.type === 'refund.requested'));

    sendReturnEvent(fulcrum, ret.id, { type: 'refund.completed' });
    assert.is(state(fulcrum, ret.id), 'refurbishing', 'the refund is done, refurbishment is not');
    sendReturnEvent(fulcrum, ret.id, { type: 'refurbishment.completed' });
    assert.is(state(fulcrum, ret.id), 'closed');
    assert.equal([otherUnits(ber(fulcrum), 'refurbishing'), otherUnits(ber(fulcrum), 'refurbished')], [0, 1]);
    assert.ok(isConserved(ber(fulcrum)));
    const closed = w.webhooks.find((e) => e.type === 'return.closed')!.data as { dispositions: Array<{ outcome: string; qty: number }> };
    assert.equal(closed.dispositions.map((d) => `${d.qty} ${d.outcome}`), ['1 restock', '1 scrap', '1 refurbish', '1 vendor']);
  });
});

test('refusals: inspection before receipt, more than waits, an unknown outcome, refurbishment with none in it; nothing changes', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const order = shippedOrder(w, [{ sku: 'A', qty: 2 }]);
    const ret = createReturn(fulcrum, { orderId: order.id, lines: [{ sku: 'A', qty: 2 }], reason: 'x' }, 'k').value;
    assert.is(refusal(() => sendReturnEvent(fulcrum, ret.id, { type: 'inspected', outcome: 'restock' })).type, 'invalid_state');
    sendReturnEvent(fulcrum, ret.id, { type: 'received', location: 'BER' });
    const snapshot = JSON.stringify([ber(fulcrum), fulcrum.engine.entityState('return', ret.id)]);
    const over = refusal(() => sendReturnEvent(fulcrum, ret.id, { type: 'inspected', lines: [{ sku: 'A', qty: 1, outcome: 'restock' }, { sku: 'A', qty: 2, outcome: 'scrap' }] }));
    assert.is(over.type, 'invalid_request');
    assert.equal(over.details.map((d) => d.message), ['A: 2 to inspect, 1 received and not yet inspected']);
    assert.is(refusal(() => sendReturnEvent(fulcrum, ret.id, { type: 'inspected', lines: [{ sku: 'B', qty: 1, outcome: 'restock' }] })).type, 'invalid_request');
    assert.is(refusal(() => sendReturnEvent(fulcrum, ret.id, { type: 'inspected', lines: [{ sku: 'A', qty: 1, outcome: 'burn' }] })).type, 'invalid_request');
    assert.is(refusal(() => sendReturnEvent(fulcrum, ret.id, { type: 'inspected', lines: [] })).type, 'invalid_request');
    assert.is(JSON.stringify([ber(fulcrum), fulcrum.engine.entityState('return', ret.id)]), snapshot, 'refusals changed nothing');
    sendReturnEvent(fulcrum, ret.id, { type: 'inspected', outcome: 'restock' });
    assert.is(refusal(() => sendReturnEvent(fulcrum, ret.id, { type: 'refurbishment.completed' })).type, 'invalid_request');
    sendReturnEvent(fulcrum, ret.id, { type: 'refund.completed' });
    assert.is(state(fulcrum, ret.id), 'closed', 'nothing to refurbish: closed with the refund');
    assert.is(refusal(() => sendReturnEvent(fulcrum, ret.id, { type: 'refund.completed' })).type, 'invalid_state');
  });
});

test('a restart in the middle of each step continues where it was', async () => {
  const { dir, cleanup } = tempDataDir();
  let w = await openWorkflowWorld(dir);
  const restart = async () => {
    await w.run.close();
    w = await openWorkflowWorld(dir, { clock: w.clock });
  };
  try {
    await seedNetwork(w);
    const id = receivedReturn(w);
    await restart();
    assert.is(otherUnits(ber(w.run.fulcrum), 'returns_received'), 4);
    sendReturnEvent(w.run.fulcrum, id, { type: 'inspected', lines: [{ sku: 'A', qty: 3, outcome: 'refurbish' }] });
    await restart();
    assert.is(state(w.run.fulcrum, id), 'inspecting');
    assert.is(refusal(() => sendReturnEvent(w.run.fulcrum, id, { type: 'inspected', lines: [{ sku: 'A', qty: 2, outcome: 'restock' }] })).type, 'invalid_request');
    sendReturnEvent(w.run.fulcrum, id, { type: 'inspected', lines: [{ sku: 'A', qty: 1, outcome: 'restock' }] });
    sendReturnEvent(w.run.fulcrum, id, { type: 'refurbishment.completed', lines: [{ sku: 'A', qty: 2 }] });
    await restart();
    assert.is(state(w.run.fulcrum, id), 'refunding');
    sendReturnEvent(w.run.fulcrum, id, { type: 'refund.completed' });
    await restart();
    assert.is(state(w.run.fulcrum, id), 'refurbishing');
    assert.ok(w.run.fulcrum.engine.registry.entities('return').get(id)!.snapshot.context.timers, 'the refurbishment SLA timer is armed');
    sendReturnEvent(w.run.fulcrum, id, { type: 'refurbishment.completed' });
    await restart();
    const p = ber(w.run.fulcrum);
    assert.is(state(w.run.fulcrum, id), 'closed');
    assert.equal([otherUnits(p, 'refurbished'), otherUnits(p, 'refurbishing'), otherUnits(p, 'returns_received')], [3, 0, 0]);
    assert.ok(isConserved(p));
  } finally {
    await w.run.close();
    cleanup();
  }
});

test('a refurbishment that overruns its SLA raises an alert, resolved when it completes', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const id = receivedReturn(w);
    sendReturnEvent(fulcrum, id, { type: 'inspected', outcome: 'refurbish' });
    sendReturnEvent(fulcrum, id, { type: 'refund.completed' });
    w.advance(8 * 86_400_000);
    const open = () => listAlerts(fulcrum, { status: 'open', entity: `return/${id}`, limit: 10 }).filter((a) => a.alert === 'return-refurbishment-late');
    assert.is(open()[0]?.severity, 'critical');
    sendReturnEvent(fulcrum, id, { type: 'refurbishment.completed' });
    assert.is(open().length, 0);
  });
});

test.run();
