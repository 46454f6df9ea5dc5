import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { listAlerts } from '../../src/alerts/index.js';
import { computeRefund, type Refund } from '../../src/domain/refunds.js';
import type { Fulcrum } from '../../src/fulcrum/index.js';
import { placeOrder, sendEntityEvent, sendOrderEvent } from '../../src/orders/index.js';
import { createReturn, sendReturnEvent, type ReturnPolicy } from '../../src/returns/index.js';
import { refusal } from '../helpers/refusal.js';
import { tempDataDir } from '../helpers/tmp.js';
import { openWorkflowWorld, seedNetwork, withWorld, type WorkflowWorld } from '../helpers/workflow-engine.js';

const BERLIN = { lat: 52.5, lon: 13.4, country: 'DE' };

/** A paid order of A at 50.00 a unit with 5.00 shipping, shipped. */
function pricedOrder(w: WorkflowWorld, qty: number, extra: { unitPrice?: number; shippingAmount?: number } = {}): string {
  const { fulcrum } = w.run;
  const order = placeOrder(
    fulcrum,
    { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty, unitPrice: extra.unitPrice ?? 50 }], currency: 'EUR', shippingAmount: extra.shippingAmount ?? 5 },
    'k',
  ).value;
  sendOrderEvent(fulcrum, order.id, { type: 'payment.authorized' });
  for (const f of fulcrum.orders.get(order.id)!.fulfilments) for (const type of ['accepted', 'picked', 'packed', 'shipped']) sendEntityEvent(fulcrum, 'fulfilment', f.id, { type });
  return order.id;
}

function policy(w: WorkflowWorld, p: Partial<ReturnPolicy>): Promise<void> {
  return w.run.fulcrum.returns.policies.put(w.run.fulcrum.engine, { id: 'p', windowDays: 30, windowFrom: 'shipment', updatedAt: '2026-11-27T09:00:00Z', ...p });
}

const refundsOf = (f: Fulcrum, id: string) => (f.engine.entityState('return', id)!.state.context as { refunds?: Refund[] }).refunds ?? [];
const requested = (w: WorkflowWorld) => w.webhooks.filter((e) => e.type === 'refund.requested').map((e) => (e.data as { refund: Refund }).refund);

test('amounts per unit: the price paid, less the larger of the outcome and the reason deduction; shipping when all came back', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    await policy(w, { refund: { deductions: { outcomes: { scrap: 50 }, reasons: { changed_mind: 10 } } } });
    const order = pricedOrder(w, 2);
    const ret = createReturn(fulcrum, { orderId: order, lines: [{ sku: 'A', qty: 2 }], reason: 'changed_mind' }, 'k').value;
    sendReturnEvent(fulcrum, ret.id, { type: 'received', location: 'BER' });
    sendReturnEvent(fulcrum, ret.id, { type: 'inspected', lines: [{ sku: 'A', qty: 1, outcome: 'restock' }, { sku: 'A', qty: 1, outcome: 'scrap' }] });
    const [refund] = refundsOf(fulcrum, ret.id);
    assert.equal(refund!.lines, [
      { sku: 'A', qty: 1, unitPrice: 50, deduction: { percent: 10, why: 'reason:changed_mind' }, amount: 45 },
      { sku: 'A', qty: 1, unitPrice: 50, deduction: { percent: 50, why: 'outcome:scrap' }, amount: 25 },
    ]);
    assert.equal([refund!.id, refund!.currency, refund!.shipping, refund!.total, refund!.status], [`${ret.id}-R1`, 'EUR', 5, 75, 'requested']);
    assert.equal(requested(w)[0], refund, 'the webhook carries the amounts');
    sendReturnEvent(fulcrum, ret.id, { type: 'refund.completed', refundId: refund!.id });
    assert.is(refundsOf(fulcrum, ret.id)[0]!.status, 'completed');
  });
});

