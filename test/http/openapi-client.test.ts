import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { placeOrder } from '../../src/client/examples/place-order.js';
import { KEYS, startTestServer, type TestServer } from '../helpers/server.js';

const t = suite<{ s: TestServer }>('typed client');
t.before(async (ctx) => {
  ctx.s = await startTestServer();
});
t.after(async ({ s }) => s.stop());

t('the committed client types are those of the served document (npm run client regenerates them)', async ({ s }) => {
  const served = (await s.call('GET', '/openapi.json', undefined, { key: null })).body;
  const committed = readFileSync(new URL('../../../src/client/paths.ts', import.meta.url), 'utf8');
  // The generator is plain JS outside the compiled tree: import it from the source folder.
  const generator = new URL('../../../tools/client-gen/generate.mjs', import.meta.url).href;
  const { clientTypes } = (await import(generator)) as typeof import('../../tools/client-gen/generate.mjs');
  const fresh = await clientTypes(served);
  assert.ok(fresh === committed, 'src/client/paths.ts is stale: run `npm run client` and commit it');
});

t('the client example places an order through the typed client', async ({ s }) => {
  const placed = await placeOrder(s.url, KEYS.admin);
  assert.is(placed.status, 'awaiting_payment');
  assert.is(placed.atsLeft, 8);
  assert.is((await s.call('GET', `/orders/${placed.orderId}`)).body.lines[0].qty, 2);
});

t('the client reports a refusal in the error envelope', async ({ s }) => {
  const { createClient } = await import('../../src/client/index.js');
  const { error, response } = await createClient(s.url, KEYS.storefront).GET('/audit', {});
  assert.is(response.status, 403);
  assert.is(error?.error.type, 'forbidden');
});

t.run();
