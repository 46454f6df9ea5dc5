import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS, orderBody, seedHttp, shipOrderHttp, startTestServer, type TestServer } from '../helpers/server.js';

const t = suite<{ s: TestServer }>('return policies and returns over HTTP');

t.before(async (ctx) => {
  ctx.s = await startTestServer();
  await seedHttp(ctx.s, { locations: { BER: [52.5, 13.4], MUC: [48.1, 11.6] }, skus: ['A'], stock: [['BER', 'A', 10], ['MUC', 'A', 10]] });
});
t.after(async (ctx) => ctx.s.stop());

t('a policy is created, replaced, listed and audited; bad ones are refused with every problem', async ({ s }) => {
  const body = { windowDays: 30, reasons: ['too_big', 'damaged'], nonReturnable: { categories: ['food'] } };
  const created = await s.call('PUT', '/return-policies/standard', body);
  assert.is(created.status, 201);
  assert.equal([created.body.windowFrom, created.body.windowDays], ['shipment', 30], 'the window counts from shipment by default');
  assert.is((await s.call('PUT', '/return-policies/standard', { ...body, windowDays: 14 })).status, 200);
  assert.is((await s.call('GET', '/return-policies/standard')).body.windowDays, 14);
  assert.equal((await s.call('GET', '/return-policies')).body.items.map((p: { id: string }) => p.id), ['standard']);
  const bad = await s.call('PUT', '/return-policies/x', { windowDays: -1, windowFrom: 'never', reasons: ['Too Big'] });
  assert.is(bad.status, 400);
  assert.equal(bad.body.error.details.map((d: { path: string }) => d.path).sort(), ['reasons[0]', 'windowDays', 'windowFrom']);
  assert.is((await s.call('GET', '/return-policies/x')).status, 404);
  const same = await s.call('PUT', '/return-policies/y', { windowDays: 5 });
  assert.is(same.status, 409, 'a second policy for every channel and category');
  assert.is((await s.call('PUT', '/return-policies/z', { windowDays: 5 }, { key: KEYS.ops })).status, 403);
  const audit = await s.call('GET', '/audit?type=return-policy');
  assert.equal(audit.body.items.map((r: { action: string }) => r.action), ['return-policy.put', 'return-policy.put']);
});

t('POST /returns: per-line reasons, courier method and drop-off; refusals change nothing', async ({ s }) => {
  const order = (await s.call('POST', '/orders', orderBody('A', 2))).body;
  await shipOrderHttp(s.call.bind(s), order.id);
  const unknown = await s.call('POST', '/returns', { orderId: order.id, lines: [{ sku: 'A', qty: 1, reason: 'meh' }] });
  assert.is(unknown.status, 400);
  assert.match(unknown.body.error.details[0].message, /unknown reason 'meh'/);
  assert.is((await s.call('POST', '/returns', { orderId: order.id, lines: [{ sku: 'A', qty: 1, reason: 'damaged' }], dropOffLocation: 'NOWHERE' })).status, 400);
  assert.is((await s.call('POST', '/returns', { orderId: order.id, lines: [{ sku: 'A', qty: 1 }] })).status, 400, 'no reason at all');
  const bad = await s.call('POST', '/returns', { orderId: order.id, lines: [{ sku: 'A', qty: 1 }], reason: 'damaged', exchangeFor: [{ sku: 'A', qty: 0 }, { sku: 'Z', qty: 1 }] });
  assert.is(bad.status, 400);
  assert.equal(bad.body.error.details.map((d: { path: string }) => d.path), ['exchangeFor[0].qty'], 'the shape is checked at the edge');
  const noSku = await s.call('POST', '/returns', { orderId: order.id, lines: [{ sku: 'A', qty: 1 }], reason: 'damaged', exchangeFor: [{ sku: 'Z', qty: 1 }] });
  assert.equal([noSku.status, noSku.body.error.details[0].path], [400, 'exchangeFor[0].sku']);
  const ok = await s.call('POST', '/returns', { orderId: order.id, lines: [{ sku: 'A', qty: 1, reason: 'damaged' }, { sku: 'A', qty: 1 }], reason: 'too_big', method: 'store', dropOffLocation: 'MUC' });
  assert.is(ok.status, 201);
  assert.equal(ok.body.lines, [
    { sku: 'A', qty: 1, reason: 'damaged', policy: 'standard', shippedFrom: 'BER' },
    { sku: 'A', qty: 1, reason: 'too_big', policy: 'standard', shippedFrom: 'BER' },
  ]);
  assert.equal([ok.body.method, ok.body.dropOffLocation, ok.body.routedTo, ok.body.routing.because], ['store', 'MUC', 'MUC', 'brought to a store: received there']);
  const more = await s.call('POST', '/returns', { orderId: order.id, lines: [{ sku: 'A', qty: 1 }], reason: 'damaged' });
  assert.is(more.status, 400);
  assert.match(more.body.error.details[0].message, /0 returnable \(2 shipped, 2 already in other returns\)/);
});

t('prices at intake: currency required, one price per SKU; the order shows its returns and their refunds', async ({ s }) => {
  const noCurrency = await s.call('POST', '/orders', { ...orderBody('A', 1), lines: [{ sku: 'A', qty: 1, unitPrice: 20 }] });
  assert.is(noCurrency.status, 400);
  assert.equal(noCurrency.body.error.details.map((d: { path: string }) => d.path), ['currency']);
  const twoPrices = await s.call('POST', '/orders', { ...orderBody('A', 1), currency: 'EUR', lines: [{ sku: 'A', qty: 1, unitPrice: 20 }, { sku: 'A', qty: 1, unitPrice: 21 }] });
  assert.is(twoPrices.status, 400);
  assert.equal(twoPrices.body.error.details.map((d: { path: string }) => d.path), ['lines[1].unitPrice']);
  const order = (await s.call('POST', '/orders', { ...orderBody('A', 2), currency: 'EUR', shippingAmount: 4.5, lines: [{ sku: 'A', qty: 2, unitPrice: 19.99 }] })).body;
  assert.equal([order.currency, order.shippingAmount, order.lines[0].unitPrice], ['EUR', 4.5, 19.99]);
  await shipOrderHttp(s.call.bind(s), order.id);
  const ret = (await s.call('POST', '/returns', { orderId: order.id, lines: [{ sku: 'A', qty: 2 }], reason: 'damaged' })).body;
  await s.call('POST', `/returns/${ret.id}/events`, { type: 'received', location: 'BER' });
  const inspected = await s.call('POST', `/returns/${ret.id}/events`, { type: 'inspected', outcome: 'restock' });
  assert.is(inspected.body.status, 'refunding');
  const shown = (await s.call('GET', `/orders/${order.id}`)).body;
  assert.equal(shown.returns.map((r: { id: string; state: string }) => [r.id, r.state]), [[ret.id, 'refunding']]);
  assert.equal([shown.returns[0].refunds[0].total, shown.returns[0].refunds[0].status], [44.48, 'requested']);
  const unknown = await s.call('POST', `/returns/${ret.id}/events`, { type: 'refund.completed', refundId: 'R9' });
  assert.is(unknown.status, 404);
  assert.is((await s.call('POST', `/returns/${ret.id}/events`, { type: 'refund.completed', refundId: `${ret.id}-R1` })).body.status, 'closed');
  assert.is((await s.call('POST', `/returns/${ret.id}/events`, { type: 'refund.completed', refundId: `${ret.id}-R1` })).status, 200, 'repeated: accepted, nothing changes');
});

t.run();
