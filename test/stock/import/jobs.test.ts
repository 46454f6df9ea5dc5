import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS, orderBody, seedHttp, startTestServer, type TestServer } from '../../helpers/server.js';
import { finished, piecesOf, upload } from './upload.js';

const LOCATIONS = Array.from({ length: 50 }, (_, i) => `L${i}`);
const SKUS = Array.from({ length: 100 }, (_, j) => `S${j}`);
const REASON = 'cycle count '.repeat(15);
const loaded = (i: number, j: number) => 1 + ((i * 7 + j * 13) % 50);
const isBad = (k: number) => k % 33 === 5;

/** 5,000 rows (~1.3 MB, over the 1 MiB answered at once), every 33rd one bad. */
function lines(): string[] {
  const out: string[] = [];
  for (let i = 0; i < LOCATIONS.length; i++) {
    for (let j = 0; j < SKUS.length; j++) {
      const k = out.length;
      out.push(JSON.stringify({ location: LOCATIONS[i], sku: SKUS[j], onHand: isBad(k) ? -1 : loaded(i, j), reason: REASON }));
    }
  }
  return out;
}

const t = suite<{ s: TestServer }>('a large POST /inventory/batch runs as a job');

t.before(async (ctx) => {
  ctx.s = await startTestServer();
  const locations = Object.fromEntries(LOCATIONS.map((l, i) => [l, [50 + i / 100, 10] as [number, number]]));
  await seedHttp(ctx.s, { locations, skus: [...SKUS, 'ORDERED'], stock: [['L0', 'ORDERED', 100]] });
});
t.after(async (ctx) => ctx.s.stop());

t('202 at once with its Location; progress while the upload runs; done with every rejected row counted', async ({ s }) => {
  const all = lines();
  const job = await upload(s.url, KEYS.admin, piecesOf(all, 20), { gapMs: 25 });
  assert.is(job.status, 202);
  assert.match(job.location ?? '', /^\/jobs\/job_[0-9a-z]+$/);
  assert.is((await s.call('GET', '/jobs')).body.items[0]?.id, job.location!.slice('/jobs/'.length), 'listed from the moment it is accepted');
  const seen: any[] = [];
  let order: any;
  while ((seen.at(-1)?.status ?? 'running') === 'running') {
    seen.push((await s.call('GET', job.location!)).body);
    // Order intake goes on between chunks: an order placed mid-load is answered while the job still runs.
    if (!order && seen.at(-1).rowsRead > 0) {
      order = await s.call('POST', '/orders', { ...orderBody('ORDERED', 1), deliverTo: { lat: 50, lon: 10, country: 'DE' } });
      seen.push((await s.call('GET', job.location!)).body);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.is(order?.status, 201);
  const during = seen.filter((v) => v.status === 'running' && v.rowsRead > 0);
  assert.ok(during.length > 0, 'progress was visible while running');
  assert.type(during[0].etaSeconds, 'number', 'an ETA from the Content-Length');
  assert.type(during[0].rate, 'number');
  assert.equal(during[0].bytesTotal, Buffer.byteLength(all.join('\n') + '\n'));

  const done = seen.at(-1);
  const bad = all.filter((_, k) => isBad(k)).length;
  assert.is(done.status, 'done');
  assert.equal([done.rowsRead, done.applied, done.rejected, done.ignored], [all.length, all.length - bad, bad, 0]);
  assert.is(done.rejectedRows.length, 100, 'the first 100 rejected rows are kept');
  assert.equal(done.rejectedRows.slice(0, 2).map((r: any) => r.row), [6, 39]);
  assert.ok(done.rejectedRows.every((r: any, n: number, rs: any[]) => n === 0 || rs[n - 1].row < r.row), 'in row order');
  assert.is(JSON.parse(await job.body).job.id, done.id, 'the 202 body carries the job');
  assert.is((await s.call('GET', '/inventory/L3/S4')).body.onHand, loaded(3, 4));
  assert.is((await s.call('GET', '/jobs')).body.items[0].id, done.id, 'listed newest first');
});

t('a chunked body that turns out small is still answered at once', async ({ s }) => {
  const r = await upload(s.url, KEYS.admin, ['{"location":"L1","sku":"S1","onHand":3}\n', '{"location":"L1","sku":"S2","onHand":4}\n'], { length: false, gapMs: 10 });
  assert.is(r.status, 200);
  assert.is(JSON.parse(await r.body).applied, 2);
});

t('a job whose JSON array breaks fails with the reason; the rows read before the break stay applied', async ({ s }) => {
  const rows = lines().map((l) => l.replace('"onHand":-1', '"onHand":2').replace('"L49"', '"L48"'));
  const body = `[${rows.join(',\n')}, {"location": `;
  const r = await upload(s.url, KEYS.admin, [body.slice(0, 600_000), body.slice(600_000)], { contentType: 'application/json' });
  assert.is(r.status, 202);
  const job = await finished(async (p) => (await s.call('GET', p)).body, r.location!);
  assert.is(job.status, 'failed');
  assert.is(job.error.type, 'invalid_request');
  assert.match(job.error.message, /not closed/);
  assert.is(job.applied, rows.length);
});

t('a client that hangs up mid-upload fails its job; the rows read before stay applied and the server goes on', async ({ s }) => {
  const all = lines().map((l) => l.replace('"onHand":-1', '"onHand":3'));
  const r = await upload(s.url, KEYS.admin, piecesOf(all, 50), { gapMs: 20 });
  assert.is(r.status, 202);
  while ((await s.call('GET', r.location!)).body.rowsRead === 0) await new Promise((res) => setTimeout(res, 10));
  r.cut();
  const job = await finished(async (p) => (await s.call('GET', p)).body, r.location!);
  assert.is(job.status, 'failed');
  assert.match(job.error.message, /the upload stopped before its end/);
  assert.ok(job.applied > 0 && job.applied === job.rowsRead && job.rowsRead < all.length, `${job.applied} of ${all.length}`);
  assert.is((await s.call('GET', '/inventory/L0/S0')).status, 200, 'the server still answers');
});

t('an unknown job is a 404', async ({ s }) => {
  const r = await s.call('GET', '/jobs/job_nope');
  assert.is(r.status, 404);
  assert.is(r.body.error.type, 'not_found');
});

t.run();
