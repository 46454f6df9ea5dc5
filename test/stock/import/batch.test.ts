import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS, orderBody, seedHttp, startTestServer, type TestServer } from '../../helpers/server.js';

const t = suite<{ s: TestServer }>('POST /inventory/batch with a small body answers at once');

t.before(async (ctx) => {
  ctx.s = await startTestServer();
  await seedHttp(ctx.s, { locations: { BER: [52.5, 13.4], MUC: [48.1, 11.6] }, skus: ['A', 'B', 'C', 'D'], stock: [['MUC', 'D', 10]] });
});
t.after(async (ctx) => ctx.s.stop());

const NDJSON = { headers: { 'content-type': 'application/x-ndjson' } };

async function onHand(s: TestServer, location: string, sku: string): Promise<number> {
  return (await s.call('GET', `/inventory/${location}/${sku}`)).body.onHand;
}

t('a JSON array is applied and answered with the counts', async ({ s }) => {
  const r = await s.call('POST', '/inventory/batch', [
    { location: 'BER', sku: 'A', onHand: 5 },
    { location: 'BER', sku: 'B', onHand: 6, status: 'sellable' },
    { location: 'MUC', sku: 'A', onHand: 7 },
  ]);
  assert.is(r.status, 200);
  assert.equal(
    { rowsRead: r.body.rowsRead, applied: r.body.applied, ignored: r.body.ignored, rejected: r.body.rejected },
    { rowsRead: 3, applied: 3, ignored: 0, rejected: 0 },
  );
  assert.equal([await onHand(s, 'BER', 'A'), await onHand(s, 'BER', 'B'), await onHand(s, 'MUC', 'A')], [5, 6, 7]);
});

t('NDJSON rows are applied in order: counts and deltas, one SKU several times', async ({ s }) => {
  const body = ['{"location":"BER","sku":"C","onHand":10}', '{"location":"BER","sku":"C","delta":-4,"reason":"damaged"}', '{"location":"BER","sku":"C","delta":2}'].join('\n');
  const r = await s.call('POST', '/inventory/batch', body, NDJSON);
  assert.is(r.status, 200);
  assert.is(r.body.applied, 3);
  assert.is(await onHand(s, 'BER', 'C'), 8);
});

