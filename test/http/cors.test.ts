import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import { KEYS, orderBody, seedHttp, startTestServer, type TestServer } from '../helpers/server.js';

const SHOP = 'http://shop.example.test:3000';
const PAGE_KEY = 'pk_test_publishable_0001';

const t = suite<{ s: TestServer }>('cors and publishable keys');
t.before(async (ctx) => {
  ctx.s = await startTestServer({
    server: {
      corsOrigins: [SHOP],
      apiKeys: [
        { key: KEYS.admin, role: 'admin' },
        { key: KEYS.storefront, role: 'storefront' },
        { key: PAGE_KEY, role: 'publishable' },
      ],
    },
  });
  await seedHttp(ctx.s, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 10]] });
});
t.after(async ({ s }) => s.stop());

/** Opens `/ws` with these headers; resolves with 'open' or the HTTP status of the refusal. */
function upgrade(s: TestServer, headers: Record<string, string>, query = ''): Promise<'open' | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${s.url.replace('http', 'ws')}/ws${query}`, { headers });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', () => undefined);
  });
}

t('a preflight from a configured origin is answered before authentication', async ({ s }) => {
  const res = await fetch(`${s.url}/availability?sku=A`, {
    method: 'OPTIONS',
    headers: { origin: SHOP, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
  });
  assert.is(res.status, 204);
  assert.is(res.headers.get('access-control-allow-origin'), SHOP);
  assert.match(res.headers.get('access-control-allow-headers') ?? '', /Authorization/);
  assert.match(res.headers.get('access-control-allow-methods') ?? '', /POST/);
});

t('answers to a configured origin name it, errors included; other origins get no grant', async ({ s }) => {
  const ok = await s.call('GET', '/availability?sku=A', undefined, { key: PAGE_KEY, headers: { origin: SHOP } });
  assert.is(ok.status, 200);
  assert.is(ok.headers.get('access-control-allow-origin'), SHOP);
  const refused = await s.call('GET', '/availability?sku=A', undefined, { key: 'not-a-key-at-all', headers: { origin: SHOP } });
  assert.is(refused.status, 401);
  assert.is(refused.headers.get('access-control-allow-origin'), SHOP, 'the page can read why it was refused');
  const other = await s.call('GET', '/availability?sku=A', undefined, { key: PAGE_KEY, headers: { origin: 'http://evil.example.test' } });
  assert.is(other.headers.get('access-control-allow-origin'), null);
});

t('without configured origins there is no CORS at all', async () => {
  const plain = await startTestServer();
  try {
    const res = await fetch(`${plain.url}/availability?sku=A`, { method: 'OPTIONS', headers: { origin: SHOP, 'access-control-request-method': 'GET' } });
    assert.is(res.headers.get('access-control-allow-origin'), null);
    assert.is(await upgrade(plain, { authorization: `Bearer ${KEYS.admin}`, origin: 'http://anywhere.example.test' }), 'open', 'no list: any Origin may open the feed');
  } finally {
    await plain.stop();
  }
});

t('a feed upgrade from another origin gets 403; the shop origin, and clients sending no Origin, get in', async ({ s }) => {
  assert.is(await upgrade(s, { origin: 'http://evil.example.test' }, `?token=${PAGE_KEY}`), 403);
  assert.is(await upgrade(s, { origin: SHOP }, `?token=${PAGE_KEY}`), 'open');
  assert.is(await upgrade(s, { authorization: `Bearer ${KEYS.admin}` }), 'open');
});

t('a publishable key reads availability and watches the feed, and nothing else', async ({ s }) => {
  const key = { key: PAGE_KEY };
  assert.is((await s.call('GET', '/availability?sku=A', undefined, key)).status, 200);
  for (const [method, path, body] of [
    ['POST', '/orders', orderBody('A', 1)],
    ['GET', '/orders', undefined],
    ['POST', '/holds', { lines: [{ sku: 'A', qty: 1 }], ttlSeconds: 60 }],
    ['POST', '/sourcing/preview', orderBody('A', 1)],
    ['GET', '/inventory/BER/A', undefined],
    ['GET', '/locations', undefined],
    ['GET', '/metrics', undefined],
  ] as const) {
    const r = await s.call(method, path, body, key);
    assert.is(r.status, 403, `${method} ${path}: ${JSON.stringify(r.body)}`);
    assert.is(r.body.error.type, 'forbidden');
  }
  assert.is((await s.call('GET', '/inventory/BER/A')).body.reserved, 0, 'nothing was reserved');
  assert.is(await upgrade(s, { authorization: `Bearer ${PAGE_KEY}` }), 'open');
});

t.run();
