import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS, orderBody, seedHttp, startTestServer, type TestServer } from '../helpers/server.js';

const t = suite<{ s: TestServer }>('bad input gets a clear 4xx and changes nothing');

t.before(async (ctx) => {
  ctx.s = await startTestServer();
  await seedHttp(ctx.s, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 10]] });
});
t.after(async (ctx) => ctx.s.stop());

async function unchanged(s: TestServer): Promise<void> {
  const inv = await s.call('GET', '/inventory/BER/A');
  assert.is(inv.body.reserved, 0, 'nothing reserved');
  assert.is(inv.body.onHand, 10, 'on hand unchanged');
  const orders = await s.call('GET', '/orders');
  assert.is(orders.body.items.filter((o: any) => o.status !== 'cancelled').length, 0, 'no live order exists');
}

function envelope(body: any, type: string): void {
  assert.type(body.error, 'object', 'has the error envelope');
  assert.is(body.error.type, type);
  assert.type(body.error.message, 'string');
  assert.ok(Array.isArray(body.error.details));
}

t('malformed JSON is a 400 invalid_request', async ({ s }) => {
  const r = await s.call('POST', '/orders', '{"customer": {"id": "c"}, "lines": [');
  assert.is(r.status, 400);
  envelope(r.body, 'invalid_request');
  assert.match(r.body.error.message, /not valid JSON/);
  await unchanged(s);
});

t('wrong types are reported with their field paths', async ({ s }) => {
  const r = await s.call('POST', '/orders', { customer: { id: 5 }, deliverTo: { lat: 'x', lon: 0, country: 'de' }, lines: [{ sku: 'A', qty: '1' }] });
  assert.is(r.status, 400);
  envelope(r.body, 'invalid_request');
  const paths = r.body.error.details.map((d: any) => d.path).sort();
  assert.equal(paths, ['customer.id', 'deliverTo.country', 'deliverTo.lat', 'lines[0].qty']);
  await unchanged(s);
});

t('negative and fractional quantities are refused', async ({ s }) => {
  for (const qty of [-1, 0, 1.5]) {
    const r = await s.call('POST', '/orders', orderBody('A', qty));
    assert.is(r.status, 400, `qty ${qty}`);
    assert.is(r.body.error.details[0].path, 'lines[0].qty');
  }
  const stock = await s.call('PUT', '/inventory/BER/A', { onHand: -3 });
  assert.is(stock.status, 400);
  assert.is(stock.body.error.details[0].path, 'onHand');
  const frac = await s.call('POST', '/inventory/BER/A/adjust', { delta: 0.5, reason: 'x' });
  assert.is(frac.status, 400);
  await unchanged(s);
});

t('an unknown SKU or location is named', async ({ s }) => {
  const r = await s.call('POST', '/orders', { ...orderBody('A'), lines: [{ sku: 'A', qty: 1 }, { sku: 'NOPE', qty: 1 }] });
  assert.is(r.status, 400);
  assert.equal(r.body.error.details, [{ path: 'lines[1].sku', message: "unknown SKU 'NOPE'" }]);
  const loc = await s.call('PUT', '/inventory/NOWHERE/A', { onHand: 1 });
  assert.is(loc.status, 404);
  envelope(loc.body, 'not_found');
  const sku = await s.call('PUT', '/inventory/BER/NOPE', { onHand: 1 });
  assert.is(sku.status, 404);
  await unchanged(s);
});

t('the same SKU on two lines counts both against stock', async ({ s }) => {
  const r = await s.call('POST', '/orders', { ...orderBody('A'), lines: [{ sku: 'A', qty: 6 }, { sku: 'A', qty: 6 }] });
  assert.is(r.status, 409);
  envelope(r.body, 'insufficient_stock');
  assert.equal(r.body.error.details.map((d: any) => d.path), ['lines[0]', 'lines[1]']);
  await unchanged(s);
});

