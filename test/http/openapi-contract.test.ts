import SwaggerParser from '@apidevtools/swagger-parser';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { contractChecker, type ContractChecker } from '../helpers/contract.js';
import { KEYS, orderBody, seedHttp, shipOrderHttp, startTestServer, type TestServer } from '../helpers/server.js';

type Doc = { paths: Record<string, Record<string, { security?: unknown; 'x-roles'?: string[]; description?: string; responses: Record<string, unknown> }>> };

const t = suite<{ s: TestServer; doc: Doc; check: ContractChecker; problems: string[]; call: TestServer['call'] }>('openapi contract');
t.before(async (ctx) => {
  ctx.s = await startTestServer();
  ctx.doc = (await ctx.s.call('GET', '/openapi.json', undefined, { key: null })).body;
  ctx.check = contractChecker(ctx.doc);
  ctx.problems = [];
  // Every reply of this suite goes through the checker: the tour and the property run alike.
  ctx.call = async (method, path, body, options) => {
    const reply = await ctx.s.call(method, path, body, options);
    ctx.problems.push(...ctx.check.problems({ method, path, status: reply.status, body: reply.body }));
    return reply;
  };
  await seedHttp(ctx.s, { locations: { BER: [52.5, 13.4], HAM: [53.55, 10] }, skus: ['A', 'B'], stock: [['BER', 'A', 50], ['HAM', 'B', 50]] });
});
t.after(async ({ s }) => s.stop());

t('the document at /openapi.json is valid OpenAPI 3.1, served without a key', async ({ s, doc }) => {
  const unauthenticated = await s.call('GET', '/openapi.json', undefined, { key: null });
  assert.is(unauthenticated.status, 200);
  assert.is((doc as unknown as { openapi: string }).openapi, '3.1.0');
  await SwaggerParser.validate(structuredClone(doc) as never);
});

