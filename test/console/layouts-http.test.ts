import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS, startTestServer } from '../helpers/server.js';
import { tempDataDir } from '../helpers/tmp.js';

const t = suite('the console API: who a key is, and tile layouts per role');

const LAYOUT = { screens: { inventory: [{ id: 'stock', type: 'inventory.stock', width: 'full', config: { pool: 'web', skus: ['A'] } }], overview: [] } };

t('GET /ui/me names the role and what it may do', async () => {
  const s = await startTestServer();
  try {
    const admin = await s.call('GET', '/ui/me');
    assert.equal([admin.status, admin.body.role], [200, 'admin']);
    assert.ok(admin.body.permissions.includes('config'));
    const store = await s.call('GET', '/ui/me', undefined, { key: KEYS.storefront });
    assert.equal(store.body.role, 'storefront');
    assert.not.ok(store.body.permissions.includes('orders:write'), 'a storefront key may not act on orders');
    assert.is((await s.call('GET', '/ui/me', undefined, { key: null })).status, 401);
  } finally {
    await s.stop();
  }
});

t('an admin saves a role layout; it survives a restart; bad layouts get 400 naming each field', async () => {
  const tmp = tempDataDir();
  let s = await startTestServer({ dir: tmp.dir });
  try {
    assert.equal((await s.call('GET', '/ui/layouts/ops')).body, { role: 'ops', screens: {}, updatedAt: null }, 'no layout: every screen shows its defaults');
    const saved = await s.call('PUT', '/ui/layouts/ops', LAYOUT);
    assert.is(saved.status, 200);
    assert.equal(saved.body.screens, LAYOUT.screens);
    const bad = await s.call('PUT', '/ui/layouts/ops', { screens: { inventory: [{ id: 'A B', type: 'x' }, { id: 'stock', type: 'inventory.stock' }, { id: 'stock', type: 'Bad Type' }], nowhere: [] } });
    assert.is(bad.status, 400);
    assert.equal(bad.body.error.details.map((d: { path: string }) => d.path).sort(), ['screens.inventory[0].id', 'screens.inventory[2].id', 'screens.inventory[2].type', 'screens'].sort());
    assert.is((await s.call('PUT', '/ui/layouts/auditor', LAYOUT)).status, 400, 'no such role');
    assert.is((await s.call('PUT', '/ui/layouts/ops', LAYOUT, { key: KEYS.ops })).status, 403, 'only an admin changes layouts');
    assert.is((await s.call('GET', '/ui/layouts/ops', undefined, { key: KEYS.ops })).status, 200, 'a key reads its own role layout');
    assert.is((await s.call('GET', '/ui/layouts/admin', undefined, { key: KEYS.ops })).status, 403, 'but not another role');
    const audit = await s.call('GET', '/audit?type=console-layout');
    assert.equal(audit.body.items.map((r: { action: string }) => r.action), ['console-layout.put']);
    await s.server.close();
    s = await startTestServer({ dir: tmp.dir });
    const after = await s.call('GET', '/ui/layouts/ops');
    assert.equal([after.body.screens, after.body.updatedBy !== undefined], [LAYOUT.screens, true], 'stored durably');
  } finally {
    await s.stop();
    tmp.cleanup();
  }
});

t('the console is served at /console without a key, and a browser asking for / is sent there', async () => {
  const s = await startTestServer();
  try {
    const page = await fetch(`${s.url}/`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    assert.equal([page.status, page.headers.get('location')], [302, '/console']);
    assert.is((await s.call('GET', '/', undefined, { key: null })).status, 401, 'an API client asking for / still needs a key');
    const missing = await s.call('GET', '/console/nothing.js', undefined, { key: null });
    assert.is(missing.status, 404);
    assert.is(missing.body.error.type, 'not_found');
  } finally {
    await s.stop();
  }
});

t('GET /products?q= finds products by SKU or name, any case, up to the limit', async () => {
  const s = await startTestServer();
  try {
    for (const [sku, name] of [['TENT-1', 'Dome tent'], ['TENT-2', 'Tunnel tent'], ['LAMP-1', 'Head lamp']]) await s.call('PUT', `/products/${sku}`, { name });
    const ids = async (q: string) => (await s.call('GET', `/products?${q}`)).body.items.map((p: { sku: string }) => p.sku);
    assert.equal(await ids('q=tent'), ['TENT-1', 'TENT-2']);
    assert.equal(await ids('q=LAMP'), ['LAMP-1']);
    assert.equal(await ids('q=tent&limit=1'), ['TENT-1']);
    assert.equal(await ids('q=nothing'), []);
    assert.is((await s.call('GET', '/products?limit=0')).status, 400);
    assert.is((await s.call('GET', '/products', undefined, { key: KEYS.storefront })).status, 200, 'a storefront key reads the network');
  } finally {
    await s.stop();
  }
});

t.run();
