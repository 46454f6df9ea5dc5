import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { seedHttp, startTestServer, type TestServer } from '../helpers/server.js';

/** Stock changes over HTTP that say when units arrived, and the position view that shows it. */
const t = suite<{ s: TestServer }>('receipt dates over HTTP: adjustments, counts and bulk rows that say when units arrived');

const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString();

t.before(async (ctx) => {
  ctx.s = await startTestServer();
  await seedHttp(ctx.s, { locations: { BER: [52.5, 13.4], MUC: [48.1, 11.6] }, skus: ['A', 'B', 'C', 'D'], stock: [['BER', 'D', 5]] });
});
t.after(async (ctx) => ctx.s.stop());

t('an adjustment with receivedAt is a receipt: the view shows when the units on hand arrived, averaged by units', async ({ s }) => {
  const minute = 60_000;
  const early = Math.floor((Date.now() - 40 * DAY) / minute) * minute;
  const late = Math.floor(Date.now() / minute) * minute;
  const first = await s.call('POST', '/inventory/BER/A/adjust', { delta: 10, reason: 'goods receipt GR-1', receivedAt: new Date(early).toISOString() });
  assert.is(first.status, 200);
  assert.is(first.body.receivedAt, new Date(early).toISOString());
  const second = await s.call('POST', '/inventory/BER/A/adjust', { delta: 30, reason: 'goods receipt GR-2', receivedAt: new Date(late).toISOString() });
  const average = Math.round((10 * early + 30 * late) / 40 / minute) * minute;
  assert.is(second.body.receivedAt, new Date(average).toISOString(), '(10 x 40 days ago + 30 x now) / 40: 10 days ago');
  assert.is((await s.call('GET', '/inventory/BER/A')).body.receivedAt, second.body.receivedAt);
});

t('units found by a count or an adjustment without receivedAt are not a receipt; stock never received shows no date', async ({ s }) => {
  const before = (await s.call('GET', '/inventory/BER/A')).body.receivedAt;
  await s.call('POST', '/inventory/BER/A/adjust', { delta: 2, reason: 'found behind the shelf' });
  await s.call('PUT', '/inventory/BER/A', { onHand: 45 });
  assert.is((await s.call('GET', '/inventory/BER/A')).body.receivedAt, before);
  const counted = (await s.call('GET', '/inventory/BER/D')).body;
  assert.is(counted.onHand, 5);
  assert.not.ok('receivedAt' in counted);
});

t('a count with receivedAt sets when the counted units arrived (the WMS knows its lots)', async ({ s }) => {
  const r = await s.call('PUT', '/inventory/MUC/B', { onHand: 8, receivedAt: '2026-03-01T12:00:00+02:00' });
  assert.is(r.status, 200);
  assert.is(r.body.receivedAt, '2026-03-01T10:00:00.000Z');
});

t('receivedAt is checked: a date-time, with units added; a date ahead of the server is taken as now', async ({ s }) => {
  const bad = await s.call('POST', '/inventory/MUC/C/adjust', { delta: -1, reason: 'x', receivedAt: daysAgo(1) });
  assert.is(bad.status, 400);
  assert.equal(bad.body.error.details.map((d: { path: string }) => d.path), ['receivedAt']);
  assert.is((await s.call('PUT', '/inventory/MUC/C', { onHand: 1, receivedAt: 'yesterday' })).status, 400);
  const ahead = await s.call('POST', '/inventory/MUC/C/adjust', { delta: 3, reason: 'receipt', receivedAt: new Date(Date.now() + 30 * DAY).toISOString() });
  assert.is(ahead.status, 200);
  assert.ok(Math.abs(Date.parse(ahead.body.receivedAt) - Date.now()) <= 60_000, 'now, to the minute: units are never younger than new');
});

t('bulk rows carry receivedAt: a dated count, a dated delta; a dated removal is rejected with the field', async ({ s }) => {
  const r = await s.call('POST', '/inventory/batch', [
    { location: 'MUC', sku: 'D', onHand: 10, receivedAt: '2026-02-01T00:00:00Z' },
    { location: 'MUC', sku: 'D', delta: 10, receivedAt: '2026-02-03T00:00:00Z' },
    { location: 'MUC', sku: 'D', delta: -1, receivedAt: '2026-02-03T00:00:00Z' },
  ]);
  assert.equal([r.status, r.body.applied, r.body.rejected], [200, 2, 1]);
  assert.equal(r.body.rejectedRows.map((x: { row: number; path: string }) => [x.row, x.path]), [[3, 'receivedAt']]);
  assert.is((await s.call('GET', '/inventory/MUC/D')).body.receivedAt, '2026-02-02T00:00:00.000Z');
  const ndjson = await s.call('POST', '/inventory/batch', '{"location":"BER","sku":"C","delta":4,"receivedAt":"2026-02-05T00:00:00Z"}', { headers: { 'content-type': 'application/x-ndjson' } });
  assert.is(ndjson.body.applied, 1, 'the fast row reader knows the field');
  assert.is((await s.call('GET', '/inventory/BER/C')).body.receivedAt, '2026-02-05T00:00:00.000Z');
});

t.run();