t('rejected rows come back with their numbers and reasons; the valid rows around them are applied', async ({ s }) => {
  const rows = [
    { location: 'MUC', sku: 'B', onHand: 1 },
    { location: 'NOWHERE', sku: 'B', onHand: 1 },
    { location: 'MUC', sku: 'NOPE', onHand: 1 },
    { location: 'MUC', sku: 'B', onHand: -1 },
    { location: 'MUC', sku: 'B', onHand: 1.5 },
    { location: 'MUC', sku: 'B', onHand: 1, delta: 1 },
    { location: 'MUC', sku: 'B' },
    { location: 'MUC', sku: 'B', delta: -100 },
    { location: 'MUC', sku: 'B', onHand: 2, status: 'lost' },
    { location: 'MUC', sku: 'B', onHand: 2, colour: 'red' },
    { location: 'MUC', sku: 'B', onHand: 3 },
  ];
  const r = await s.call('POST', '/inventory/batch', rows);
  assert.is(r.status, 200);
  assert.is(r.body.applied, 2);
  assert.is(r.body.rejected, 9);
  const byRow = Object.fromEntries(r.body.rejectedRows.map((x: any) => [x.row, x]));
  assert.equal(Object.keys(byRow).map(Number), [2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.match(byRow[2].reason, /unknown location 'NOWHERE'/);
  assert.is(byRow[2].path, 'location');
  assert.match(byRow[3].reason, /unknown product 'NOPE'/);
  assert.is(byRow[4].path, 'onHand');
  assert.is(byRow[5].path, 'onHand');
  assert.match(byRow[6].reason, /exactly one of onHand/);
  assert.match(byRow[7].reason, /exactly one of onHand/);
  assert.match(byRow[8].reason, /below 0/);
  assert.is(byRow[8].path, 'delta');
  assert.match(byRow[9].reason, /unknown stock status 'lost'/);
  assert.match(byRow[10].reason, /unknown field 'colour'/);
  assert.is(await onHand(s, 'MUC', 'B'), 3);
});

t('a malformed NDJSON line is rejected alone', async ({ s }) => {
  const body = '{"location":"MUC","sku":"C","onHand":4}\n{"location":"MUC","sku":"C","onHand":\n\n{"location":"MUC","sku":"C","delta":1}\n';
  const r = await s.call('POST', '/inventory/batch', body, NDJSON);
  assert.is(r.status, 200);
  assert.equal([r.body.rowsRead, r.body.applied, r.body.rejected], [3, 2, 1]);
  assert.is(r.body.rejectedRows[0].row, 2, 'numbered by line');
  assert.match(r.body.rejectedRows[0].reason, /not valid JSON/);
  assert.is(await onHand(s, 'MUC', 'C'), 5);
});

t('a count older than the one applied is ignored, not rejected', async ({ s }) => {
  const body = [
    { location: 'BER', sku: 'D', onHand: 20, asOf: '2026-11-27T12:00:00Z' },
    { location: 'BER', sku: 'D', onHand: 3, asOf: '2026-11-27T11:00:00Z' },
  ];
  const r = await s.call('POST', '/inventory/batch', body);
  assert.equal([r.body.applied, r.body.ignored, r.body.rejected], [1, 1, 0]);
  assert.is(r.body.ignoredRows[0].row, 2);
  assert.match(r.body.ignoredRows[0].reason, /stale: a count as of 2026-11-27T12:00:00Z was already applied/);
  assert.is(await onHand(s, 'BER', 'D'), 20);
});

t('a count below what is reserved is applied, keeps the reservations and is reported', async ({ s }) => {
  const placed = await s.call('POST', '/orders', { ...orderBody('D', 4), deliverTo: { lat: 48.1, lon: 11.6, country: 'DE' } });
  assert.is(placed.status, 201);
  assert.is(placed.body.fulfilments[0].location, 'MUC');
  const r = await s.call('POST', '/inventory/batch', [{ location: 'MUC', sku: 'D', onHand: 1 }]);
  assert.is(r.body.applied, 1);
  assert.is(r.body.reservedExceedsOnHand, 1);
  assert.equal(r.body.shortRows, [{ row: 1, location: 'MUC', sku: 'D', reservedExceedsOnHandBy: 3 }]);
  const p = (await s.call('GET', '/inventory/MUC/D')).body;
  assert.equal([p.reserved, p.available], [4, 0]);
});

t('a JSON body whose array is broken is refused whole: a 400 that changed nothing', async ({ s }) => {
  const before = await onHand(s, 'BER', 'A');
  const r = await s.call('POST', '/inventory/batch', '[{"location":"BER","sku":"A","onHand":99}, {"location":');
  assert.is(r.status, 400);
  assert.is(r.body.error.type, 'invalid_request');
  assert.match(r.body.error.message, /not a JSON array of rows/);
  assert.is(await onHand(s, 'BER', 'A'), before);
});

t('a body that is neither JSON nor NDJSON is refused by its content type (415)', async ({ s }) => {
  const r = await s.call('POST', '/inventory/batch', 'location,sku,onHand', { headers: { 'content-type': 'text/csv' } });
  assert.is(r.status, 415);
  assert.is(r.body.error.type, 'unsupported_media_type');
  assert.is(r.body.error.details[0].path, 'content-type');
});

t('posting needs inventory:write; reading jobs needs inventory:read', async ({ s }) => {
  const r = await s.call('POST', '/inventory/batch', [], { key: KEYS.storefront });
  assert.is(r.status, 403);
  assert.is((await s.call('GET', '/jobs/job_x', undefined, { key: KEYS.storefront })).status, 403);
  assert.is((await s.call('GET', '/jobs/job_x', undefined, { key: KEYS.ops })).status, 404);
});

t.run();
