import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { orderBody, seedHttp, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * `onHand` means one thing in every view of a position: every unit physically at the location, whatever its
 * status (the sum of `statuses`, less units still in transit to it).
 */
const t = suite<{ s: TestServer }>('on hand is every unit there, whatever its status, in every view');

t.before(async (ctx) => {
  ctx.s = await startTestServer();
  await seedHttp(ctx.s, {
    locations: { BER: [52.5, 13.4], MUC: [48.1, 11.6] },
    skus: ['A', 'B', 'C', 'D'],
    stock: [['BER', 'A', 10], ['MUC', 'B', 10]],
  });
  await ctx.s.call('PUT', '/statuses/display', { countsTowardAvailability: false });
});
t.after(async (ctx) => ctx.s.stop());

function physical(view: { statuses: Record<string, number> }): number {
  return Object.entries(view.statuses).reduce((n, [status, units]) => (status === 'in_transit' ? n : n + units), 0);
}

t('units moved to a custom status, reserved or damaged stay on hand, and the statuses add up to it', async ({ s }) => {
  assert.is((await s.call('POST', '/orders', orderBody('A', 2))).status, 201);
  const moved = await s.call('POST', '/inventory/BER/A/move', { from: 'sellable', to: 'display', qty: 3, reason: 'shop window' });
  assert.is(moved.status, 200);
  assert.equal([moved.body.onHand, moved.body.available, moved.body.reserved], [10, 5, 2]);
  assert.equal(moved.body.statuses, { sellable: 7, display: 3 });
  const damaged = await s.call('POST', '/inventory/BER/A/move', { from: 'sellable', to: 'damaged', qty: 1, reason: 'dropped' });
  assert.is(damaged.body.onHand, 10);
  const read = (await s.call('GET', '/inventory/BER/A')).body;
  assert.equal(read.statuses, { sellable: 6, display: 3, damaged: 1 });
  assert.is(read.onHand, 10);
  assert.is(read.onHand, physical(read), 'onHand is the sum of the statuses');
  const scrapped = await s.call('POST', '/inventory/BER/A/adjust', { delta: -1, status: 'damaged', reason: 'scrapped' });
  assert.equal([scrapped.body.onHand, physical(scrapped.body)], [9, 9], 'a unit taken out is no longer on hand');
});

t('a PUT counts one status: its onHand sets that status, the reply shows the whole position', async ({ s }) => {
  const sellable = await s.call('PUT', '/inventory/BER/C', { onHand: 4 });
  assert.equal([sellable.body.onHand, sellable.body.statuses], [4, { sellable: 4 }]);
  const display = await s.call('PUT', '/inventory/BER/C', { onHand: 5, status: 'display' });
  assert.equal(display.body.statuses, { sellable: 4, display: 5 }, 'the count set the display units only');
  assert.is(display.body.onHand, 9);
  const recount = await s.call('PUT', '/inventory/BER/C', { onHand: 6, status: 'sellable' });
  assert.equal([recount.body.onHand, recount.body.statuses], [11, { sellable: 6, display: 5 }]);
});

t('units in transit are on hand where they arrive only once received, and gone from where they left', async ({ s }) => {
  const tr = await s.call('POST', '/transfers', { from: 'MUC', to: 'BER', lines: [{ sku: 'B', qty: 2 }] });
  assert.is(tr.status, 201);
  assert.is((await s.call('POST', `/transfers/${tr.body.id}/events`, { type: 'shipped' })).status, 200);
  const arriving = (await s.call('GET', '/inventory/BER/B')).body;
  assert.equal([arriving.onHand, arriving.statuses.in_transit], [0, 2]);
  assert.is((await s.call('GET', '/inventory/MUC/B')).body.onHand, 8);
  assert.is((await s.call('POST', `/transfers/${tr.body.id}/events`, { type: 'received' })).status, 200);
  const arrived = (await s.call('GET', '/inventory/BER/B')).body;
  assert.equal([arrived.onHand, arrived.statuses], [2, { sellable: 2 }]);
});

t('a bulk load counting several statuses gives the same on hand as single counts', async ({ s }) => {
  const rows = [{ location: 'BER', sku: 'D', onHand: 3, status: 'display' }, { location: 'BER', sku: 'D', onHand: 2 }];
  const loaded = await s.call('POST', '/inventory/batch', rows);
  assert.is(loaded.status, 200, JSON.stringify(loaded.body));
  assert.is(loaded.body.applied, 2);
  const read = (await s.call('GET', '/inventory/BER/D')).body;
  assert.equal([read.onHand, read.statuses], [5, { sellable: 2, display: 3 }]);
});

t.run();
