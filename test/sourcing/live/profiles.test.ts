import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS, orderBody, seedHttp, startTestServer, type TestServer } from '../../helpers/server.js';

const examplePlugins = fileURLToPath(new URL('../../../src/sdk/examples/', import.meta.url));

/** A one-strategy profile: one shipment, within `maxDistanceKm`. */
function profile(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { strategies: [{ id: 'single', split: { policy: 'forbid' } }], ...extra };
}

async function seed(s: TestServer): Promise<void> {
  await seedHttp(s, { locations: { MITTE: [52.52, 13.41] }, skus: ['A'], stock: [['MITTE', 'A', 50]] });
}

test('the default profile is installed active on first start', async () => {
  const s = await startTestServer();
  try {
    const list = await s.call('GET', '/sourcing-profiles');
    assert.is(list.status, 200);
    assert.equal(list.body.active, { id: 'default', version: 1 });
    assert.equal(list.body.items.map((p: any) => [p.id, p.active, p.versions.map((v: any) => v.status)]), [['default', 1, ['active']]]);
    const one = await s.call('GET', '/sourcing-profiles/default');
    assert.equal(one.body.versions[0].document.strategies.map((x: any) => x.id), ['express', 'standard']);
  } finally {
    await s.stop();
  }
});

test('a new version is a draft until activated; orders record the version that planned them, across a restart', async () => {
  const first = await startTestServer();
  const dir = first.dir;
  try {
    await seed(first);
    const put = await first.call('PUT', '/sourcing-profiles/default', profile());
    assert.is(put.status, 201);
    assert.equal([put.body.id, put.body.version, put.body.status], ['default', 2, 'draft']);
    assert.equal((await first.call('POST', '/orders', orderBody('A'))).body.sourcing, { profile: 'default', version: 1, strategy: 'standard' });

    const activated = await first.call('POST', '/sourcing-profiles/default/versions/2/activate');
    assert.is(activated.status, 200);
    assert.equal(activated.body.versions.map((v: any) => [v.version, v.status]), [[1, 'retired'], [2, 'active']]);
    assert.equal((await first.call('POST', '/orders', orderBody('A'))).body.sourcing, { profile: 'default', version: 2, strategy: 'single' });
  } finally {
    await first.server.close();
  }
  const second = await startTestServer({ dir });
  try {
    assert.equal((await second.call('GET', '/sourcing-profiles')).body.active, { id: 'default', version: 2 });
    assert.equal((await second.call('POST', '/orders', orderBody('A'))).body.sourcing.version, 2);

    assert.is((await second.call('PUT', '/sourcing-profiles/black-friday', profile())).status, 201);
    await second.call('POST', '/sourcing-profiles/black-friday/versions/1/activate');
    const list = (await second.call('GET', '/sourcing-profiles')).body;
    assert.equal(list.active, { id: 'black-friday', version: 1 });
    assert.equal(list.items.map((p: any) => [p.id, p.active]), [['black-friday', 1], ['default', null]], 'one active version across profiles');
    assert.equal((await second.call('POST', '/orders', orderBody('A'))).body.sourcing.profile, 'black-friday');
  } finally {
    await second.stop();
  }
});

test('bad profiles are refused with the path of every problem, and nothing is stored', async () => {
  const s = await startTestServer();
  try {
    const refused = async (body: unknown, paths: string[], id = 'default') => {
      const r = await s.call('PUT', `/sourcing-profiles/${id}`, body);
      assert.is(r.status, 400, JSON.stringify(r.body));
      assert.is(r.body.error.type, 'invalid_request');
      assert.equal(r.body.error.details.map((d: any) => d.path), paths);
    };
    await refused({ strategies: [] }, ['strategies']);
    await refused(profile({ strategies: [{ id: 'x', costs: { markdown: { weight: -1 } } }] }), ['strategies[0].costs.markdown.weight']);
    await refused(profile({ attributeCapabilities: { fragil: { capability: 'fragile-packing' } } }), ['attributeCapabilities.fragil']);
    await refused(profile({ strategies: [{ id: 'x', costs: { plugins: { 'carbon/co2': 1 } } }] }), ['strategies[0].costs.plugins.carbon/co2']);
    await refused(profile({ version: 7 }), ['version']);
    await refused(profile({ strategies: [{ id: '' }] }), ['strategies[0].id'], 'new-one');
    await refused('[1, 2]', ['(body)']);

    const stored = await s.call('GET', '/sourcing-profiles/default');
    assert.is(stored.body.versions.length, 1, 'still only the default version');
    assert.is((await s.call('GET', '/sourcing-profiles/new-one')).status, 404);
    assert.is((await s.call('PUT', '/sourcing-profiles/default', profile(), { key: KEYS.ops })).status, 403);
    assert.is((await s.call('POST', '/sourcing-profiles/default/versions/9/activate')).status, 404);
  } finally {
    await s.stop();
  }
});

test("a profile may use cost terms from the server's plugin directory", async () => {
  const s = await startTestServer({ server: { plugins: examplePlugins } });
  try {
    await seed(s);
    const put = await s.call('PUT', '/sourcing-profiles/green', profile({ strategies: [{ id: 'green', costs: { plugins: { 'carbon/co2': 1 } } }] }));
    assert.is(put.status, 201, JSON.stringify(put.body));
    await s.call('POST', '/sourcing-profiles/green/versions/1/activate');
    const order = await s.call('POST', '/orders', orderBody('A'));
    const why = await s.call('GET', `/orders/${order.body.id}/sourcing`);
    assert.ok('carbon/co2' in why.body.decisions[0].explanation.plan.terms);
  } finally {
    await s.stop();
  }
});

test.run();
