import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS, seedHttp, startTestServer, type TestServer } from '../helpers/server.js';
import { tempDataDir } from '../helpers/tmp.js';
import { finished, piecesOf, upload } from '../stock/import/upload.js';

const DAY = 86_400_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString().replace(/\.\d{3}Z$/, 'Z');
const SOON = inDays(10);
const LATER = inDays(20);
const NDJSON = { headers: { 'content-type': 'application/x-ndjson' } };
const CSV = { headers: { 'content-type': 'text/csv' } };

type Line = { inbound: string; location: string; sku: string; qty: number; expectedAt: string; kind: string; reference?: string };
const ndjson = (rows: ReadonlyArray<Record<string, unknown>>) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

/** PO-1 (two lines, at Munich) and ASN-1 (one line, at Berlin), with PO-1's rows apart in the file. */
const FILE: Line[] = [
  { inbound: 'PO-1', location: 'MUC', sku: 'A', qty: 30, expectedAt: SOON, kind: 'purchase_order', reference: 'PO 4711, rev. 2' },
  { inbound: 'ASN-1', location: 'BER', sku: 'A', qty: 5, expectedAt: LATER, kind: 'asn' },
  { inbound: 'PO-1', location: 'MUC', sku: 'B', qty: 12, expectedAt: SOON, kind: 'purchase_order' },
];

/** The same lines as CSV, columns in another order, the reference quoted because it holds a comma. */
const FILE_CSV = [
  'inbound,sku,qty,location,expectedAt,kind,reference',
  `PO-1,A,30,MUC,${SOON},purchase_order,"PO 4711, rev. 2"`,
  `ASN-1,A,5,BER,${LATER},asn,`,
  `PO-1,B,12,MUC,${SOON},purchase_order,`,
].join('\r\n');

const t = suite<{ s: TestServer }>('inbound lines load through the bulk path: POST /inbound/batch');

t.before.each(async (ctx) => {
  ctx.s = await startTestServer();
  await seedHttp(ctx.s, { locations: { BER: [52.5, 13.4], MUC: [48.1, 11.6] }, skus: ['A', 'B', 'C'], stock: [['BER', 'A', 3]] });
});
t.after.each(async (ctx) => ctx.s.stop());

/** The inbound as `GET /inbound/:id` shows them, without what every load changes (times, who). */
async function inboundState(s: TestServer, ids: string[]) {
  const out: Record<string, unknown> = {};
  for (const id of ids) {
    const { createdAt: _c, createdBy: _b, updatedAt: _u, ...rest } = (await s.call('GET', `/inbound/${id}`)).body;
    out[id] = rest;
  }
  return out;
}

const inboundOf = async (s: TestServer, sku: string) => (await s.call('GET', `/availability?sku=${sku}`)).body.items[0].inbound;

t('an NDJSON load creates each inbound from its rows, wherever they stand in the file, and availability counts them', async ({ s }) => {
  const r = await s.call('POST', '/inbound/batch', ndjson(FILE), NDJSON);
  assert.is(r.status, 200, JSON.stringify(r.body));
  assert.equal([r.body.rowsRead, r.body.applied, r.body.rejected, r.body.inbound], [3, 3, 0, { created: 2, updated: 0, unchanged: 0, rejected: 0 }]);
  const po = (await s.call('GET', '/inbound/PO-1')).body;
  assert.equal([po.location, po.kind, po.reference, po.expectedAt, po.state], ['MUC', 'purchase_order', 'PO 4711, rev. 2', SOON, 'open']);
  assert.equal(po.lines, [{ sku: 'A', qty: 30, received: 0 }, { sku: 'B', qty: 12, received: 0 }]);
  await s.call('PUT', '/inbound/PO-PUT', { location: 'MUC', lines: [{ sku: 'C', qty: 1 }], expectedAt: SOON, kind: 'asn' });
  assert.is(po.createdBy, (await s.call('GET', '/inbound/PO-PUT')).body.createdBy, 'created in the name of the key that loaded it, as a PUT is');
  assert.equal([await inboundOf(s, 'A'), await inboundOf(s, 'B')], [35, 12]);
});

t('a CSV load (a header, quoted fields, CRLF) gives the same inbound as the NDJSON one', async ({ s }) => {
  const r = await s.call('POST', '/inbound/batch', FILE_CSV, CSV);
  assert.is(r.status, 200, JSON.stringify(r.body));
  assert.equal([r.body.rowsRead, r.body.applied, r.body.inbound.created], [3, 3, 2]);
  const fromCsv = await inboundState(s, ['PO-1', 'ASN-1']);
  const other = await startTestServer();
  try {
    await seedHttp(other, { locations: { BER: [52.5, 13.4], MUC: [48.1, 11.6] }, skus: ['A', 'B', 'C'], stock: [] });
    await other.call('POST', '/inbound/batch', ndjson(FILE), NDJSON);
    assert.equal(fromCsv, await inboundState(other, ['PO-1', 'ASN-1']));
  } finally {
    await other.stop();
  }
});

