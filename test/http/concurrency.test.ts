import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS, orderBody, seedHttp, startTestServer } from '../helpers/server.js';

test('2,000 concurrent orders on one SKU with stock 500 across 3 locations sell exactly 500', async () => {
  const s = await startTestServer();
  try {
    await seedHttp(s, {
      locations: { BER: [52.5, 13.4], MUC: [48.1, 11.6], HAM: [53.5, 10.0] },
      skus: ['HOT'],
      stock: [['BER', 'HOT', 200], ['MUC', 'HOT', 150], ['HAM', 'HOT', 150]],
    });
    const results = await Promise.all(
      Array.from({ length: 2000 }, (_, i) =>
        fetch(s.url + '/orders', {
          method: 'POST',
          headers: { authorization: `Bearer ${KEYS.admin}`, 'content-type': 'application/json' },
          body: JSON.stringify(orderBody('HOT', 1, { ref: `flash-${i}` })),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as any })),
      ),
    );
    const created = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 409);
    assert.is(created.length, 500, 'exactly the stock is sold');
    assert.is(refused.length, 1500, 'everyone else is told insufficient_stock');
    assert.ok(refused.every((r) => r.body.error.type === 'insufficient_stock'));

    for (const loc of ['BER', 'MUC', 'HAM']) {
      const p = (await s.call('GET', `/inventory/${loc}/HOT`)).body;
      assert.is(p.available, 0, `${loc} has nothing left`);
      assert.ok(p.reserved >= 0 && p.available >= 0, 'never negative');
      assert.is(p.onHand, p.reserved, `${loc}: every unit on hand is reserved`);
    }
    const ats = await s.call('GET', '/availability?sku=HOT');
    assert.is(ats.body.items[0].ats, 0);
    // Every acknowledged order is readable.
    const reads = await Promise.all(created.map((c) => s.call('GET', `/orders/${c.body.id}`)));
    assert.ok(reads.every((r) => r.status === 200 && r.body.fulfilments.length === 1 && r.body.fulfilments[0].lines[0].qty === 1));
    const ids = new Set(created.map((c) => c.body.id));
    assert.is(ids.size, 500, 'ids are unique');
  } finally {
    await s.stop();
  }
});

test('the same Idempotency-Key five times concurrently gives one order, one reservation, one response', async () => {
  const s = await startTestServer();
  try {
    await seedHttp(s, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 10]] });
    const body = orderBody('A', 2);
    const replies = await Promise.all(
      Array.from({ length: 5 }, () => s.call('POST', '/orders', body, { headers: { 'idempotency-key': 'checkout-42' } })),
    );
    assert.ok(replies.every((r) => r.status === 201), JSON.stringify(replies.map((r) => r.status)));
    assert.is(new Set(replies.map((r) => JSON.stringify(r.body))).size, 1, 'identical bodies');
    assert.is((await s.call('GET', '/inventory/BER/A')).body.reserved, 2, 'one reservation');
    assert.is((await s.call('GET', '/orders')).body.items.length, 1, 'one order');
    assert.is(replies.filter((r) => r.headers.get('idempotent-replayed') === 'true').length, 4);

    const later = await s.call('POST', '/orders', body, { headers: { 'idempotency-key': 'checkout-42' } });
    assert.is(later.status, 201);
    assert.equal(later.body, replies[0]!.body);
    const other = await s.call('POST', '/orders', orderBody('A', 3), { headers: { 'idempotency-key': 'checkout-42' } });
    assert.is(other.status, 422);
    assert.is(other.body.error.type, 'idempotency_mismatch');
    // Keys are per API key: another caller's identical key is a different request.
    const otherCaller = await s.call('POST', '/orders', body, { key: KEYS.ops, headers: { 'idempotency-key': 'checkout-42' } });
    assert.is(otherCaller.status, 201);
    assert.is.not(otherCaller.body.id, replies[0]!.body.id);
  } finally {
    await s.stop();
  }
});

test('an idempotent reply survives a restart', async () => {
  const first = await startTestServer();
  const dir = first.dir;
  await seedHttp(first, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 10]] });
  const a = await first.call('POST', '/orders', orderBody('A', 1), { headers: { 'idempotency-key': 'k-1' } });
  await first.server.close();
  const second = await startTestServer({ dir });
  try {
    const b = await second.call('POST', '/orders', orderBody('A', 1), { headers: { 'idempotency-key': 'k-1' } });
    assert.is(b.status, 201);
    assert.equal(b.body, a.body);
    assert.is((await second.call('GET', '/inventory/BER/A')).body.reserved, 1);
  } finally {
    await second.stop();
  }
});

test('a storefront key reads only its own orders', async () => {
  const s = await startTestServer();
  try {
    await seedHttp(s, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 10]] });
    const mine = await s.call('POST', '/orders', orderBody('A'), { key: KEYS.storefront });
    const theirs = await s.call('POST', '/orders', orderBody('A'), { key: KEYS.storefront2 });
    assert.is((await s.call('GET', `/orders/${mine.body.id}`, undefined, { key: KEYS.storefront })).status, 200);
    assert.is((await s.call('GET', `/orders/${theirs.body.id}`, undefined, { key: KEYS.storefront })).status, 404);
    const list = await s.call('GET', '/orders', undefined, { key: KEYS.storefront });
    assert.equal(list.body.items.map((o: any) => o.id), [mine.body.id]);
    assert.is((await s.call('GET', '/orders')).body.items.length, 2, 'admin sees all');
  } finally {
    await s.stop();
  }
});

test.run();
