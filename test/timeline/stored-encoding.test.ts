import { asBinary } from 'lmdb';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeStore, openStore, packPlain, type TimelineRecord } from '../../snapshots/index.js';
import { tempDataDir } from '../helpers/tmp.js';

const record = (n: number): TimelineRecord =>
  ({
    v: 1,
    at: 1_796_490_748_094 + n,
    by: 'key_bafdae17483c',
    entries: [{ event: { type: 'order.cancelled', reason: 'soak', at: '2026-12-05T17:12:31.144Z' }, status: 'cancelled', from: 'awaiting_payment', effects: [{ type: 'stock.release', ref: `ord_${n}`, location: 'BER', lines: [{ sku: 'S137', qty: 1 }] }, { type: 'webhook', event: 'order.cancelled' }] }],
  }) as never;

test('timeline entries are stored with shared structures, smaller than plain MessagePack; entries written plain by earlier builds still read', async () => {
  const d = tempDataDir();
  let store = openStore(d.dir);
  try {
    // An entry as builds before shared structures wrote it: plain MessagePack bytes.
    await store.timeline.put('order:old/1', asBinary(packPlain(record(0))) as never);
    for (let i = 1; i <= 50; i++) await store.timeline.put(`order:o${i}/1`, record(i));
    const plainBytes = packPlain(record(50)).length;
    const stored = store.timeline.getBinary('order:o50/1')!.length;
    assert.ok(stored < plainBytes * 0.75, `stored ${stored} bytes against ${plainBytes} plain`);
    await closeStore(store);
    // After a restart both read back as written (the structures are in the store).
    store = openStore(d.dir);
    assert.equal(store.timeline.get('order:old/1'), record(0));
    assert.equal(store.timeline.get('order:o50/1'), record(50));
    assert.equal([...store.timeline.getRange({ start: 'order:o1/', end: 'order:o1/~' })].map((e) => e.value), [record(1)]);
  } finally {
    await closeStore(store);
    d.cleanup();
  }
});

test.run();