t('bad rows are reported by line with their reason; their inbound changes not at all; the good inbound still load', async ({ s }) => {
  await s.call('PUT', '/inbound/PO-OLD', { location: 'MUC', lines: [{ sku: 'C', qty: 7 }], expectedAt: SOON, kind: 'asn' });
  const rows = [
    { inbound: 'PO-OK', location: 'BER', sku: 'A', qty: 1, expectedAt: SOON, kind: 'asn' }, // 1
    { inbound: 'PO-SKU', location: 'BER', sku: 'A', qty: 1, expectedAt: SOON, kind: 'asn' }, // 2: not loaded (row 3)
    { inbound: 'PO-SKU', location: 'BER', sku: 'ZZZ', qty: 1, expectedAt: SOON, kind: 'asn' }, // 3: unknown SKU
    { inbound: 'PO-LOC', location: 'NOWHERE', sku: 'A', qty: 1, expectedAt: SOON, kind: 'asn' }, // 4: unknown location
    { inbound: 'PO-QTY', location: 'BER', sku: 'A', qty: 0, expectedAt: SOON, kind: 'asn' }, // 5: qty 0
    { inbound: 'PO-QTY', location: 'BER', sku: 'B', qty: 2, expectedAt: SOON, kind: 'asn' }, // 6: not loaded (row 5)
    { inbound: 'PO-PAST', location: 'BER', sku: 'A', qty: 1, expectedAt: inDays(-1), kind: 'asn' }, // 7: a new one in the past
    { inbound: 'PO-KIND', location: 'BER', sku: 'A', qty: 1, expectedAt: SOON, kind: 'boat' }, // 8: bad kind
    { inbound: 'PO-OLD', location: 'MUC', sku: 'C', qty: 9, expectedAt: SOON, kind: 'asn' }, // 9: not loaded (row 10)
    { inbound: 'PO-OLD', location: 'BER', sku: 'A', qty: 1, expectedAt: SOON, kind: 'asn' }, // 10: disagrees on location
    { inbound: 'PO-DUP', location: 'BER', sku: 'A', qty: 1, expectedAt: SOON, kind: 'asn' }, // 11: not loaded (row 12)
    { inbound: 'PO-DUP', location: 'BER', sku: 'A', qty: 2, expectedAt: SOON, kind: 'asn' }, // 12: one line per SKU
  ];
  const r = await s.call('POST', '/inbound/batch', ndjson(rows) + 'not json\n', NDJSON);
  assert.is(r.status, 200, JSON.stringify(r.body));
  assert.equal([r.body.rowsRead, r.body.applied, r.body.rejected], [13, 1, 12]);
  assert.equal(r.body.inbound, { created: 1, updated: 0, unchanged: 0, rejected: 7 });
  const why = Object.fromEntries(r.body.rejectedRows.map((n: { row: number; path?: string; reason: string }) => [n.row, [n.path ?? null, n.reason]]));
  assert.equal(why[2], [null, 'inbound PO-SKU is not loaded: its row 3 was rejected']);
  assert.equal(why[3], ['sku', "no product 'ZZZ'"]);
  assert.equal(why[4], ['location', "no location 'NOWHERE'"]);
  assert.equal(why[5]![0], 'qty');
  assert.equal(why[6], [null, 'inbound PO-QTY is not loaded: its row 5 was rejected']);
  assert.equal(why[7]![0], 'expectedAt');
  assert.match(why[7]![1], /cannot be expected in the past/);
  assert.equal(why[8], ['kind', 'must be one of purchase_order, asn, transfer, production']);
  assert.equal(why[9], [null, 'inbound PO-OLD is not loaded: its row 10 was rejected']);
  assert.equal(why[10]![0], 'location');
  assert.match(why[10]![1], /location 'BER' differs from 'MUC' on row 9/);
  assert.equal(why[11], [null, 'inbound PO-DUP is not loaded: its row 12 was rejected']);
  assert.match(why[12]![1], /one line per SKU/);
  assert.match(why[13]![1], /not valid JSON/);
  for (const id of ['PO-SKU', 'PO-LOC', 'PO-QTY', 'PO-PAST', 'PO-KIND', 'PO-DUP']) assert.is((await s.call('GET', `/inbound/${id}`)).status, 404, id);
  assert.equal((await s.call('GET', '/inbound/PO-OLD')).body.lines, [{ sku: 'C', qty: 7, received: 0 }], 'the existing inbound is as it was');
  assert.equal((await s.call('GET', '/inbound/PO-OK')).body.lines, [{ sku: 'A', qty: 1, received: 0 }]);
});

