import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BERLIN, KEYS, orderBody, seedHttp, startTestServer, type TestServer } from '../helpers/server.js';

/** Keys of the test server: one per role, a storefront key bound to the web channel, and one bound to two. */
const BOUND = { web: 'storefront-web-only-01', webAndB2c: 'storefront-web-b2c-001' };

const t = suite<{ s: TestServer }>('channel pools');

// Two fulfilment centres and one store. The web pool sells only from the fulfilment centres and keeps 2 units
// back at each; the b2b pool sells from everything; the default pool has no buffers at all.
t.before.each(async (ctx) => {
  ctx.s = await startTestServer({
    server: {
      apiKeys: [
        { key: KEYS.admin, role: 'admin' },
        { key: KEYS.storefront, role: 'storefront' },
        { key: BOUND.web, role: 'storefront', channels: ['web'] },
        { key: BOUND.webAndB2c, role: 'storefront', channels: ['web', 'b2c'] },
      ],
    },
  });
  await seedHttp(ctx.s, { locations: { FC1: [52.5, 13.4], FC2: [53.5, 10.0], ST1: [52.52, 13.41] }, skus: ['A'], stock: [['FC1', 'A', 3], ['FC2', 'A', 3], ['ST1', 'A', 10]] });
  for (const id of ['FC1', 'FC2']) {
    const r = await ctx.s.call('PUT', `/locations/${id}`, { name: id, geo: { lat: 52.5, lon: 13.4 }, country: 'DE', tags: ['fc'] });
    assert.ok(r.status < 300, JSON.stringify(r.body));
  }
  const web = await ctx.s.call('PUT', '/pools/web', { name: 'web', channel: 'web', locations: { tags: ['fc'] }, locationBuffers: { FC1: 2, FC2: 2 } });
  assert.is(web.status, 201, JSON.stringify(web.body));
  assert.is((await ctx.s.call('PUT', '/pools/b2b', { name: 'b2b', channel: 'b2b', locations: 'all' })).status, 201);
});
t.after.each(async ({ s }) => s.stop());

t('a web order names no pool and draws on the web pool: its locations and its buffers', async ({ s }) => {
  const placed = await s.call('POST', '/orders', orderBody('A', 2, { channel: 'web' }));
  assert.is(placed.status, 201, JSON.stringify(placed.body));
  assert.is(placed.body.pool, 'web');
  assert.is(placed.body.channel, 'web');
  assert.ok(placed.body.fulfilments.every((f: { location: string }) => f.location !== 'ST1'), 'the store is not in the web pool');
  // The web pool had 1 + 1 units to sell; the 2 held back at each centre stay there.
  const more = await s.call('POST', '/orders', orderBody('A', 1, { channel: 'web' }));
  assert.is(more.status, 409, JSON.stringify(more.body));
  assert.is(more.body.error.type, 'insufficient_stock');
  assert.match(more.body.error.details[0].message, /in pool web/);
});

t('an order of a channel without a pool of its own, or of none, draws on default', async ({ s }) => {
  const r = await s.call('POST', '/orders', orderBody('A', 1, { channel: 'phone' }));
  assert.is(r.status, 201, JSON.stringify(r.body));
  assert.is(r.body.pool, 'default');
  assert.is((await s.call('POST', '/orders', orderBody('A', 1))).body.pool, 'default');
});

t('an explicit pool must agree with the channel; a pool of its own channel sets the channel', async ({ s }) => {
  const wrong = await s.call('POST', '/orders', orderBody('A', 1, { channel: 'web', pool: 'default' }));
  assert.is(wrong.status, 400, JSON.stringify(wrong.body));
  assert.is(wrong.body.error.details[0].path, 'pool');
  assert.match(wrong.body.error.message, /web sales draw on pool 'web'/);
  const other = await s.call('POST', '/orders', orderBody('A', 1, { channel: 'web', pool: 'b2b' }));
  assert.is(other.status, 400, JSON.stringify(other.body));
  const implied = await s.call('POST', '/orders', orderBody('A', 1, { pool: 'b2b' }));
  assert.is(implied.status, 201, JSON.stringify(implied.body));
  assert.equal([implied.body.pool, implied.body.channel], ['b2b', 'b2b']);
});

t('sourcing sees the channel the pool implies, not only the one the order names', async ({ s }) => {
  const draft = await s.call('PUT', '/sourcing-profiles/default', {
    timezone: 'UTC',
    strategies: [
      { id: 'b2b-only', when: { channels: ['b2b'] }, filters: { carrierCutoff: false }, split: { policy: 'allow', maxShipments: 3, splitLines: true } },
      { id: 'standard', filters: { carrierCutoff: false }, split: { policy: 'allow', maxShipments: 3, splitLines: true } },
    ],
  });
  assert.is(draft.status, 201, JSON.stringify(draft.body));
  assert.is((await s.call('POST', `/sourcing-profiles/default/versions/${draft.body.version}/activate`)).status, 200);
  const implied = await s.call('POST', '/orders', orderBody('A', 1, { pool: 'b2b' }));
  assert.is(implied.status, 201, JSON.stringify(implied.body));
  assert.is(implied.body.sourcing.strategy, 'b2b-only');
  const plain = await s.call('POST', '/orders', orderBody('A', 1));
  assert.is(plain.body.sourcing.strategy, 'standard');
});