t('a body over the limit is a 413, chunked too', async ({ s }) => {
  const big = JSON.stringify({ ...orderBody('A'), attributes: { pad: 'x'.repeat(1_100_000) } });
  const r = await s.call('POST', '/orders', big);
  assert.is(r.status, 413);
  envelope(r.body, 'payload_too_large');
  // A chunked body has no Content-Length: the limit must hold while streaming.
  const chunks = new ReadableStream({
    start(controller) {
      for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(64 * 1024)));
      controller.close();
    },
  });
  const res = await fetch(s.url + '/orders', {
    method: 'POST',
    headers: { authorization: `Bearer ${KEYS.admin}`, 'content-type': 'application/json' },
    body: chunks,
    duplex: 'half',
  } as RequestInit);
  assert.is(res.status, 413);
  assert.is(((await res.json()) as any).error.type, 'payload_too_large');
  await unchanged(s);
});

t('invalid UTF-8 is refused', async ({ s }) => {
  const res = await fetch(s.url + '/orders', {
    method: 'POST',
    headers: { authorization: `Bearer ${KEYS.admin}`, 'content-type': 'application/json' },
    body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
  });
  assert.is(res.status, 400);
  assert.match(((await res.json()) as any).error.message, /UTF-8/);
});

t('a missing or wrong key is a 401; a role without the right is a 403', async ({ s }) => {
  const none = await s.call('POST', '/orders', orderBody('A'), { key: null });
  assert.is(none.status, 401);
  envelope(none.body, 'unauthorized');
  const wrong = await s.call('POST', '/orders', orderBody('A'), { key: 'not-a-real-key-at-all' });
  assert.is(wrong.status, 401);
  const forbidden = await s.call('PUT', '/locations/X1', { name: 'x', geo: { lat: 1, lon: 1 }, country: 'DE' }, { key: KEYS.ops });
  assert.is(forbidden.status, 403);
  envelope(forbidden.body, 'forbidden');
  const storefrontStock = await s.call('PUT', '/inventory/BER/A', { onHand: 0 }, { key: KEYS.storefront });
  assert.is(storefrontStock.status, 403);
  await unchanged(s);
});

t('an event the order cannot take is a 409 listing the accepted ones', async ({ s }) => {
  const placed = await s.call('POST', '/orders', orderBody('A', 1));
  assert.is(placed.status, 201);
  const r = await s.call('POST', `/orders/${placed.body.id}/events`, { type: 'delivered' });
  assert.is(r.status, 409);
  envelope(r.body, 'invalid_state');
  assert.equal(r.body.error.details[0].accepted, ['payment.authorized', 'payment.failed']);
  assert.equal(r.body.error.details[0].endpoints, [`POST /orders/${placed.body.id}/cancel`]);
  for (const type of ['order.sourced', 'fulfilment.shipped', 'timer.fired', 'entity.created']) {
    const internal = await s.call('POST', `/orders/${placed.body.id}/events`, { type });
    assert.is(internal.status, 400, `${type} is only sent by Fulcrum itself`);
  }
  const cancel = await s.call('POST', `/orders/${placed.body.id}/cancel`, {});
  assert.is(cancel.status, 200);
  assert.is(cancel.body.status, 'cancelled');
  const again = await s.call('POST', `/orders/${placed.body.id}/cancel`);
  assert.is(again.status, 409);
  await unchanged(s);
});

t('unknown fields are refused rather than silently ignored', async ({ s }) => {
  const r = await s.call('POST', '/orders', { ...orderBody('A'), deliveryTyp: 'home' });
  assert.is(r.status, 400);
  assert.match(JSON.stringify(r.body.error.details), /deliveryTyp/);
  await unchanged(s);
});

t('deeply nested attributes are refused', async ({ s }) => {
  let deep: unknown = 1;
  for (let i = 0; i < 50; i++) deep = { d: deep };
  const r = await s.call('POST', '/orders', { ...orderBody('A'), attributes: deep });
  assert.is(r.status, 400);
  assert.is(r.body.error.details[0].path, 'attributes');
  await unchanged(s);
});

t.run();
