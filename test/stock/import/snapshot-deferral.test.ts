import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SnapshotWriter, type SnapshotSource } from '../../../snapshots/index.js';
import { KEYS, startTestServer } from '../../helpers/server.js';
import { finished, piecesOf, upload } from './upload.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A source with nothing dirty: enough to count the writer's passes. */
function idleSource(deferred: () => boolean): SnapshotSource {
  return {
    store: {} as SnapshotSource['store'],
    journal: { truncateBefore: () => undefined, nextSeq: 1 } as unknown as SnapshotSource['journal'],
    failure: undefined,
    fail: () => undefined,
    dirty: new Set(),
    deferred,
    lowWater: () => undefined,
    keyOf: () => '',
    locationMachine: 'location',
    persistLocation: () => ({}),
    passivating: new Map(),
    release: () => undefined,
  };
}

test('timed snapshot passes wait while the source defers, but never longer than maxDeferMs in a row', async () => {
  let deferred = true;
  const writer = new SnapshotWriter(idleSource(() => deferred), { intervalMs: 10, maxDeferMs: 150 });
  writer.start();
  try {
    await sleep(80);
    assert.is(writer.stats.passes, 0, 'no pass while deferred and within the bound');
    assert.ok(writer.stats.deferred > 0, 'the skipped passes are counted');
    await sleep(200);
    assert.ok(writer.stats.passes >= 1, `a pass ran once the bound passed (${writer.stats.passes})`);
    assert.ok(writer.stats.passes <= 2, `then it waits again (${writer.stats.passes} passes in 280 ms at a 150 ms bound)`);
    deferred = false;
    const before = writer.stats.passes;
    await sleep(100);
    assert.ok(writer.stats.passes >= before + 3, `passes run every interval again (${writer.stats.passes - before} in 100 ms)`);
  } finally {
    await writer.stop();
  }
});

test('a bulk load holds snapshot passes while it runs and lets them go when it ends, done or failed', async () => {
  const s = await startTestServer({ server: { snapshotIntervalMs: 20, maxBodyBytes: 4096 } });
  try {
    const { engine } = s.server.fulcrum;
    for (const id of ['L1', 'L2']) await s.call('PUT', `/locations/${id}`, { name: id, geo: { lat: 50, lon: 10 }, country: 'DE' });
    const skus = Array.from({ length: 300 }, (_, j) => `S${j}`);
    for (const sku of skus) await s.call('PUT', `/products/${sku}`, { name: sku });
    const lines = ['L1', 'L2'].flatMap((l) => skus.map((sku, j) => JSON.stringify({ location: l, sku, onHand: j + 1 })));
    const passes = () => s.server.running.snapshotter.stats.passes;
    const deferredBefore = s.server.running.snapshotter.stats.deferred;
    const r = await upload(s.url, KEYS.admin, piecesOf(lines, 20), { gapMs: 30 });
    assert.is(r.status, 202, 'a job');
    const job = await finished(async (p) => (await s.call('GET', p)).body, r.location!);
    assert.is(job.status, 'done');
    assert.ok(s.server.running.snapshotter.stats.deferred > deferredBefore, 'passes were held during the load');
    assert.is(engine.snapshotsDeferred, false, 'released when the job ended');
    const after = passes();
    await sleep(150);
    assert.ok(passes() > after, 'passes run again after the load');
    assert.ok(await engine.store.positions.get(['L2', 'S299']), 'and the loaded positions get their snapshots');

    const broken = await upload(s.url, KEYS.admin, piecesOf(lines, 40), { gapMs: 30 });
    assert.is(broken.status, 202);
    assert.is(engine.snapshotsDeferred, true, 'held while the upload runs');
    broken.cut();
    assert.is((await finished(async (p) => (await s.call('GET', p)).body, broken.location!)).status, 'failed', 'the cut upload failed');
    assert.is(engine.snapshotsDeferred, false, 'released when the job failed');
  } finally {
    await s.stop();
  }
});

test.run();
