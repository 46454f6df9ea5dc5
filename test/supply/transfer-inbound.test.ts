import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Fulcrum } from '../../src/fulcrum/index.js';
import { placeOrder, sendEntityEvent, sendOrderEvent } from '../../src/orders/index.js';
import { upsertPool, type PoolDefinition } from '../../src/stock/index.js';
import { cancelInbound, receiveInbound, upsertInbound, type SupplyRuleInput } from '../../src/supply/index.js';
import { createTransfer, TRANSFER_DAYS } from '../../src/transfers/index.js';
import { seed } from '../helpers/network.js';
import { refusal } from '../helpers/refusal.js';
import { tempDataDir } from '../helpers/tmp.js';
import { openWorkflowWorld, withWorld, type WorkflowWorld } from '../helpers/workflow-engine.js';

const BERLIN = { lat: 52.5, lon: 13.4, country: 'DE' };
const DAY = 86_400_000;

/** Munich holds 10 of A, Berlin 1; A may be backordered. */
async function network(w: WorkflowWorld): Promise<void> {
  await seed(w.run.fulcrum, { locations: { BER: [52.52, 13.4], MUC: [48.14, 11.58] }, skus: ['A'], stock: [['MUC', 'A', 10], ['BER', 'A', 1]] });
  const { fulcrum } = w.run;
  const rule: Partial<SupplyRuleInput> & Pick<SupplyRuleInput, 'id' | 'skus' | 'mode'> = { id: 'a', skus: ['A'], mode: 'backorder' };
  fulcrum.supply.rules.put(fulcrum.engine, rule, new Date(w.clock.now()).toISOString(), (sku) => fulcrum.supply.sold(sku));
}

const order = (f: Fulcrum, qty: number) => placeOrder(f, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty }], pool: 'BER-only' }, 'k').value;

/** A pool of Berlin alone, so that an order on it cannot ship from Munich's shelf and must wait. */
function berlinPool(f: Fulcrum): void {
  upsertPool(f, { id: 'BER-only', name: 'Berlin', locations: { ids: ['BER'] } } as PoolDefinition);
}

test('a transfer in flight is inbound at its destination, dated, and orders can wait on it; its arrival allocates them', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    berlinPool(fulcrum);
    const { id } = createTransfer(fulcrum, { from: 'MUC', to: 'BER', lines: [{ sku: 'A', qty: 3 }, { sku: 'A', qty: 1 }] }, 'k').value;
    const inbound = fulcrum.supply.inbound(id)!;
    assert.equal([inbound.state, inbound.context.kind, inbound.context.location, inbound.context.transfer], ['open', 'transfer', 'BER', id]);
    assert.equal(inbound.context.lines, [{ sku: 'A', qty: 4, received: 0 }], 'one line per SKU');
    assert.is(inbound.context.expectedAt, new Date(w.clock.now() + TRANSFER_DAYS * DAY).toISOString(), 'two days on when nobody says');
    assert.is(fulcrum.supply.inboundUnits('A', 'BER-only'), 4, 'availability counts it at the destination');
    const o = order(fulcrum, 3);
    assert.equal(fulcrum.orders.get(o.id)!.waiting!.map((l) => [l.inbound, l.qty, l.promisedAt]), [[id, 2, inbound.context.expectedAt]], 'the shelf first, the rest waits on the transfer');
    sendEntityEvent(fulcrum, 'transfer', id, { type: 'shipped' });
    assert.is(fulcrum.supply.inbound(id)!.state, 'open', 'in transit it is still expected');
    sendEntityEvent(fulcrum, 'transfer', id, { type: 'received' });
    await fulcrum.supply.allocating();
    assert.is(fulcrum.supply.inbound(id)!.state, 'received');
    assert.equal(fulcrum.orders.get(o.id)!.waiting ?? [], [], 'allocated on arrival');
    const ber = fulcrum.engine.position('BER', 'A')!;
    assert.equal([ber.sellable, ber.reserved, ber.other?.in_transit ?? 0], [2, 3, 0], '1 + 4 arrived once (not twice): 3 reserved for the order, 2 free');
  }, network);
});

