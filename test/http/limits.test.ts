import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS, orderBody, seedHttp, startTestServer } from '../helpers/server.js';

test('a key over its rate gets 429 with Retry-After; other keys are not affected', async () => {
  const s = await startTestServer({ server: { rateLimits: { admin: { perSecond: 0, burst: 0 }, ops: { perSecond: 1000, burst: 1000 }, storefront: { perSecond: 2, burst: 5 }, publishable: { perSecond: 0, burst: 0 } } } });
  try {
    const replies = [];
    for (let i = 0; i < 8; i++) replies.push(await s.call('GET', '/availability?sku=A', undefined, { key: KEYS.storefront }));
    const limited = replies.filter((r) => r.status === 429);
    assert.ok(limited.length >= 2, `some requests were limited (${replies.map((r) => r.status)})`);
    assert.is(limited[0]!.body.error.type, 'rate_limited');
    assert.ok(Number(limited[0]!.headers.get('retry-after')) >= 1);
    assert.is((await s.call('GET', '/availability?sku=A', undefined, { key: KEYS.storefront2 })).status !== 429, true, 'another key has its own bucket');
    assert.is((await s.call('GET', '/health', undefined, { key: null })).status, 200);
  } finally {
    await s.stop();
  }
});

test('past the in-flight bound new requests get 503 at once, and nothing they asked for happens', async () => {
  const s = await startTestServer({ server: { maxInFlight: 4 } });
  try {
    await seedHttp(s, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 1000]] });
    const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => s.call('POST', '/orders', orderBody('A', 1, { ref: `shed-${i}` }))));
    const created = replies.filter((r) => r.status === 201);
    const shed = replies.filter((r) => r.status === 503);
    assert.ok(shed.length > 0, 'some were shed');
    assert.ok(created.length > 0, 'some got through');
    assert.is(created.length + shed.length, 200);
    assert.is(shed[0]!.body.error.type, 'unavailable');
    assert.is(shed[0]!.headers.get('retry-after'), '1');
    assert.is((await s.call('GET', '/inventory/BER/A')).body.reserved, created.length, 'only acknowledged orders reserved anything');
    const metrics = await s.call('GET', '/metrics');
    assert.match(metrics.body, /fulcrum_http_shed_total \d+/);
  } finally {
    await s.stop();
  }
});

test.run();
