import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiKeys } from '../../src/auth/index.js';
import { createApp, type AppDeps } from '../../src/http/index.js';
import { HOT_ROUTES } from '../../src/http/hot-routes.js';
import { orderBody, seedHttp, startTestServer } from '../helpers/server.js';

// A stand-in for every dependency: createApp only registers routes with them (as test/fuzz/routes.ts).
function standInApp() {
  const standIn: any = new Proxy(function standIn() {}, { get: (_t, k) => (k === 'then' ? undefined : standIn), apply: () => standIn });
  const deps = { fulcrum: standIn, console: { assets: standIn, layouts: standIn }, idempotency: standIn, metrics: standIn, bulk: standIn, webhooks: standIn, maxBodyBytes: 1, body: { timeoutMs: 1, receiving: standIn }, connections: { maxPerKey: 1, refused: standIn }, workflows: { catalog: standIn, rules: standIn }, sourcing: { profiles: standIn, pool: standIn } } as AppDeps;
  return createApp({ ...deps, keys: new ApiKeys([]) });
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'FOO', 'post'];
const PATHS = ['/orders', '/orders/', '/Orders', '/orders/x', '//orders', '/availability', '/availability/', '/availability/x', '/', '/health', '/nope', '/orders/x/cancel'];

test('the hot routes answer with exactly what the router matches, for every method and nearby path', () => {
  const app = standInApp();
  const router = (app.router as any).activeRouter as { match(m: string, p: string): unknown };
  const match = (app.router as any).match as (m: string, p: string) => unknown;
  for (const [m, p] of HOT_ROUTES) assert.ok(METHODS.includes(m) && PATHS.includes(p), `${m} ${p} is checked below`);
  let handlers = 0;
  for (const m of METHODS) {
    for (const p of PATHS) {
      const fast = match(m, p) as [[unknown, unknown][]];
      assert.equal(fast, router.match(m, p), `${m} ${p}`);
      handlers += fast[0].length;
    }
  }
  assert.ok(handlers > 0);
  // The hot routes end at their own handler, not only middleware.
  for (const [m, p] of HOT_ROUTES) assert.ok(((match(m, p) as any)[0] as any[]).some(([[, route]]: any) => route.method === m && route.path === p), `${m} ${p}`);
});

test('over HTTP, the hot paths and their neighbours answer as before (status, error type)', async () => {
  const s = await startTestServer();
  try {
    await seedHttp(s, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 10]] });
    assert.is((await s.call('POST', '/orders', orderBody('A', 1))).status, 201);
    assert.is((await s.call('POST', '/orders/', orderBody('A', 1))).status, 404);
    assert.is((await s.call('GET', '/availability?sku=A')).status, 200);
    assert.is((await s.call('GET', '/availability/')).status, 404);
    const put = await s.call('PUT', '/orders', {});
    assert.is(put.status, 404);
    assert.is((put.body as any).error.type, 'not_found');
  } finally {
    await s.stop();
  }
});

test.run();