test('a cancelled transfer cancels its inbound: waiting orders move on or become unfulfillable; by hand it is neither received nor cancelled', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    berlinPool(fulcrum);
    const { id } = createTransfer(fulcrum, { from: 'MUC', to: 'BER', lines: [{ sku: 'A', qty: 2 }], expectedAt: new Date(w.clock.now() + 5 * DAY).toISOString() }, 'k').value;
    assert.is(refusal(() => receiveInbound(fulcrum, id, { receiptId: 'r', lines: [{ sku: 'A', qty: 2 }] }, 'k')).type, 'invalid_state');
    assert.is(refusal(() => cancelInbound(fulcrum, id, 'no', 'k')).type, 'invalid_state');
    const moved = refusal(() => upsertInbound(fulcrum, id, { location: 'BER', lines: [{ sku: 'A', qty: 5 }], expectedAt: new Date(w.clock.now() + 5 * DAY).toISOString(), kind: 'transfer' }, 'k'));
    assert.is(moved.type, 'invalid_request', 'its lines follow the transfer');
    const later = new Date(w.clock.now() + 6 * DAY).toISOString();
    upsertInbound(fulcrum, id, { location: 'BER', lines: [{ sku: 'A', qty: 2 }], expectedAt: later, kind: 'transfer' }, 'k');
    assert.is(fulcrum.supply.inbound(id)!.context.expectedAt, later, 'its date may move');
    const o = order(fulcrum, 3);
    assert.is(fulcrum.orders.get(o.id)!.waiting![0]!.inbound, id);
    sendEntityEvent(fulcrum, 'transfer', id, { type: 'cancelled' });
    assert.is(fulcrum.supply.inbound(id)!.state, 'cancelled');
    assert.equal(fulcrum.orders.get(o.id)!.waiting ?? [], []);
    assert.equal(fulcrum.orders.get(o.id)!.unfulfillable?.map((l) => l.qty), [2], 'no other supply: unfulfillable');
    assert.equal(fulcrum.engine.position('MUC', 'A')!.sellable, 10, 'the source got its units back');
  }, network);
});

test('a transfer dated in the past is refused and changes nothing; after a restart its inbound and the orders waiting on it are as they were', async () => {
  const { dir, cleanup } = tempDataDir();
  let w = await openWorkflowWorld(dir);
  try {
    await network(w);
    berlinPool(w.run.fulcrum);
    const past = refusal(() => createTransfer(w.run.fulcrum, { from: 'MUC', to: 'BER', lines: [{ sku: 'A', qty: 2 }], expectedAt: new Date(w.clock.now() - DAY).toISOString() }, 'k'));
    assert.is(past.type, 'invalid_request');
    assert.equal(past.details?.map((d) => d.path), ['expectedAt']);
    assert.equal(w.run.fulcrum.engine.position('MUC', 'A')!.sellable, 10, 'nothing reserved');
    const { id } = createTransfer(w.run.fulcrum, { from: 'MUC', to: 'BER', lines: [{ sku: 'A', qty: 2 }] }, 'k').value;
    const o = order(w.run.fulcrum, 2);
    await w.run.close();
    w = await openWorkflowWorld(dir, { clock: w.clock });
    const { fulcrum } = w.run;
    assert.equal(fulcrum.supply.queue(id), [[o.id, 'A', 1]]);
    sendEntityEvent(fulcrum, 'transfer', id, { type: 'shipped' });
    sendEntityEvent(fulcrum, 'transfer', id, { type: 'received' });
    await fulcrum.supply.allocating();
    assert.equal(fulcrum.orders.get(o.id)!.waiting ?? [], []);
    assert.equal(fulcrum.engine.position('BER', 'A')!.reserved, 2);
  } finally {
    await w.run.close();
    cleanup();
  }
});

test('an order for collection waits on inbound to its store only, is paid, waits for its last unit, then the store prepares it', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const collect = (qty: number) => placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, deliveryType: 'collect', collectAt: 'BER', lines: [{ sku: 'A', qty }] }, 'k').value;
    upsertInbound(fulcrum, 'PO-MUC', { location: 'MUC', lines: [{ sku: 'A', qty: 50 }], expectedAt: new Date(w.clock.now() + 3 * DAY).toISOString(), kind: 'asn' }, 'k');
    const elsewhere = refusal(() => collect(3));
    assert.is(elsewhere.type, 'insufficient_stock', 'inbound to another location does not reach the store');
    assert.match(elsewhere.details![0]!.message, /0 promisable against inbound at BER/);
    upsertInbound(fulcrum, 'PO-BER', { location: 'BER', lines: [{ sku: 'A', qty: 5 }], expectedAt: new Date(w.clock.now() + 4 * DAY).toISOString(), kind: 'asn' }, 'k');
    const o = collect(3);
    const view = fulcrum.orders.get(o.id)!;
    assert.equal(view.waiting!.map((l) => [l.inbound, l.qty]), [['PO-BER', 2]], 'the shelf at the store first, the rest on inbound to it');
    assert.equal(view.fulfilments.map((f) => [f.location, f.lines[0]!.qty]), [['BER', 1]]);
    sendOrderEvent(fulcrum, o.id, { type: 'payment.authorized' });
    assert.is(fulcrum.orders.get(o.id)!.status, 'awaiting_stock', 'collected all at once: waits for the rest');
    receiveInbound(fulcrum, 'PO-BER', { receiptId: 'r', lines: [{ sku: 'A', qty: 5 }] }, 'k');
    await fulcrum.supply.allocating();
    const after = fulcrum.orders.get(o.id)!;
    assert.equal([after.status, after.waiting ?? []], ['preparing', []]);
    assert.ok(after.fulfilments.every((f) => f.location === 'BER'), 'allocated at the store, never shipped from elsewhere');
    assert.is(after.fulfilments.reduce((n, f) => n + f.lines[0]!.qty, 0), 3);
  }, network);
});

test.run();
