import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS, orderBody, seedHttp, shipOrderHttp, startTestServer, type TestServer } from '../helpers/server.js';

const t = suite<{ s: TestServer }>('workflows, fulfilments, alerts, returns and transfers over HTTP');

t.before(async (ctx) => {
  ctx.s = await startTestServer();
  await seedHttp(ctx.s, { locations: { BER: [52.5, 13.4], MUC: [48.1, 11.6] }, skus: ['A'], stock: [['BER', 'A', 10], ['MUC', 'A', 10]] });
});
t.after(async (ctx) => ctx.s.stop());

t('the default workflows are installed and active', async ({ s }) => {
  const r = await s.call('GET', '/workflows');
  assert.equal(r.body.items.map((w: any) => `${w.entity}/${w.name}@${w.active}`), [
    'fulfilment/standard@1',
    'order/click-collect@1',
    'order/home-delivery@1',
    'return/standard@1',
    'transfer/standard@1',
  ]);
  const bricks = await s.call('GET', '/workflows/bricks');
  assert.ok(bricks.body.items.some((b: any) => b.name === 'startTimer' && b.kind === 'action'));
});

t('an invalid workflow is refused with every problem and nothing is stored', async ({ s }) => {
  const r = await s.call('PUT', '/workflows/order/broken', { initial: 'a', states: { a: { entry: ['nope'], on: { go: 'b' } }, c: { type: 'final' } } });
  assert.is(r.status, 400);
  assert.is(r.body.error.type, 'invalid_request');
  assert.ok(r.body.error.details.length >= 3, JSON.stringify(r.body.error.details));
  assert.is((await s.call('GET', '/workflows/order/broken')).status, 404);
  assert.is((await s.call('PUT', '/workflows/widget/x', { initial: 'a', states: { a: { type: 'final' } } })).status, 404);
  assert.is((await s.call('PUT', '/workflows/order/x', '{not json')).status, 400);
  assert.is((await s.call('PUT', '/workflows/order/x', { initial: 'a', states: { a: { type: 'final' } } }, { key: KEYS.ops })).status, 403);
});

t('a new version is a draft until activated', async ({ s }) => {
  const doc = { appliesTo: { channel: ['b2b'] }, priority: 5, initial: 'open', states: { open: { on: { 'order.cancelled': 'done', approve: 'done' } }, done: { type: 'final', entry: ['release'] } } };
  const put = await s.call('PUT', '/workflows/order/b2b', doc);
  assert.is(put.status, 201);
  assert.equal(put.body, { entity: 'order', name: 'b2b', version: 1, status: 'draft' });
  const before = await s.call('POST', '/orders', orderBody('A', 1, { channel: 'b2b' }));
  assert.is(before.body.workflow, 'order/home-delivery@1');
  const act = await s.call('POST', '/workflows/order/b2b/versions/1/activate');
  assert.is(act.status, 200);
  assert.is(act.body.active, 1);
  const after = await s.call('POST', '/orders', orderBody('A', 1, { channel: 'b2b' }));
  assert.is(after.body.workflow, 'order/b2b@1');
  assert.is(after.body.status, 'open');
  assert.is((await s.call('POST', '/workflows/order/b2b/versions/9/activate')).status, 404);
});

t('fulfilment events over HTTP move the order; refused events list what is accepted', async ({ s }) => {
  const order = (await s.call('POST', '/orders', orderBody('A', 2))).body;
  await s.call('POST', `/orders/${order.id}/events`, { type: 'payment.authorized' });
  const f = (await s.call('GET', `/orders/${order.id}`)).body.fulfilments[0];
  const wrong = await s.call('POST', `/fulfilments/${f.id}/events`, { type: 'shipped' });
  assert.is(wrong.status, 409);
  assert.equal(wrong.body.error.details[0].accepted, ['accepted', 'cancelled', 'rejected']);
  for (const type of ['accepted', 'picked', 'packed', 'shipped']) assert.is((await s.call('POST', `/fulfilments/${f.id}/events`, { type })).status, 200);
  const got = await s.call('GET', `/fulfilments/${f.id}`);
  assert.is(got.body.status, 'shipped');
  assert.is(got.body.workflow, 'fulfilment/standard@1');
  assert.is((await s.call('GET', `/orders/${order.id}`)).body.status, 'shipped');
  assert.is((await s.call('POST', '/fulfilments/nope/events', { type: 'accepted' })).status, 404);
  assert.is((await s.call('POST', `/fulfilments/${f.id}/events`, { type: 'timer.fired', name: 'x' })).status, 400);
});

t('alerts can be listed, acknowledged and resolved', async ({ s }) => {
  const order = (await s.call('POST', '/orders', orderBody('A', 1, { attributes: { giftWrap: true } }))).body;
  await s.call('POST', `/orders/${order.id}/events`, { type: 'payment.authorized' });
  const list = await s.call('GET', `/alerts?entity=order/${order.id}`);
  assert.is(list.body.items.length, 1);
  const alert = list.body.items[0];
  assert.equal([alert.alert, alert.status, alert.severity], ['gift-wrap-requested', 'open', 'info']);
  assert.is((await s.call('POST', `/alerts/${alert.id}/acknowledge`)).body.status, 'acknowledged');
  assert.is((await s.call('POST', `/alerts/${alert.id}/resolve`)).body.status, 'resolved');
  const again = await s.call('POST', `/alerts/${alert.id}/resolve`);
  assert.is(again.status, 409);
  assert.is((await s.call('GET', '/alerts?status=bogus')).status, 400);
  assert.is((await s.call('GET', '/alerts', undefined, { key: KEYS.storefront })).status, 403);
});

t('returns and transfers are created and driven over HTTP', async ({ s }) => {
  const order = (await s.call('POST', '/orders', orderBody('A', 1))).body;
  const early = await s.call('POST', '/returns', { orderId: order.id, lines: [{ sku: 'A', qty: 1 }], reason: 'wrong size' });
  assert.is(early.status, 409, 'nothing shipped yet');
  await shipOrderHttp(s.call.bind(s), order.id);
  const ret = await s.call('POST', '/returns', { orderId: order.id, lines: [{ sku: 'A', qty: 1 }], reason: 'wrong size' });
  assert.is(ret.status, 201);
  assert.is(ret.body.status, 'requested');
  assert.is((await s.call('POST', `/returns/${ret.body.id}/events`, { type: 'received', location: 'MUC' })).body.status, 'inspecting');
  const bad = await s.call('POST', '/returns', { orderId: 'ord_nope', lines: [{ sku: 'A', qty: 1 }], reason: 'x' });
  assert.is(bad.status, 404);
  const tr = await s.call('POST', '/transfers', { from: 'MUC', to: 'BER', lines: [{ sku: 'A', qty: 2 }] });
  assert.is(tr.status, 201);
  assert.is((await s.call('GET', '/inventory/MUC/A')).body.reserved >= 2, true);
  assert.is((await s.call('POST', `/transfers/${tr.body.id}/events`, { type: 'shipped' })).body.status, 'in_transit');
  assert.is((await s.call('POST', `/transfers/${tr.body.id}/events`, { type: 'received' })).body.status, 'received');
  const same = await s.call('POST', '/transfers', { from: 'MUC', to: 'MUC', lines: [{ sku: 'A', qty: 1 }] });
  assert.is(same.status, 400);
});

t.run();