t('every route Hono serves is described in the document', ({ s, doc }) => {
  const served = new Set(s.server.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:([^/]+)/g, '{$1}')}`));
  assert.ok(served.size > 60, `${served.size} routes`);
  // Described means more than present: a route carrying only its guard's fragment has no summary or reply.
  const missing = [...served].filter((route) => {
    const [method, path] = route.split(' ') as [string, string];
    const op = doc.paths[path]?.[method] as { summary?: string; responses?: Record<string, unknown> } | undefined;
    // A success, or for the browser's landing route its redirect.
    return !op?.summary || !Object.keys(op.responses ?? {}).some((status) => status.startsWith('2') || status.startsWith('3'));
  });
  assert.equal(missing, []);
});

t('each authenticated operation names the bearer key, its roles and the error envelope', ({ doc }) => {
  const open = new Set(['/health', '/health/live', '/health/ready', '/openapi.json', '/docs', '/docs/{asset}', '/', '/console', '/console/', '/console/plugins.json', '/console/{file}', '/console/plugins/{file}']);
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (open.has(path)) continue;
      const name = `${method} ${path}`;
      assert.equal(op.security, [{ apiKey: [] }], name);
      assert.ok(op['x-roles']?.includes('admin'), name);
      assert.match(op.description ?? '', /Roles: `admin`/, name);
      assert.equal(op.responses['401'], { description: 'Error: `unauthorized`', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }, name);
    }
  }
  assert.equal(doc.paths['/orders']!.get!['x-roles'], ['admin', 'ops', 'storefront']);
  assert.equal(doc.paths['/audit']!.get!['x-roles'], ['admin']);
});

t('pagination and the Idempotency-Key header are parameters of the routes that take them', ({ doc }) => {
  const names = (path: string, method: string) => ((doc.paths[path]![method] as { parameters?: Array<{ name: string; in: string }> }).parameters ?? []).map((p) => `${p.in}:${p.name}`);
  assert.ok(names('/orders', 'get').includes('query:limit') && names('/orders', 'get').includes('query:cursor'));
  assert.ok(names('/orders/{id}/history', 'get').includes('query:cursor'));
  assert.ok(names('/orders', 'post').includes('header:Idempotency-Key'));
  assert.not.ok(names('/locations/{id}', 'put').includes('header:Idempotency-Key'));
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (names(path, method).includes('header:Idempotency-Key')) {
        assert.ok(op.responses['409'] && op.responses['422'], `${method} ${path}: a repeat still running is a 409, another body a 422`);
      }
    }
  }
  assert.match((doc.paths['/orders']!.post!.responses['409'] as { description: string }).description, /insufficient_stock/);
});

t('a tour of the API answers only documented statuses, with bodies that match their schemas', async ({ call, check, problems }) => {
  const first = problems.length;
  const admin = {};
  const storefront = { key: KEYS.storefront };
  const placed = await call('POST', '/orders', orderBody('A', 2), { headers: { 'idempotency-key': 'tour-1' } });
  assert.is(placed.status, 201, JSON.stringify(placed.body));
  const id = placed.body.id as string;
  await call('POST', '/orders', orderBody('A', 2), { headers: { 'idempotency-key': 'tour-1' } });
  await call('POST', '/orders', orderBody('A', 3), { headers: { 'idempotency-key': 'tour-1' } });
  await call('POST', '/orders', orderBody('A', 10_000));
  await call('POST', '/orders', { lines: 'none' });
  await call('POST', '/orders', 'not json');
  await call('POST', '/orders', JSON.stringify(orderBody('A')), { headers: { 'content-type': 'text/plain' } });
  for (const path of [`/orders/${id}`, `/orders/${id}/sourcing`, `/orders/${id}/history?limit=1`, '/orders?limit=1', '/orders/nope', '/orders?limit=0']) await call('GET', path);
  await call('GET', `/orders/${id}`, undefined, storefront);
  await call('PATCH', `/orders/${id}`, { deliveryType: 'express' });
  await call('POST', `/orders/${id}/events`, { type: 'no.such.event' });
  const fulfilments = await shipOrderHttp(call, id);
  await call('GET', `/fulfilments/${fulfilments[0]}`);
  await call('GET', `/fulfilments/${fulfilments[0]}/history`);
  await call('POST', '/returns', { orderId: id, lines: [{ sku: 'A', qty: 1, reason: 'too_big' }], method: 'courier' });
  const second = await call('POST', '/orders', orderBody('B', 1));
  await call('POST', `/orders/${second.body.id}/cancel`, {});
  await call('POST', `/orders/${second.body.id}/cancel`, {});
  for (const path of ['/availability?sku=A&sku=B&locations=true', '/availability?sku=ZZZ', '/availability', '/availability/promise?sku=A&qty=5', '/inventory/BER/A', '/inventory/BER/ZZZ', '/locations', '/locations/BER', '/products/A', '/pools', '/pools/default', '/statuses', '/jobs', '/jobs?limit=500', '/alerts', '/audit?limit=2', '/inbound', '/supply-rules', '/purchase-limits', '/return-policies', '/sourcing-profiles', '/workflows', '/workflows/bricks', '/webhooks', '/webhooks/dead', '/health', '/health/ready', '/health/live', '/docs', '/metrics']) {
    await call('GET', path, undefined, admin);
  }
  await call('GET', '/locations', undefined, { key: null });
  await call('GET', '/audit', undefined, storefront);
  await call('PUT', '/inventory/BER/A', { onHand: 40 });
  await call('POST', '/inventory/BER/A/adjust', { delta: 5, reason: 'found' });
  await call('POST', '/inventory/BER/A/adjust', { delta: 'five' });
  await call('POST', '/inventory/batch', [{ location: 'BER', sku: 'A', onHand: 45 }, { location: 'NOWHERE', sku: 'A', onHand: 1 }]);
  await call('PUT', '/locations/MUC', { name: 'Munich', geo: { lat: 48.1, lon: 11.6 }, country: 'DE' });
  await call('PUT', '/locations/bad id', { name: 'x' });
  await call('PUT', '/products/C', { name: 'C' });
  await call('PUT', '/pools/web', { name: 'Web', channel: 'web', locations: 'all' });
  await call('PUT', '/statuses/damaged', { countsTowardAvailability: false });
  await call('PUT', '/inbound/PO-1', { location: 'BER', lines: [{ sku: 'A', qty: 10 }], expectedAt: '2030-01-01T00:00:00Z', kind: 'purchase_order' });
  await call('POST', '/inbound/PO-1/receipts', { receiptId: 'R1', lines: [{ sku: 'A', qty: 4 }] });
  await call('GET', '/inbound/PO-1');
  await call('PUT', '/supply-rules/pre', { skus: ['A'], mode: 'preorder', cap: 10 });
  await call('PUT', '/purchase-limits/flash', { skus: ['A'], perCustomer: 2 });
  await call('PUT', '/return-policies/std', { windowDays: 30 });
  const hold = await call('POST', '/holds', { lines: [{ sku: 'A', qty: 1 }], ttlSeconds: 60 }, storefront);
  await call('GET', `/holds/${hold.body.id}`, undefined, storefront);
  await call('DELETE', `/holds/${hold.body.id}`, undefined, storefront);
  await call('POST', '/sourcing/preview', orderBody('A', 1));
  await call('PUT', '/webhooks/hook', { url: 'http://127.0.0.1:9/hook', events: ['order.*'], secret: 'a-secret-of-16-chars' });
  await call('GET', '/webhooks/hook');
  await call('DELETE', '/webhooks/hook');
  assert.equal(problems.slice(first), []);
  assert.ok(check.seen.size > 45, `${check.seen.size} operations seen: ${[...check.seen].join(', ')}`);
});

t('random valid and invalid requests answer documented statuses with bodies that match', async ({ call, problems }) => {
  const first = problems.length;
  // Mostly valid (so that successful replies are checked too), sometimes not.
  const keys = fc.oneof({ arbitrary: fc.constantFrom<string | null>(KEYS.admin, KEYS.ops), weight: 4 }, { arbitrary: fc.constantFrom<string | null>(KEYS.storefront, 'not-a-key', null), weight: 1 });
  const sku = fc.oneof({ arbitrary: fc.constantFrom('A', 'B'), weight: 4 }, { arbitrary: fc.constantFrom('ZZZ', 'bad sku', ''), weight: 1 });
  const qty = fc.oneof(fc.integer({ min: -2, max: 80 }), fc.constant(1.5), fc.constant('3'));
  const junk = fc.oneof(fc.constant('{'), fc.constant('[]'), fc.constant('null'), fc.json());
  const request = fc.oneof(
    fc.record({ method: fc.constant('POST'), path: fc.constant('/orders'), body: fc.oneof(fc.record({ customer: fc.constant({ id: 'c' }), deliverTo: fc.constant({ lat: 52.5, lon: 13.4, country: 'DE' }), lines: fc.array(fc.record({ sku, qty }), { maxLength: 3 }) }), junk) }),
    fc.record({ method: fc.constant('GET'), path: fc.tuple(fc.array(sku, { maxLength: 3 }), fc.boolean()).map(([skus, l]) => `/availability?${skus.map((s) => `sku=${encodeURIComponent(s)}`).join('&')}${l ? '&locations=true' : ''}`), body: fc.constant(undefined) }),
    fc.record({ method: fc.constant('PUT'), path: sku.map((s) => `/inventory/BER/${encodeURIComponent(s) || 'A'}`), body: fc.oneof(fc.record({ onHand: qty }), junk) }),
    fc.record({ method: fc.constant('GET'), path: fc.oneof(fc.integer({ min: -1, max: 600 }), fc.string({ maxLength: 4 })).map((l) => `/orders?limit=${encodeURIComponent(String(l))}`), body: fc.constant(undefined) }),
    fc.record({ method: fc.constant('POST'), path: fc.constant('/holds'), body: fc.oneof(fc.record({ lines: fc.array(fc.record({ sku, qty }), { maxLength: 2 }), ttlSeconds: fc.integer({ min: 0, max: 100 }) }), junk) }),
    fc.record({ method: fc.constant('PUT'), path: fc.constantFrom('/locations/L1', '/products/P1', '/pools/p1'), body: fc.oneof(fc.record({ name: fc.string({ maxLength: 3 }), geo: fc.constant({ lat: 1, lon: 2 }), country: fc.constantFrom('DE', 'de') }), junk) }),
    fc.record({ method: fc.constant('GET'), path: fc.constantFrom('/audit?limit=x', '/alerts?status=open', '/alerts?status=nope', '/jobs?limit=0', '/orders/none/history', '/inbound/none', '/availability/promise?sku=A&qty=0'), body: fc.constant(undefined) }),
  );
  await fc.assert(
    fc.asyncProperty(request, keys, async (r, key) => {
      const before = problems.length;
      const reply = await call(r.method, r.path, r.body, { key });
      return problems.length === before && reply.status < 500;
    }),
    { numRuns: 150 },
  );
  assert.equal(problems.slice(first), []);
});

t.run();