t('loading the same file again changes nothing: every inbound is unchanged, and so is its state', async ({ s }) => {
  await s.call('POST', '/inbound/batch', ndjson(FILE), NDJSON);
  const before = await inboundState(s, ['PO-1', 'ASN-1']);
  const updatedAt = (await s.call('GET', '/inbound/PO-1')).body.updatedAt;
  const again = await s.call('POST', '/inbound/batch', FILE_CSV, CSV);
  assert.equal([again.body.applied, again.body.inbound], [3, { created: 0, updated: 0, unchanged: 2, rejected: 0 }]);
  assert.equal(await inboundState(s, ['PO-1', 'ASN-1']), before);
  assert.is((await s.call('GET', '/inbound/PO-1')).body.updatedAt, updatedAt);
  assert.is(await inboundOf(s, 'A'), 35);
});

t("a load sets an existing inbound's lines to its rows, as PUT does; a line orders wait on cannot be dropped", async ({ s }) => {
  await s.call('POST', '/inbound/batch', ndjson(FILE), NDJSON);
  const changed = FILE.filter((l) => l.inbound === 'PO-1' && l.sku === 'B').map((l) => ({ ...l, qty: 20, expectedAt: LATER }));
  const r = await s.call('POST', '/inbound/batch', ndjson(changed), NDJSON);
  assert.equal(r.body.inbound, { created: 0, updated: 1, unchanged: 0, rejected: 0 });
  const po = (await s.call('GET', '/inbound/PO-1')).body;
  assert.equal([po.lines, po.expectedAt, po.reference], [[{ sku: 'B', qty: 20, received: 0 }], LATER, 'PO 4711, rev. 2']);

  await s.call('PUT', '/supply-rules/b', { skus: ['B'], mode: 'preorder' });
  const order = await s.call('POST', '/orders', { customer: { id: 'c' }, deliverTo: { lat: 48.1, lon: 11.6, country: 'DE' }, lines: [{ sku: 'B', qty: 2 }] });
  assert.is(order.status, 201, JSON.stringify(order.body));
  const dropping = [{ ...changed[0]!, sku: 'A', qty: 1 }];
  const refused = await s.call('POST', '/inbound/batch', ndjson(dropping), NDJSON);
  assert.equal([refused.body.applied, refused.body.inbound.rejected], [0, 1]);
  assert.equal(refused.body.rejectedRows[0].path, 'inbound');
  assert.match(refused.body.rejectedRows[0].reason, /B: 2 sold against it, the line cannot be dropped/);
  assert.equal((await s.call('GET', '/inbound/PO-1')).body.lines, [{ sku: 'B', qty: 20, received: 0 }]);
});

t('a CSV header that names an unknown column, or lacks one, is a 400 that loads nothing', async ({ s }) => {
  for (const header of ['inbound,location,sku,qty,expectedAt,kind,colour', 'inbound,location,sku,expectedAt,kind']) {
    const r = await s.call('POST', '/inbound/batch', `${header}\nPO-9,BER,A,1,${SOON},asn,x\n`, CSV);
    assert.is(r.status, 400, header);
    assert.is(r.body.error.type, 'invalid_request');
    assert.match(r.body.error.message, /the CSV header \(line 1\) must name the columns of a row, inbound, location, sku, qty, expectedAt, kind, reference/);
  }
  assert.is((await s.call('GET', '/inbound/PO-9')).status, 404);
});

t('posting needs inventory:write, as PUT /inbound/:id does; NDJSON, CSV or a JSON array, another format is a 415 naming the three', async ({ s }) => {
  assert.is((await s.call('POST', '/inbound/batch', ndjson(FILE), { ...NDJSON, key: KEYS.storefront })).status, 403);
  assert.is((await s.call('POST', '/inbound/batch', ndjson(FILE), { ...NDJSON, key: KEYS.ops })).status, 200);
  const array = await s.call('POST', '/inbound/batch', FILE);
  assert.equal([array.status, array.body.inbound.unchanged], [200, 2], 'a JSON array of the rows is the third format');
  const r = await s.call('POST', '/inbound/batch', 'x', { headers: { 'content-type': 'text/plain' } });
  assert.is(r.status, 415);
  assert.equal([r.body.error.type, r.body.error.details[0].path], ['unsupported_media_type', 'content-type']);
  assert.match(r.body.error.message, /application\/x-ndjson .*, text\/csv .* or application\/json/);
});

t.run();

