import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS, seedHttp, startTestServer, type TestServer } from '../helpers/server.js';

const t = suite<{ s: TestServer }>('inbound supply, supply rules and pre-orders over HTTP');
const DAY = 86_400_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();
const preorder = (ref: string) => ({ ref, customer: { id: ref }, deliverTo: { lat: 52.5, lon: 13.4, country: 'DE' }, lines: [{ sku: 'P', qty: 1 }] });

t.before(async (ctx) => {
  ctx.s = await startTestServer();
  await seedHttp(ctx.s, { locations: { BER: [52.5, 13.4], MUC: [48.1, 11.6] }, skus: ['A', 'P'], stock: [['BER', 'A', 10]] });
});
t.after(async (ctx) => ctx.s.stop());

t('inbound: created, updated, listed; bad input is refused with every problem and changes nothing', async ({ s }) => {
  const body = { location: 'MUC', lines: [{ sku: 'P', qty: 30 }], expectedAt: inDays(7), kind: 'purchase_order', reference: 'PO 4711' };
  const created = await s.call('PUT', '/inbound/PO-1', body);
  assert.is(created.status, 201);
  assert.equal([created.body.state, created.body.lines], ['open', [{ sku: 'P', qty: 30, received: 0 }]]);
  assert.is((await s.call('PUT', '/inbound/PO-1', { ...body, lines: [{ sku: 'P', qty: 40 }] })).status, 200);
  assert.equal((await s.call('GET', '/inbound?sku=P')).body.items.map((i: { id: string }) => i.id), ['PO-1']);
  const bad = await s.call('PUT', '/inbound/PO-X', { location: 'NOPE', lines: [{ sku: 'Z', qty: 1 }], expectedAt: inDays(-1), kind: 'asn' });
  assert.is(bad.status, 400);
  assert.equal(bad.body.error.details.map((d: { path: string }) => d.path), ['location', 'lines[0].sku', 'expectedAt']);
  const shape = await s.call('PUT', '/inbound/PO-X', { location: 'MUC', lines: [{ sku: 'P', qty: 0 }], expectedAt: 'soon', kind: 'boat' });
  assert.equal(shape.body.error.details.map((d: { path: string }) => d.path).sort(), ['expectedAt', 'kind', 'lines[0].qty']);
  assert.is((await s.call('GET', '/inbound/PO-X')).status, 404);
  assert.is((await s.call('PUT', '/inbound/PO-Y', body, { key: KEYS.storefront })).status, 403);
});

t('a pre-order drop: a rule with a cap, availability with dates, 200 concurrent orders, and the PO arrives', async ({ s }) => {
  assert.is((await s.call('PUT', '/supply-rules/drop', { skus: ['P'], mode: 'preorder', cap: 50 }, { key: KEYS.ops })).status, 403, 'rules are configuration');
  const rule = await s.call('PUT', '/supply-rules/drop', { skus: ['P'], mode: 'preorder', cap: 50, confidence: { purchase_order: 100 } });
  assert.equal([rule.status, rule.body.version], [201, 1]);
  assert.is((await s.call('PUT', '/supply-rules/bad', { skus: ['Z'], mode: 'preorder' })).status, 400);
  const avail = await s.call('GET', '/availability?sku=P');
  assert.equal(avail.body.items[0], { sku: 'P', ats: 0, inbound: 40, future: [{ qty: 40, from: (await s.call('GET', '/inbound/PO-1')).body.expectedAt }] });
  const promise = await s.call('GET', '/availability/promise?sku=P&qty=3');
  assert.equal([promise.body.earliest, promise.body.rule, promise.body.mode], [avail.body.items[0].future[0].from, 'drop', 'preorder']);
  assert.is((await s.call('GET', '/availability/promise?sku=P&qty=41')).body.earliest, null);

  const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => s.call('POST', '/orders', preorder(`pre-${i}`))));
  const accepted = answers.filter((r) => r.status === 201);
  assert.is(accepted.length, 40, 'no more than the inbound holds (the cap of 50 is above it)');
  assert.ok(answers.every((r) => r.status === 201 || (r.status === 409 && r.body.error.type === 'insufficient_stock')));
  assert.equal(accepted[0]!.body.waiting.map((w: { inbound: string; qty: number }) => [w.inbound, w.qty]), [['PO-1', 1]]);
  assert.is((await s.call('GET', '/availability?sku=P')).body.items[0].future.length, 0);
  const places = await Promise.all(accepted.map(async (r) => (await s.call('GET', `/orders/${r.body.id}`)).body.waiting[0].place as number));
  assert.equal([...places].sort((a, b) => a - b), Array.from({ length: 40 }, (_, i) => i + 1), 'each order shows its own place in the queue');

  assert.is((await s.call('GET', '/inventory/MUC/P')).body.inbound, 40, 'the position says what is still expected there');
  const receipt = await s.call('POST', '/inbound/PO-1/receipts', { receiptId: 'GR-1', lines: [{ sku: 'P', qty: 25 }] });
  assert.is(receipt.status, 200);
  assert.is(receipt.body.allocated.length, 25, 'the first 25 in line are allocated');
  const again = await s.call('POST', '/inbound/PO-1/receipts', { receiptId: 'GR-1', lines: [{ sku: 'P', qty: 25 }] });
  assert.equal([again.status, again.body.repeated], [200, true]);
  const over = await s.call('POST', '/inbound/PO-1/receipts', { receiptId: 'GR-2', lines: [{ sku: 'P', qty: 16 }] });
  assert.is(over.status, 400);
  const order = (await s.call('GET', `/orders/${receipt.body.allocated[0].orderId}`)).body;
  assert.equal([order.waiting, order.fulfilments.map((f: { location: string }) => f.location)], [undefined, ['MUC']]);
  const p = (await s.call('GET', '/inventory/MUC/P')).body;
  assert.equal([p.onHand, p.reserved, p.available, p.inbound], [25, 25, 0, 15]);

  const cancelled = await s.call('POST', '/inbound/PO-1/cancel', { reason: 'supplier short' });
  assert.equal([cancelled.status, cancelled.body.moved, cancelled.body.unfulfillable, cancelled.body.inbound.state], [200, 0, 15, 'cancelled']);
  const allocated = new Set(receipt.body.allocated.map((a: { orderId: string }) => a.orderId));
  const stillWaiting = accepted.find((r) => !allocated.has(r.body.id))!;
  const late = (await s.call('GET', `/orders/${stillWaiting.body.id}`)).body;
  assert.equal(late.unfulfillable.map((w: { qty: number }) => w.qty), [1]);
});

t.run();
