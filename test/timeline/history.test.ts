import { rmSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS, orderBody, seedHttp, startTestServer, type TestServer } from '../helpers/server.js';

const NETWORK = { locations: { BER: [52.52, 13.4] as [number, number], MUC: [48.14, 11.58] as [number, number] }, skus: ['A', 'B'], stock: [['BER', 'A', 10], ['MUC', 'B', 5]] as Array<[string, string, number]> };

/** Places an order, pays it and ships its fulfilment over HTTP; returns the order and fulfilment ids. */
async function shippedOrder(t: TestServer): Promise<{ order: string; fulfilment: string }> {
  const placed = await t.call('POST', '/orders', orderBody('A', 2), { key: KEYS.storefront });
  assert.is(placed.status, 201, JSON.stringify(placed.body));
  const order = placed.body.id as string;
  assert.is((await t.call('POST', `/orders/${order}/events`, { type: 'payment.authorized' }, { key: KEYS.ops })).status, 200);
  const fulfilment = (await t.call('GET', `/orders/${order}`)).body.fulfilments[0].id as string;
  for (const type of ['accepted', 'picked', 'packed', 'shipped']) {
    assert.is((await t.call('POST', `/fulfilments/${fulfilment}/events`, { type }, { key: KEYS.ops })).status, 200);
  }
  return { order, fulfilment };
}

/** A key's public id, as orders record it. */
async function keyId(t: TestServer, key: string): Promise<string> {
  return (await t.call('POST', '/orders', orderBody('A', 1), { key })).body.createdBy as string;
}

test('an order history lists every event, status change, effect and sourcing decision, with who caused it and when', async () => {
  const t = await startTestServer();
  try {
    await seedHttp(t, NETWORK);
    const { order, fulfilment } = await shippedOrder(t);
    const storefront = await keyId(t, KEYS.storefront);
    const ops = await keyId(t, KEYS.ops);
    const h = await t.call('GET', `/orders/${order}/history`);
    assert.is(h.status, 200);
    const items = h.body.items as Array<{ at: string; by: string; event: Record<string, unknown>; status: string; from?: string; effects?: Array<Record<string, unknown>> }>;
    assert.equal(items.map((e) => e.event.type), [
      'entity.create', 'entity.created', 'payment.authorized',
      'fulfilment.accepted', 'fulfilment.picked', 'fulfilment.packed', 'fulfilment.shipped',
    ]);
    const [create, entered, paid] = items;
    assert.is(create!.by, storefront, 'intake is the storefront key');
    assert.equal(create!.event.fulfilments, [{ id: `${order}-1`, location: 'BER', lines: [{ sku: 'A', qty: 2 }], status: 'created' }], 'the sourcing decision: where it ships from');
    assert.equal((create!.event.sourcing as { strategy: string }).strategy, 'standard');
    assert.equal([entered!.from, entered!.status], ['new', 'awaiting_payment']);
    assert.equal(entered!.effects, [{ type: 'webhook', event: 'payment.requested' }]);
    assert.equal([paid!.by, paid!.from, paid!.status], [ops, 'awaiting_payment', 'fulfilling']);
    assert.equal(paid!.effects!.map((e) => e.type), ['fulfilments.create']);
    const last = items.at(-1)!;
    assert.equal([last.by, last.from, last.status], [ops, 'fulfilling', 'shipped'], 'a notification from the fulfilment is caused by whoever shipped it');
    assert.ok(last.effects!.some((e) => e.type === 'webhook' && e.event === 'order.shipped'));
    for (const e of items) assert.ok(Date.parse(e.at) > 0, 'every entry has its time');

    const fh = await t.call('GET', `/fulfilments/${fulfilment}/history`);
    assert.equal(fh.body.items.map((e: { event: { type: string } }) => e.event.type), ['entity.create', 'entity.created', 'accepted', 'picked', 'packed', 'shipped']);
    assert.equal(fh.body.items.at(-1).effects.map((e: { type: string }) => e.type), ['stock.ship', 'entity.notify']);
  } finally {
    await t.stop();
  }
});

test('a history comes in pages, oldest first, and a storefront key reads only its own orders', async () => {
  const t = await startTestServer();
  try {
    await seedHttp(t, NETWORK);
    const { order } = await shippedOrder(t);
    const all = (await t.call('GET', `/orders/${order}/history?limit=500`)).body.items;
    const paged: unknown[] = [];
    let cursor: string | undefined;
    do {
      const page = await t.call('GET', `/orders/${order}/history?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      assert.is(page.status, 200);
      assert.ok(page.body.items.length <= 3);
      paged.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.equal(paged, all);
    assert.is((await t.call('GET', `/orders/${order}/history`, undefined, { key: KEYS.storefront })).status, 200);
    assert.is((await t.call('GET', `/orders/${order}/history`, undefined, { key: KEYS.storefront2 })).status, 404);
    assert.is((await t.call('GET', `/orders/${order}/history?cursor=nope`)).status, 400);
    assert.is((await t.call('GET', '/orders/ord_missing/history')).status, 404);
    assert.is((await t.call('GET', '/returns/ret_missing/history')).status, 404);
  } finally {
    await t.stop();
  }
});

test('a refused event leaves no trace in the history', async () => {
  const t = await startTestServer();
  try {
    await seedHttp(t, NETWORK);
    const order = (await t.call('POST', '/orders', orderBody('A', 1))).body.id;
    assert.is((await t.call('POST', `/orders/${order}/events`, { type: 'delivered' })).status, 409);
    const types = (await t.call('GET', `/orders/${order}/history`)).body.items.map((e: { event: { type: string } }) => e.event.type);
    assert.equal(types, ['entity.create', 'entity.created']);
  } finally {
    await t.stop();
  }
});

test('the history outlives the journal: after the journal is trimmed behind a snapshot and a restart, it is all there', async () => {
  const first = await startTestServer({ server: { snapshotIntervalMs: 20 } });
  const dir = first.dir;
  let order: string;
  let before: unknown;
  try {
    await seedHttp(first, NETWORK);
    const { journal, store } = first.server.fulcrum.engine;
    const intake = journal.nextSeq;
    ({ order } = await shippedOrder(first));
    await first.call('POST', `/orders/${order}/events`, { type: 'delivered' });
    before = (await first.call('GET', `/orders/${order}/history`)).body;
    const deadline = Date.now() + 5000;
    // Snapshots cover the order (finished, passivated), so the journal entries behind them are deleted.
    while (store.journal.get(intake) !== undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.is(store.journal.get(intake), undefined, 'the journal entry of the intake was trimmed');
  } finally {
    await first.server.close();
  }
  const again = await startTestServer({ dir });
  try {
    const after = (await again.call('GET', `/orders/${order}/history`)).body;
    assert.equal(after, before);
    assert.is((after as { items: unknown[] }).items.length, 8);
  } finally {
    await again.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