t('a channel is served by one pool: a second pool for it is refused', async ({ s }) => {
  const r = await s.call('PUT', '/pools/web2', { name: 'web 2', channel: 'web', locations: 'all' });
  assert.is(r.status, 409, JSON.stringify(r.body));
  assert.is(r.body.error.details[0].path, 'channel');
  assert.is((await s.call('PUT', '/pools/web', { name: 'web again', channel: 'web', locations: { tags: ['fc'] } })).status, 200, 'a pool keeps its own channel');
});

t('availability by location adds up to the pool ATS, pool buffer included', async ({ s }) => {
  assert.is((await s.call('PUT', '/pools/b2b', { name: 'b2b', channel: 'b2b', locations: 'all', buffer: { units: 5 } })).status, 200);
  const r = await s.call('GET', '/availability?pool=b2b&sku=A&locations=true');
  assert.is(r.status, 200);
  const [item] = r.body.items;
  assert.is(item.ats, 11);
  assert.is(item.locations.reduce((n: number, l: { ats: number }) => n + l.ats, 0), 11);
  assert.equal(item.locations, [{ id: 'FC1', ats: 3 }, { id: 'FC2', ats: 3 }, { id: 'ST1', ats: 5 }].sort((a, b) => b.ats - a.ats || (a.id < b.id ? -1 : 1)));
});

t('a key bound to web places web orders by default and nothing on another channel or pool (403)', async ({ s }) => {
  const mine = await s.call('POST', '/orders', orderBody('A', 1), { key: BOUND.web });
  assert.is(mine.status, 201, JSON.stringify(mine.body));
  assert.equal([mine.body.channel, mine.body.pool], ['web', 'web']);
  const b2b = await s.call('POST', '/orders', orderBody('A', 1, { channel: 'b2b' }), { key: BOUND.web });
  assert.is(b2b.status, 403, JSON.stringify(b2b.body));
  assert.is(b2b.body.error.details[0].path, 'channel');
  const pool = await s.call('POST', '/orders', orderBody('A', 1, { pool: 'default' }), { key: BOUND.web });
  assert.is(pool.status, 403, JSON.stringify(pool.body));
  assert.is(pool.body.error.details[0].path, 'pool');
  const preview = await s.call('POST', '/sourcing/preview', orderBody('A', 1, { channel: 'b2b' }), { key: BOUND.web });
  assert.is(preview.status, 403, 'a preview is bound like the order it previews');
  assert.is((await s.call('GET', '/availability?pool=b2b&sku=A')).status, 200, 'reading another pool stays allowed');
});

t('a key bound to several channels sells on each; its first channel is its default', async ({ s }) => {
  const b2c = await s.call('POST', '/orders', orderBody('A', 1, { channel: 'b2c' }), { key: BOUND.webAndB2c });
  assert.is(b2c.status, 201, JSON.stringify(b2c.body));
  assert.equal([b2c.body.channel, b2c.body.pool], ['b2c', 'default'], 'b2c has no pool of its own');
  assert.is((await s.call('POST', '/orders', orderBody('A', 1), { key: BOUND.webAndB2c })).body.channel, 'web');
  assert.is((await s.call('POST', '/orders', orderBody('A', 1, { channel: 'b2b' }), { key: BOUND.webAndB2c })).status, 403);
});

t('a bound key holds carts only in its channels\' pools', async ({ s }) => {
  const hold = await s.call('POST', '/holds', { lines: [{ sku: 'A', qty: 1 }], ttlSeconds: 60 }, { key: BOUND.web });
  assert.is(hold.status, 201, JSON.stringify(hold.body));
  assert.is(hold.body.pool, 'web');
  const b2b = await s.call('POST', '/holds', { pool: 'b2b', lines: [{ sku: 'A', qty: 1 }], ttlSeconds: 60 }, { key: BOUND.web });
  assert.is(b2b.status, 403, JSON.stringify(b2b.body));
});

t('admin keys and unbound storefront keys sell on any channel', async ({ s }) => {
  assert.is((await s.call('POST', '/orders', orderBody('A', 1, { channel: 'b2b' }))).status, 201);
  const r = await s.call('POST', '/orders', { customer: { id: 'c' }, deliverTo: BERLIN, channel: 'b2b', lines: [{ sku: 'A', qty: 1 }] }, { key: KEYS.storefront });
  assert.is(r.status, 201, JSON.stringify(r.body));
});

t.run();
