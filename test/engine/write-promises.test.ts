import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openFulcrum } from '../../src/fulcrum/index.js';
import { placeOrder } from '../../src/orders/index.js';
import { seed } from '../helpers/network.js';
import { tempDataDir } from '../helpers/tmp.js';

const DEST = { lat: 52.5, lon: 13.4, country: 'DE' };

/**
 * The journal hands the appends of one commit one shared `durable` promise, and a failed write of the
 * timeline, the decision record or a snapshot reaches the engine through one handler per commit promise.
 * All are allocation cuts on the intake path (issue 17); these tests fail if the sharing reaches past one commit.
 */
test('an order is durable only once its own commit is: appends of one turn share it, later turns wait for theirs', async () => {
  const { dir, cleanup } = tempDataDir();
  const run = openFulcrum({ dataDir: dir, onFatal: (e) => { throw e; } });
  try {
    const { fulcrum } = run;
    await seed(fulcrum, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 100]] });
    for (let turn = 0; turn < 4; turn++) {
      const placed: Array<{ seq: number; durable: Promise<void> }> = [];
      for (let i = 0; i < 3; i++) {
        const seq = fulcrum.engine.journal.nextSeq;
        placed.push({ seq, durable: placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: DEST, lines: [{ sku: 'A', qty: 1 }] }, 'k').durable });
      }
      for (const { seq, durable } of placed) {
        await durable;
        assert.ok(fulcrum.engine.store.journal.get(seq), `turn ${turn}: entry ${seq} resolved durable before it was committed`);
      }
    }
  } finally {
    await run.close();
    cleanup();
  }
});

test('a failed store write is fatal, once per commit promise, and a later promise is watched again', async () => {
  const { dir, cleanup } = tempDataDir();
  const fatal: Error[] = [];
  const run = openFulcrum({ dataDir: dir, onFatal: (e) => fatal.push(e) });
  try {
    const { engine } = run.fulcrum;
    const ok = Promise.resolve(true);
    engine.failOnReject(ok);
    engine.failOnReject(ok);
    const failed = Promise.reject(new Error('disk full'));
    engine.failOnReject(failed);
    engine.failOnReject(failed);
    await new Promise((r) => setImmediate(r));
    assert.equal(fatal.map((e) => e.message), ['disk full']);
  } finally {
    await run.close();
    cleanup();
  }
});

test("a failed snapshot write is fatal, after earlier passes' writes went through", async () => {
  const { dir, cleanup } = tempDataDir();
  const fatal: Error[] = [];
  const run = openFulcrum({ dataDir: dir, onFatal: (e) => fatal.push(e) });
  try {
    const { fulcrum, snapshotter } = run;
    await seed(fulcrum, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 10]] });
    await placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: DEST, lines: [{ sku: 'A', qty: 1 }] }, 'k').durable;
    snapshotter.writeAll();
    await fulcrum.engine.store.root.flushed;
    assert.equal(fatal, []);
    await placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: DEST, lines: [{ sku: 'A', qty: 1 }] }, 'k').durable;
    // The new order's snapshot went into its own step; what the pass writes is the location's reservation.
    const dbs = [fulcrum.engine.store.actors, fulcrum.engine.store.positions] as unknown as Array<{ put: (...args: unknown[]) => Promise<boolean> }>;
    const puts = dbs.map((db) => db.put);
    for (const db of dbs) db.put = () => Promise.reject(new Error('disk full'));
    try {
      snapshotter.writeAll();
    } finally {
      dbs.forEach((db, i) => (db.put = puts[i]!));
    }
    await new Promise((r) => setImmediate(r));
    assert.equal(fatal.map((e) => e.message), ['disk full']);
  } finally {
    await run.close();
    cleanup();
  }
});

test.run();
