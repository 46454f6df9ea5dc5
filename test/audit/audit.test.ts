import { rmSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS, orderBody, seedHttp, startTestServer } from '../helpers/server.js';

const SECRET = 'whsec_never-in-the-audit-log-0001';

test('configuration changes are recorded with the key id, the time, before and after; GET /audit filters and pages them', async () => {
  const t = await startTestServer();
  try {
    await seedHttp(t, { locations: { BER: [52.52, 13.4] }, skus: ['A'], stock: [['BER', 'A', 10]] });
    const admin = (await t.call('POST', '/orders', orderBody('A', 1))).body.createdBy as string;
    await t.call('PUT', '/pools/web', { name: 'web', channel: 'web', locations: 'all' });
    await t.call('PUT', '/pools/web', { name: 'web', channel: 'web', locations: 'all', buffer: { units: 2 } });
    await t.call('PUT', '/statuses/open_box', { countsTowardAvailability: true });
    await t.call('PUT', '/purchase-limits/sale', { skus: ['A'], perCustomer: 2 });
    const wf = (await t.call('GET', '/workflows/order/home-delivery')).body.versions[0].definition;
    assert.is((await t.call('PUT', '/workflows/order/home-delivery', { ...wf, description: 'v2' })).status, 201);
    assert.is((await t.call('POST', '/workflows/order/home-delivery/versions/2/activate')).status, 200);

    const pools = await t.call('GET', '/audit?type=pool');
    assert.is(pools.status, 200);
    assert.equal(pools.body.items.map((r: { action: string; target: { id: string } }) => [r.action, r.target.id]), [['pool.put', 'web'], ['pool.put', 'web']], 'newest first');
    const [second, first] = pools.body.items;
    assert.is(first.before, null);
    assert.equal(second.before, first.after, "a change's before is the previous one's after");
    assert.equal(second.after.buffer, { units: 2 });
    assert.is(second.by, admin);
    assert.ok(Date.parse(second.at) >= Date.parse(first.at));

    const activate = (await t.call('GET', '/audit?action=workflow.activate')).body.items[0];
    assert.equal([activate.target, activate.before, activate.after], [{ type: 'workflow', id: 'order/home-delivery' }, { active: 1 }, { active: 2 }]);
    const actions = (await t.call('GET', '/audit?limit=500')).body.items.map((r: { action: string }) => r.action);
    for (const a of ['location.put', 'product.put', 'status.put', 'purchase-limit.put', 'workflow.put', 'inventory.count']) assert.ok(actions.includes(a), `${a} is recorded`);

    const paged: unknown[] = [];
    let cursor: number | undefined;
    do {
      const page = await t.call('GET', `/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      paged.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.equal(paged, (await t.call('GET', '/audit?limit=500')).body.items);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    assert.equal((await t.call('GET', `/audit?since=${future}`)).body.items, []);
    assert.is((await t.call('GET', '/audit?limit=0')).status, 400);
    assert.is((await t.call('GET', '/audit', undefined, { key: KEYS.ops })).status, 403, 'admin keys only');
  } finally {
    await t.stop();
  }
});

test('a manual stock change is recorded with the position before and after, its reason and the ops key that made it', async () => {
  const t = await startTestServer();
  try {
    await seedHttp(t, { locations: { BER: [52.52, 13.4] }, skus: ['A'], stock: [['BER', 'A', 10]] });
    const ops = (await t.call('POST', '/orders', orderBody('A', 1), { key: KEYS.ops })).body.createdBy as string;
    assert.is((await t.call('POST', '/inventory/BER/A/adjust', { delta: -3, reason: 'found damaged' }, { key: KEYS.ops })).status, 200);
    assert.is((await t.call('POST', '/inventory/BER/A/adjust', { delta: -100, reason: 'too many' }, { key: KEYS.ops })).status, 409);
    const r = (await t.call('GET', '/audit?type=inventory&id=BER/A')).body.items[0];
    assert.equal([r.action, r.by, r.reason], ['inventory.adjust', ops, 'found damaged']);
    assert.equal([r.before.onHand, r.before.reserved, r.after.onHand, r.after.reserved], [10, 1, 7, 1]);
    const count = (await t.call('GET', '/audit?action=inventory.adjust')).body.items;
    assert.is(count.length, 1, 'a refused change is not recorded');
  } finally {
    await t.stop();
  }
});

test('a webhook change is recorded without its secret, and the log survives a restart', async () => {
  const t = await startTestServer();
  const dir = t.dir;
  try {
    const put = await t.call('PUT', '/webhooks/payments', { url: 'https://pay.example.com/hook', events: ['payment.*'], secret: SECRET });
    assert.is(put.status, 201);
    await t.call('PUT', '/webhooks/payments', { url: 'https://pay.example.com/hook', events: ['payment.*', 'refund.requested'], secret: SECRET });
    assert.is((await t.call('DELETE', '/webhooks/payments')).status, 200);
    const items = (await t.call('GET', '/audit?type=webhook')).body.items;
    assert.equal(items.map((r: { action: string }) => r.action), ['webhook.delete', 'webhook.put', 'webhook.put']);
    assert.equal([items[2].after.secretChanged, items[1].after.secretChanged], [true, false]);
    assert.equal(items[1].after.events, ['payment.*', 'refund.requested']);
    const raw = [...t.server.fulcrum.engine.store.audit.getRange()].map(({ value }) => JSON.stringify(value)).join('\n');
    assert.not.ok(raw.includes(SECRET), 'the secret is in no stored record');
    assert.not.ok(raw.includes(SECRET.slice(6, 20)));
  } finally {
    await t.server.close();
  }
  const again = await startTestServer({ dir });
  try {
    assert.equal((await again.call('GET', '/audit?type=webhook')).body.items.map((r: { action: string }) => r.action), ['webhook.delete', 'webhook.put', 'webhook.put']);
  } finally {
    await again.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a change of the key configuration (roles, channel bindings) is recorded at start, without the keys', async () => {
  const t = await startTestServer();
  const dir = t.dir;
  await t.server.close();
  const bound = { key: 'test-shop-web-key-0001', role: 'storefront' as const, channels: ['web'] };
  const again = await startTestServer({ dir, server: { apiKeys: [{ key: 'test-admin-key-0001', role: 'admin' }, bound] } });
  try {
    const items = (await again.call('GET', '/audit?type=keys')).body.items;
    assert.is(items.length, 2, 'the first start and the change');
    const [changed] = items;
    assert.equal([changed.action, changed.by], ['keys.configure', 'config']);
    assert.is(changed.before.length, 4);
    assert.equal(changed.after.map((k: { role: string; channels?: string[] }) => [k.role, k.channels ?? null]).sort(), [['admin', null], ['storefront', ['web']]]);
    const raw = JSON.stringify(items);
    for (const secret of ['test-admin-key-0001', 'test-shop-web-key-0001', 'test-storefront-key1']) assert.not.ok(raw.includes(secret));
  } finally {
    await again.server.close();
  }
  const third = await startTestServer({ dir, server: { apiKeys: [{ key: 'test-admin-key-0001', role: 'admin' }, bound] } });
  try {
    assert.is((await third.call('GET', '/audit?type=keys')).body.items.length, 2, 'an unchanged configuration is not recorded again');
  } finally {
    await third.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