test('across returns: shipping is refunded once, and the total never exceeds what was paid', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    await policy(w, { refund: { shipping: 'always' } });
    const order = pricedOrder(w, 2, { unitPrice: 10, shippingAmount: 5 });
    const totals: number[] = [];
    for (let i = 0; i < 2; i++) {
      const ret = createReturn(fulcrum, { orderId: order, lines: [{ sku: 'A', qty: 1 }], reason: 'x' }, 'k').value;
      sendReturnEvent(fulcrum, ret.id, { type: 'received', location: 'BER' });
      sendReturnEvent(fulcrum, ret.id, { type: 'inspected', outcome: 'restock' });
      totals.push(refundsOf(fulcrum, ret.id)[0]!.total!);
    }
    assert.equal(totals, [15, 10]);
    // The ceiling itself, where the lines add up to more than is left to refund.
    const capped = computeRefund({ currency: 'EUR', lines: [{ sku: 'A', qty: 2, unitPrice: 10 }] }, { lines: [{ sku: 'A', qty: 2, reason: 'x' }] }, () => undefined, 1250, false);
    assert.equal([capped.total, capped.cappedFrom], [12.5, 20]);
  });
});

test("refund timing is the workflow's choice: on receipt, after inspection (default), or on manual approval", async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const std = structuredClone(w.catalog.get('return', 'standard')!.versions[0]!.definition) as any;
    // On receipt: the refund is requested as the units arrive, before any inspection.
    for (const t of std.states.requested.on.received) t.actions.push('requestRefund');
    std.states.requested.on.received = std.states.requested.on.received.filter((t: { target: string }) => t.target === 'inspecting');
    delete std.states.authenticating;
    delete std.states.rejected;
    std.states.inspecting.always = [{ guard: 'returnInspected', target: 'awaiting_refund' }];
    std.states.awaiting_refund = { on: { 'refund.completed': 'closed', 'refund.failed': {} } };
    delete std.states.refunding;
    delete std.states.refurbishing;
    w.catalog.put('return', 'standard', std, new Date(w.clock.now()).toISOString());
    await w.catalog.activate('return', 'standard', 2, new Date(w.clock.now()).toISOString()).durable;
    const a = createReturn(fulcrum, { orderId: pricedOrder(w, 1), lines: [{ sku: 'A', qty: 1 }], reason: 'x' }, 'k').value;
    sendReturnEvent(fulcrum, a.id, { type: 'received', location: 'BER' });
    assert.is(requested(w).length, 1, 'requested on receipt');

    const manual = structuredClone(w.catalog.get('return', 'standard')!.versions[0]!.definition) as any;
    manual.states.inspecting.always = [{ guard: 'returnInspected', target: 'awaiting_approval' }];
    manual.states.awaiting_approval = { on: { 'refund.approved': 'refunding' } };
    w.catalog.put('return', 'standard', manual, new Date(w.clock.now()).toISOString());
    await w.catalog.activate('return', 'standard', 3, new Date(w.clock.now()).toISOString()).durable;
    const b = createReturn(fulcrum, { orderId: pricedOrder(w, 1), lines: [{ sku: 'A', qty: 1 }], reason: 'x' }, 'k').value;
    sendReturnEvent(fulcrum, b.id, { type: 'received', location: 'BER' });
    sendReturnEvent(fulcrum, b.id, { type: 'inspected', outcome: 'restock' });
    assert.is(requested(w).length, 1, 'inspected, but not approved yet');
    sendReturnEvent(fulcrum, b.id, { type: 'refund.approved' });
    assert.is(requested(w).length, 2, 'requested on approval');
    assert.is(refundsOf(fulcrum, b.id)[0]!.total, 55, 'the unit and, all of it back, the shipping');
  });
});

