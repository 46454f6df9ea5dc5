import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { findPostgresBin, startPostgres, type PostgresCluster } from '../../bench/intake/postgres-cluster.js';
import { peerTotals, seedStock, withClient } from '../../bench/intake/postgres-schema.js';
import { startProcess, stop, type BenchProcess } from '../../bench/lib/processes.js';

/**
 * The intake benchmark's PostgreSQL peer takes orders correctly, or comparing Fulcrum with it would mean
 * nothing: no oversell under concurrency, all-or-nothing orders, refused input named. It needs Debian's
 * postgresql (.ci/run installs it); without it these tests are skipped, except in CI where that fails.
 */
const PEER = fileURLToPath(new URL('../../bench/intake/postgres-intake.js', import.meta.url));
const peer = suite<{ cluster?: PostgresCluster; server?: BenchProcess }>('postgres peer', {});

const installed = findPostgresBin() !== undefined;
if (!installed) console.log('postgres-peer: PostgreSQL is not installed (no pg_ctl): its tests are skipped');

peer.before(async (context) => {
  if (!installed) return;
  context.cluster = await startPostgres({ maxConnections: 20 });
  await seedStock(context.cluster.url, [
    { sku: 'FLASH', onHand: 50 },
    { sku: 'MUG', onHand: 10 },
    { sku: 'TEAPOT', onHand: 1 },
  ]);
  context.server = await startProcess(PEER, ['--database', context.cluster.url, '--pool', '8']);
});

peer.after(async (context) => {
  if (context.server) await stop(context.server);
  context.cluster?.stop();
});

function order(server: BenchProcess, lines: unknown): Promise<{ status: number; body: any }> {
  return fetch(`${server.url}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ customer: { id: 'c-1' }, deliverTo: { lat: 52.52, lon: 13.405, country: 'DE' }, lines }),
  }).then(async (r) => ({ status: r.status, body: await r.json() }));
}

function reservedOf(cluster: PostgresCluster, sku: string): Promise<number> {
  return withClient(cluster.url, async (client) => Number((await client.query('SELECT reserved FROM stock WHERE sku = $1', [sku])).rows[0].reserved));
}

peer('PostgreSQL is installed where CI runs (.ci/run installs it)', () => {
  if (process.env.CI) assert.ok(installed, 'no pg_ctl under /usr/lib/postgresql/*/bin or on PATH');
});

peer('200 concurrent one-unit orders for 50 units: exactly 50 are accepted, the rest get 409', async ({ cluster, server }) => {
  if (!cluster || !server) return;
  const replies = await Promise.all(Array.from({ length: 200 }, () => order(server, [{ sku: 'FLASH', qty: 1 }])));
  assert.is(replies.filter((r) => r.status === 201).length, 50);
  assert.is(replies.filter((r) => r.status === 409).length, 150);
  assert.is(replies.find((r) => r.status === 409)?.body.error.type, 'insufficient_stock');
  assert.is(await reservedOf(cluster, 'FLASH'), 50);
});

peer('an order with a line that cannot be reserved changes nothing: 409, no order row, no unit reserved', async ({ cluster, server }) => {
  if (!cluster || !server) return;
  const before = await peerTotals(cluster.url);
  const refused = await order(server, [{ sku: 'MUG', qty: 1 }, { sku: 'TEAPOT', qty: 2 }]);
  assert.is(refused.status, 409);
  assert.equal(await peerTotals(cluster.url), before);
  const accepted = await order(server, [{ sku: 'TEAPOT', qty: 1 }, { sku: 'MUG', qty: 3 }]);
  assert.is(accepted.status, 201);
  assert.is(await reservedOf(cluster, 'MUG'), 3);
  assert.is(await reservedOf(cluster, 'TEAPOT'), 1);
  assert.equal(await peerTotals(cluster.url), { reserved: before.reserved + 4, orders: before.orders + 1 });
});

peer('an order for a SKU the peer does not stock is refused with 409', async ({ server }) => {
  if (!server) return;
  assert.is((await order(server, [{ sku: 'NOPE', qty: 1 }])).status, 409);
});

peer('an order without lines is refused with 400 naming the field', async ({ server }) => {
  if (!server) return;
  const reply = await order(server, []);
  assert.is(reply.status, 400);
  assert.match(reply.body.error.message, /^lines:/);
  assert.match((await order(server, [{ sku: 'MUG', qty: 0 }])).body.error.message, /^lines\[0\]\.qty:/);
});

peer.run();
