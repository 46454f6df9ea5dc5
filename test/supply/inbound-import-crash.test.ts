import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { callChild, startChildServer, type ChildServer } from '../helpers/child-server.js';
import { tempDataDir } from '../helpers/tmp.js';
import { finished, firstDurable, piecesOf, upload } from '../stock/import/upload.js';

const KEY = 'inbound-crash-admin-key';
const ENV = { FULCRUM_API_KEYS: `${KEY}:admin` };
const SKUS = ['A', 'B', 'C'];
const EXPECTED_AT = new Date(Date.now() + 30 * 86_400_000).toISOString();

/** 12,000 purchase orders of 3 lines (~1.6 MB, a job of ~90 steps): enough steps to be cut between two. */
function lines(): string[] {
  const out: string[] = [];
  for (let p = 0; p < 12_000; p++) {
    for (const sku of SKUS) out.push(JSON.stringify({ inbound: `PO-${p}`, location: 'BER', sku, qty: 1 + (p % 5), expectedAt: EXPECTED_AT, kind: 'purchase_order' }));
  }
  return out;
}

const call = (s: ChildServer, method: string, path: string, body?: unknown) => callChild(s, KEY, method, path, body);

test('a load cut by a kill -9 keeps exactly the whole inbound it made durable; loading the file again finishes it', async () => {
  const { dir, cleanup } = tempDataDir();
  let server = await startChildServer(dir, ENV);
  try {
    await call(server, 'PUT', '/locations/BER', { name: 'BER', geo: { lat: 52.5, lon: 13.4 }, country: 'DE' });
    for (const sku of SKUS) await call(server, 'PUT', `/products/${sku}`, { name: sku });
    const all = lines();
    const r = await upload(server.url, KEY, piecesOf(all, 8), { path: '/inbound/batch' });
    assert.is(r.status, 202);
    await firstDurable((p) => call(server, 'GET', p), r.location!);
    await server.kill9();

    server = await startChildServer(dir, ENV);
    const job = await call(server, 'GET', r.location!);
    assert.is(job.status, 'interrupted');
    assert.ok(job.applied > 0 && job.applied < all.length, `cut mid-load (${job.applied} lines applied)`);
    const open = (await call(server, 'GET', '/inbound?location=BER')).items as Array<{ id: string; lines: unknown[] }>;
    assert.is(open.length * SKUS.length, job.applied, 'the inbound there are exactly the lines the job reported durable');
    assert.equal(open.filter((i) => i.lines.length !== SKUS.length).map((i) => i.id), [], 'no inbound with part of its lines');
    assert.is(job.inbound.created, open.length);

    const again = await upload(server.url, KEY, piecesOf(all, 8), { path: '/inbound/batch' });
    const done = await finished((p) => call(server, 'GET', p), again.location!, 120_000);
    assert.equal([done.status, done.applied, done.inbound.unchanged, done.inbound.created], ['done', all.length, open.length, all.length / SKUS.length - open.length]);
  } finally {
    await server.kill9();
    cleanup();
  }
});

test.run();