test('a failed refund raises an alert; a retry asks again; answers are idempotent by refund id', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const ret = createReturn(fulcrum, { orderId: pricedOrder(w, 1), lines: [{ sku: 'A', qty: 1 }], reason: 'x' }, 'k').value;
    sendReturnEvent(fulcrum, ret.id, { type: 'received', location: 'BER' });
    sendReturnEvent(fulcrum, ret.id, { type: 'inspected', outcome: 'restock' });
    assert.is(refusal(() => sendReturnEvent(fulcrum, ret.id, { type: 'refund.retry' })).type, 'invalid_request', 'R1 is still waiting');
    sendReturnEvent(fulcrum, ret.id, { type: 'refund.failed', refundId: `${ret.id}-R1`, reason: 'card expired' });
    const alerts = () => listAlerts(fulcrum, { status: 'open', entity: `return/${ret.id}`, limit: 10 }).filter((a) => a.alert === 'refund-failed');
    assert.is(alerts()[0]?.severity, 'critical');
    sendReturnEvent(fulcrum, ret.id, { type: 'refund.failed', refundId: `${ret.id}-R1` });
    assert.is(refusal(() => sendReturnEvent(fulcrum, ret.id, { type: 'refund.completed', refundId: `${ret.id}-R1` })).type, 'invalid_state', 'R1 failed; it cannot complete');
    sendReturnEvent(fulcrum, ret.id, { type: 'refund.retry' });
    const refunds = refundsOf(fulcrum, ret.id);
    assert.equal(refunds.map((r) => `${r.id} ${r.status} ${r.total}`), [`${ret.id}-R1 failed 55`, `${ret.id}-R2 requested 55`], 'a failed refund does not count against what was paid');
    assert.is(refusal(() => sendReturnEvent(fulcrum, ret.id, { type: 'refund.completed', refundId: 'nope' })).type, 'not_found');
    sendReturnEvent(fulcrum, ret.id, { type: 'refund.completed', refundId: `${ret.id}-R2` });
    assert.is(fulcrum.engine.entityState('return', ret.id)!.state.value, 'closed');
    assert.is(alerts().length, 0);
    const before = JSON.stringify(fulcrum.engine.entityState('return', ret.id));
    sendReturnEvent(fulcrum, ret.id, { type: 'refund.completed', refundId: `${ret.id}-R2` });
    assert.is(JSON.stringify(fulcrum.engine.entityState('return', ret.id)), before, 'a repeated answer changes nothing');
  });
});

test('an order without prices gets a refund of lines without amounts', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const order = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 1 }] }, 'k').value;
    sendOrderEvent(fulcrum, order.id, { type: 'payment.authorized' });
    for (const f of fulcrum.orders.get(order.id)!.fulfilments) for (const type of ['accepted', 'picked', 'packed', 'shipped']) sendEntityEvent(fulcrum, 'fulfilment', f.id, { type });
    const ret = createReturn(fulcrum, { orderId: order.id, lines: [{ sku: 'A', qty: 1 }], reason: 'x' }, 'k').value;
    sendReturnEvent(fulcrum, ret.id, { type: 'received', location: 'BER' });
    sendReturnEvent(fulcrum, ret.id, { type: 'inspected', outcome: 'restock' });
    const [refund] = refundsOf(fulcrum, ret.id);
    assert.equal([refund!.lines, refund!.total, refund!.currency], [[{ sku: 'A', qty: 1 }], undefined, undefined]);
  });
});

test('refunds across a restart: the pending answer is taken, and what was refunded still counts', async () => {
  const { dir, cleanup } = tempDataDir();
  let w = await openWorkflowWorld(dir);
  try {
    await seedNetwork(w);
    await policy(w, { refund: { shipping: 'always' } });
    const order = pricedOrder(w, 2, { unitPrice: 10, shippingAmount: 5 });
    const first = createReturn(w.run.fulcrum, { orderId: order, lines: [{ sku: 'A', qty: 1 }], reason: 'x' }, 'k').value;
    sendReturnEvent(w.run.fulcrum, first.id, { type: 'received', location: 'BER' });
    sendReturnEvent(w.run.fulcrum, first.id, { type: 'inspected', outcome: 'restock' });
    await w.run.close();
    w = await openWorkflowWorld(dir, { clock: w.clock });
    sendReturnEvent(w.run.fulcrum, first.id, { type: 'refund.completed', refundId: `${first.id}-R1` });
    const second = createReturn(w.run.fulcrum, { orderId: order, lines: [{ sku: 'A', qty: 1 }], reason: 'x' }, 'k').value;
    sendReturnEvent(w.run.fulcrum, second.id, { type: 'received', location: 'BER' });
    sendReturnEvent(w.run.fulcrum, second.id, { type: 'inspected', outcome: 'restock' });
    assert.is(refundsOf(w.run.fulcrum, second.id)[0]!.total, 10, 'shipping went with the first refund, before the restart');
  } finally {
    await w.run.close();
    cleanup();
  }
});

test.run();
