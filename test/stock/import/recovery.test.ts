import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SCHEMA_VERSION } from '../../../snapshots/index.js';
import { openFulcrum } from '../../../src/fulcrum/index.js';
import { applyStockBatch, type StockBatchRow } from '../../../src/stock/index.js';
import { seed } from '../../helpers/network.js';
import { KEYS, startTestServer } from '../../helpers/server.js';
import { tempDataDir } from '../../helpers/tmp.js';
import { piecesOf, upload } from './upload.js';

const strict = { onFatal: (e: Error) => { throw e; } };

function rows(...spec: Array<[string, number | { delta: number }]>): StockBatchRow[] {
  return spec.map(([sku, v], i) => (typeof v === 'number' ? { row: i + 1, location: 'BER', sku, onHand: v } : { row: i + 1, location: 'BER', sku, delta: v.delta }));
}

test('replay applies a bulk-load fact only to the positions no snapshot covers', async () => {
  const { dir, cleanup } = tempDataDir();
  try {
    const first = openFulcrum({ dataDir: dir, ...strict });
    const { fulcrum } = first;
    await seed(fulcrum, { locations: { BER: [52.5, 13.4] }, skus: ['A', 'B', 'C'], stock: [] });
    await applyStockBatch(fulcrum, rows(['A', 10], ['B', 10])).durable;
    first.snapshotter.writeAll();
    const seq = fulcrum.engine.journal.nextSeq;
    await applyStockBatch(fulcrum, rows(['A', { delta: 5 }], ['B', { delta: 5 }], ['C', 7])).durable;
    // A snapshot pass cut short after A: A's stored position already holds the delta, B's and C's do not.
    await fulcrum.engine.store.positions.put(['BER', 'A'], { v: SCHEMA_VERSION, seq, ...fulcrum.engine.position('BER', 'A')! });
    await first.snapshotter.stop();
    await fulcrum.engine.store.root.close();

    const second = openFulcrum({ dataDir: dir, ...strict });
    const at = (sku: string) => second.fulcrum.engine.position('BER', sku)?.sellable;
    assert.equal([at('A'), at('B'), at('C')], [15, 15, 7], 'A took its delta once');
    assert.is(second.fulcrum.stock.index.ats('default', 'B'), 15, 'the index is rebuilt from the replayed rows');
    await second.close();
  } finally {
    cleanup();
  }
});

test('a server stopped during a load ends the job interrupted, with what it made durable', async () => {
  const { dir, cleanup } = tempDataDir();
  let s = await startTestServer({ dir });
  try {
    const locations = Array.from({ length: 30 }, (_, i) => `L${i}`);
    const skus = Array.from({ length: 1000 }, (_, j) => `S${j}`);
    for (const id of locations) await s.call('PUT', `/locations/${id}`, { name: id, geo: { lat: 50, lon: 10 }, country: 'DE' });
    for (const sku of skus) await s.call('PUT', `/products/${sku}`, { name: sku });
    const lines = locations.flatMap((l) => skus.map((sku, j) => JSON.stringify({ location: l, sku, onHand: j + 1 })));
    const r = await upload(s.url, KEYS.admin, piecesOf(lines, 40), { gapMs: 25 });
    assert.is(r.status, 202);
    for (let applied = 0; applied === 0; ) {
      applied = (await s.call('GET', r.location!)).body.applied;
      await new Promise((res) => setTimeout(res, 10));
    }
    await s.stop();

    s = await startTestServer({ dir });
    const job = (await s.call('GET', r.location!)).body;
    assert.is(job.status, 'interrupted');
    assert.match(job.error.message, /server stopped/);
    assert.ok(job.applied > 0 && job.applied < lines.length, `${job.applied} of ${lines.length}`);
  } finally {
    await s.stop();
    cleanup();
  }
});

test.run();
