import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Fulcrum } from '../../src/fulcrum/index.js';
import { placeOrder, sendEntityEvent, sendOrderEvent } from '../../src/orders/index.js';
import { parseSourcingProfile, sourcingDecisions, type SourcingProfileInput } from '../../src/sourcing/index.js';
import { seed } from '../helpers/network.js';
import { refusal } from '../helpers/refusal.js';
import { withWorld, type WorkflowWorld } from '../helpers/workflow-engine.js';

const BERLIN = { lat: 52.5, lon: 13.4, country: 'DE' };

/** Potsdam (near Berlin) holds X, Munich (far) holds Y: an order of both to Berlin splits without transfers. */
async function network(w: WorkflowWorld): Promise<void> {
  await seed(w.run.fulcrum, {
    locations: { POT: [52.39, 13.06], MUC: [48.14, 11.58], BER: [52.52, 13.4] },
    skus: ['X', 'Y'],
    stock: [['POT', 'X', 5], ['MUC', 'Y', 5]],
  });
}

function useProfile(f: Fulcrum, strategy: Partial<SourcingProfileInput['strategies'][number]>): void {
  f.sourcing.profile = parseSourcingProfile({ id: 'lab', version: 1, strategies: [{ id: 'main', ...strategy }] });
}

const both = (f: Fulcrum) => placeOrder(f, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'X', qty: 1 }, { sku: 'Y', qty: 1 }] }, 'k').value;

/** The decisions about an order, once its step is on disk (they are written with it). */
async function decisionsOf(f: Fulcrum, id: string) {
  await f.engine.store.decisions.flushed;
  return sourcingDecisions(f, id);
}

test('a transfer to one location and one parcel beats a split when cheaper: the transfer starts, the order waits on it, and ships from there', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    useProfile(fulcrum, { transfers: { costPerUnit: 0.5, leadDays: 1, lanes: [] } });
    const o = both(fulcrum);
    const view = fulcrum.orders.get(o.id)!;
    assert.equal(view.fulfilments.map((f) => [f.location, f.lines]), [['POT', [{ sku: 'X', qty: 1 }]]], 'what Potsdam holds is reserved there');
    assert.is(view.waiting!.length, 1);
    const transfer = view.waiting![0]!.inbound;
    const inbound = fulcrum.supply.inbound(transfer)!.context;
    assert.equal([inbound.kind, inbound.location, inbound.forOrder, inbound.lines], ['transfer', 'POT', o.id, [{ sku: 'Y', qty: 1, received: 0 }]]);
    assert.is(fulcrum.engine.position('MUC', 'Y')!.reserved, 1, 'the transfer reserved its unit at the source');
    const [decision] = await decisionsOf(fulcrum, o.id);
    assert.ok(decision!.transfer, 'the decision record has both plans');
    const { chosen, split, consolidated } = decision!.transfer!;
    assert.equal([chosen, split.shipments, consolidated.hub], [true, 2, 'POT']);
    assert.ok(split.cost !== null && consolidated.cost < split.cost, `one parcel (${consolidated.cost}) cheaper than the split (${split.cost})`);
    assert.equal(consolidated.transfers.map((t) => [t.from, t.to, t.lines]), [['MUC', 'POT', [{ sku: 'Y', qty: 1 }]]]);
    sendOrderEvent(fulcrum, o.id, { type: 'payment.authorized' });
    assert.is(fulcrum.orders.get(o.id)!.status, 'awaiting_stock', 'one parcel: it waits for the transfer');
    sendEntityEvent(fulcrum, 'transfer', transfer, { type: 'shipped' });
    sendEntityEvent(fulcrum, 'transfer', transfer, { type: 'received' });
    await fulcrum.supply.allocating();
    const after = fulcrum.orders.get(o.id)!;
    assert.equal([after.status, after.waiting ?? []], ['fulfilling', []]);
    assert.ok(after.fulfilments.every((f) => f.location === 'POT'), 'everything ships from Potsdam');
    assert.equal([fulcrum.engine.position('POT', 'Y')!.reserved, fulcrum.engine.position('MUC', 'Y')!.reserved], [1, 0]);
  }, network);
});

test('a dear transfer loses to the split (and the record says by how much); without transfers in the profile nothing changes', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    useProfile(fulcrum, { transfers: { costPerUnit: 1000, leadDays: 2, lanes: [] } });
    const o = both(fulcrum);
    assert.equal(fulcrum.orders.get(o.id)!.fulfilments.map((f) => f.location).sort(), ['MUC', 'POT']);
    assert.equal(fulcrum.orders.get(o.id)!.waiting ?? [], []);
    const t = (await decisionsOf(fulcrum, o.id))[0]!.transfer!;
    assert.ok(!t.chosen && t.consolidated.cost > t.split.cost!);
    // A lane may be cheaper than the default.
    useProfile(fulcrum, { transfers: { costPerUnit: 1000, leadDays: 2, lanes: [{ from: 'MUC', to: 'POT', costPerUnit: 0.1 }] } });
    assert.is(both(fulcrum).fulfilments.length, 1, 'the cheap lane makes one parcel worth it');
    useProfile(fulcrum, {});
    const plain = both(fulcrum);
    assert.is(plain.fulfilments.length, 2);
    assert.is((await decisionsOf(fulcrum, plain.id))[0]!.transfer, undefined);
  }, network);
});

test('splits forbidden: an order no single location can send whole is met by a transfer instead of a refusal', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    useProfile(fulcrum, { split: { policy: 'forbid' } });
    assert.is(refusal(() => both(fulcrum)).type, 'insufficient_stock', 'without transfers: refused');
    useProfile(fulcrum, { split: { policy: 'forbid' }, transfers: { costPerUnit: 1, leadDays: 2, lanes: [] } });
    const o = both(fulcrum);
    assert.equal(fulcrum.orders.get(o.id)!.fulfilments.length, 1);
    assert.is(fulcrum.orders.get(o.id)!.waiting!.length, 1);
    assert.is((await decisionsOf(fulcrum, o.id))[0]!.outcome, 'planned');
  }, network);
});

test('click & collect at a store that lacks a line: a transfer to the store meets it (without transfers: 409)', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const collect = () => placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, deliveryType: 'collect', collectAt: 'BER', lines: [{ sku: 'X', qty: 2 }] }, 'k').value;
    useProfile(fulcrum, {});
    assert.is(refusal(collect).type, 'insufficient_stock');
    useProfile(fulcrum, { transfers: { costPerUnit: 1, leadDays: 1, lanes: [] } });
    const o = collect();
    const view = fulcrum.orders.get(o.id)!;
    assert.equal(view.fulfilments, [], 'nothing at the store yet');
    const transfer = view.waiting![0]!.inbound;
    assert.equal(fulcrum.supply.inbound(transfer)!.context.location, 'BER');
    sendOrderEvent(fulcrum, o.id, { type: 'payment.authorized' });
    sendEntityEvent(fulcrum, 'transfer', transfer, { type: 'shipped' });
    sendEntityEvent(fulcrum, 'transfer', transfer, { type: 'received' });
    await fulcrum.supply.allocating();
    const after = fulcrum.orders.get(o.id)!;
    assert.equal([after.status, after.fulfilments.map((f) => f.location)], ['preparing', ['BER']]);
  }, network);
});

test.run();
