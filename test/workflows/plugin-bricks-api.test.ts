import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { atelierWorkflow } from '../../src/sdk/examples/embroidery.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** `GET /workflows/bricks` with plugins loaded: each brick is listed under the name a workflow must use. */
const t = suite<{ s: TestServer }>('plugin bricks over HTTP');
const EXAMPLES = fileURLToPath(new URL('../../src/sdk/examples/', import.meta.url));

t.before(async (ctx) => {
  ctx.s = await startTestServer({ server: { plugins: EXAMPLES } });
});
t.after(async (ctx) => ctx.s.stop());

t('a plugin brick is listed as <plugin>/<name>, never under its bare name', async ({ s }) => {
  const r = await s.call('GET', '/workflows/bricks');
  assert.is(r.status, 200);
  const names = r.body.items.map((b: { name: string }) => b.name);
  for (const name of ['embroidery/request', 'embroidery/complete', 'embroidery/isMonogram']) assert.ok(names.includes(name), `${name} in ${names}`);
  for (const bare of ['request', 'complete', 'isMonogram']) assert.not.ok(names.includes(bare), `bare '${bare}' listed`);
  assert.ok(names.includes('startTimer'), 'built-in bricks keep their plain names');
});

t('a workflow naming plugin bricks exactly as listed is accepted', async ({ s }) => {
  const listed = (await s.call('GET', '/workflows/bricks')).body.items as Array<{ kind: string; name: string }>;
  const action = (suffix: string) => listed.find((b) => b.kind === 'action' && b.name.endsWith(suffix))!.name;
  const guard = listed.find((b) => b.kind === 'guard' && b.name.endsWith('isMonogram'))!.name;
  const doc = {
    appliesTo: { channel: ['listed'] },
    initial: 'open',
    states: {
      open: {
        on: { 'payment.authorized': [{ guard, target: 'stitching' }, { target: 'done' }], 'order.cancelled': 'cancelled' },
      },
      stitching: {
        entry: [action('/request')],
        on: { 'embroidery.completed': { target: 'done', actions: [action('/complete')] }, 'order.cancelled': 'cancelled' },
      },
      done: { type: 'final' },
      cancelled: { type: 'final', entry: ['release'] },
    },
  };
  const put = await s.call('PUT', '/workflows/order/listed', doc);
  assert.is(put.status, 201, JSON.stringify(put.body));
  assert.is((await s.call('PUT', '/workflows/order/atelier', atelierWorkflow)).status, 201);
});

t('the bare name a plugin gave its brick is refused, naming the brick', async ({ s }) => {
  const doc = { initial: 'open', states: { open: { entry: ['request'], on: { 'order.cancelled': 'done' } }, done: { type: 'final' } } };
  const r = await s.call('PUT', '/workflows/order/bare', doc);
  assert.is(r.status, 400);
  assert.ok(JSON.stringify(r.body.error.details).includes("'request'"), JSON.stringify(r.body.error.details));
});

t.run();
