import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { callChild, startChildServer, type ChildServer } from '../../helpers/child-server.js';
import { tempDataDir } from '../../helpers/tmp.js';
import { finished, firstDurable, piecesOf, upload } from './upload.js';

const KEY = 'bulk-crash-admin-key-01';
const ENV = { FULCRUM_API_KEYS: `${KEY}:admin` };
const LOCATIONS = Array.from({ length: 125 }, (_, i) => `L${i}`);
const SKUS = Array.from({ length: 200 }, (_, j) => `S${j}`);
const loaded = (i: number, j: number) => 1 + ((i * 7 + j * 13) % 50);

/** 25,000 counts (~1.2 MB, a job), one per position, in location order. */
function lines(): string[] {
  const out: string[] = [];
  LOCATIONS.forEach((location, i) => SKUS.forEach((sku, j) => out.push(JSON.stringify({ location, sku, onHand: loaded(i, j) }))));
  return out;
}

const call = (s: ChildServer, method: string, path: string, body?: unknown) => callChild(s, KEY, method, path, body);

async function seed(s: ChildServer): Promise<void> {
  for (const [i, l] of LOCATIONS.entries()) await call(s, 'PUT', `/locations/${l}`, { name: l, geo: { lat: 50 + i / 1000, lon: 10 }, country: 'DE' });
  for (const sku of SKUS) await call(s, 'PUT', `/products/${sku}`, { name: sku });
}

/** Positions holding the loaded count, and any holding something else, read from the availability index. */
async function loadedPositions(s: ChildServer): Promise<{ loaded: number; wrong: string[] }> {
  const query = SKUS.map((sku) => `sku=${sku}`).join('&');
  const { items } = await call(s, 'GET', `/availability?pool=default&locations=true&${query}`);
  let count = 0;
  const wrong: string[] = [];
  for (const item of items) {
    const j = SKUS.indexOf(item.sku);
    for (const { id, ats } of item.locations) {
      if (ats === loaded(LOCATIONS.indexOf(id), j)) count++;
      else wrong.push(`${id}/${item.sku}=${ats}`);
    }
  }
  return { loaded: count, wrong };
}

test('rows a job reported done survive a kill -9 right after', async () => {
  const { dir, cleanup } = tempDataDir();
  let server = await startChildServer(dir, ENV);
  try {
    await seed(server);
    const all = lines();
    const r = await upload(server.url, KEY, piecesOf(all, 4));
    assert.is(r.status, 202);
    const job = await finished((p) => call(server, 'GET', p), r.location!);
    await server.kill9();
    assert.is(job.status, 'done');
    assert.is(job.applied, all.length);

    server = await startChildServer(dir, ENV);
    assert.equal(await loadedPositions(server), { loaded: all.length, wrong: [] });
    assert.is((await call(server, 'GET', r.location!)).status, 'done');
  } finally {
    await server.kill9();
    cleanup();
  }
});

test('a job cut by a kill -9 reports interrupted, with exactly the rows that were durable', async () => {
  const { dir, cleanup } = tempDataDir();
  let server = await startChildServer(dir, ENV);
  try {
    await seed(server);
    const all = lines();
    const r = await upload(server.url, KEY, piecesOf(all, 50), { gapMs: 30 });
    assert.is(r.status, 202);
    const shown = await firstDurable((p) => call(server, 'GET', p), r.location!);
    await server.kill9();

    server = await startChildServer(dir, ENV);
    const job = await call(server, 'GET', r.location!);
    assert.is(job.status, 'interrupted');
    assert.is(job.error.type, 'unavailable');
    assert.ok(job.applied >= shown.applied, 'a running job shows only rows already on disk');
    assert.ok(job.applied < all.length, `cut mid-load (${job.applied} applied)`);
    assert.ok(job.rowsRead >= job.applied);
    assert.equal(await loadedPositions(server), { loaded: job.applied, wrong: [] });
  } finally {
    await server.kill9();
    cleanup();
  }
});

test.run();