/** 20,000 lines: 2,000 purchase orders of 10 lines at 20 locations, ~2.6 MB of NDJSON (a job). */
const SKUS = Array.from({ length: 10 }, (_, j) => `S${j}`);
const LOCATIONS = Array.from({ length: 20 }, (_, i) => `L${i}`);
function bigFile(): string[] {
  const out: string[] = [];
  for (let p = 0; p < 2000; p++) {
    for (let j = 0; j < SKUS.length; j++) {
      out.push(JSON.stringify({ inbound: `PO-${p}`, location: LOCATIONS[p % LOCATIONS.length], sku: SKUS[j], qty: 1 + ((p + j) % 7), expectedAt: SOON, kind: 'purchase_order', reference: `ERP order ${p}` }));
    }
  }
  return out;
}

const big = suite<{ s: TestServer; dir: string; cleanup: () => void }>('a large inbound load runs as a job and survives a restart');

big.before(async (ctx) => {
  const { dir, cleanup } = tempDataDir();
  Object.assign(ctx, { dir, cleanup, s: await startTestServer({ dir }) });
  const locations = Object.fromEntries(LOCATIONS.map((l, i) => [l, [50 + i / 10, 10] as [number, number]]));
  await seedHttp(ctx.s, { locations, skus: SKUS, stock: [] });
});
big.after(async (ctx) => {
  await ctx.s.stop();
  ctx.cleanup();
});

big('20,000 lines: 202 with the job, progress to done, every inbound created, availability counts every line', async (ctx) => {
  const lines = bigFile();
  const job = await upload(ctx.s.url, KEYS.admin, piecesOf(lines, 10), { path: '/inbound/batch' });
  assert.is(job.status, 202);
  assert.match(job.location ?? '', /^\/jobs\/job_/);
  const accepted = JSON.parse(await job.body).job;
  assert.equal([accepted.kind, accepted.format], ['inbound.batch', 'ndjson']);
  const done = await finished(async (path) => (await ctx.s.call('GET', path)).body, job.location!, 120_000);
  assert.is(done.status, 'done', JSON.stringify(done.error));
  assert.equal([done.rowsRead, done.applied, done.rejected, done.inbound], [20_000, 20_000, 0, { created: 2000, updated: 0, unchanged: 0, rejected: 0 }]);
  const expected = (sku: number) => Array.from({ length: 2000 }, (_, p) => 1 + ((p + sku) % 7)).reduce((a, b) => a + b, 0);
  const avail = (await ctx.s.call('GET', `/availability?${SKUS.map((s) => `sku=${s}`).join('&')}`)).body.items;
  assert.equal(avail.map((i: { inbound: number }) => i.inbound), SKUS.map((_, j) => expected(j)));
  assert.is((await ctx.s.call('GET', '/inbound?sku=S3&location=L7')).body.items.length, 100);
});

big('after a restart every loaded inbound is there, the job still says done, and availability is the same', async (ctx) => {
  const before = (await ctx.s.call('GET', `/availability?${SKUS.map((s) => `sku=${s}`).join('&')}`)).body.items;
  const jobs = (await ctx.s.call('GET', '/jobs')).body.items;
  await ctx.s.server.close();
  ctx.s = await startTestServer({ dir: ctx.dir });
  assert.equal((await ctx.s.call('GET', `/availability?${SKUS.map((s) => `sku=${s}`).join('&')}`)).body.items, before);
  const po = (await ctx.s.call('GET', '/inbound/PO-1234')).body;
  assert.equal([po.location, po.reference, po.lines.length, po.state], ['L14', 'ERP order 1234', 10, 'open']);
  const job = (await ctx.s.call('GET', `/jobs/${jobs[0].id}`)).body;
  assert.equal([job.kind, job.status, job.applied, job.inbound.created], ['inbound.batch', 'done', 20_000, 2000]);
});

big('an upload cut off before its end loads nothing: the job fails and says so', async (ctx) => {
  const lines = bigFile().map((l) => l.replace(/"PO-(\d+)"/, '"CUT-$1"'));
  const job = await upload(ctx.s.url, KEYS.admin, piecesOf(lines, 40), { path: '/inbound/batch', gapMs: 20 });
  assert.is(job.status, 202);
  await new Promise((r) => setTimeout(r, 100));
  job.cut();
  const done = await finished(async (path) => (await ctx.s.call('GET', path)).body, job.location!);
  assert.is(done.status, 'failed');
  assert.match(done.error.message, /the upload stopped before its end; nothing was applied/);
  assert.is(done.applied, 0);
  assert.is((await ctx.s.call('GET', '/inbound?sku=S0&location=L0')).body.items.length, 100, 'only the 100 of the first load');
});

big.run();
