import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { orderBody, seedHttp, startTestServer } from '../helpers/server.js';

/** Reader slots in use in the LMDB environment (one line per reader after the header). */
function readers(list: string): number {
  return list.trim().split('\n').length - 1;
}

// Found by the long fuzz run: a listing that stopped before the end of the stored orders left its cursor
// open, each commit after it started another read transaction, and the server reached MDB_READERS_FULL.
test('listing orders page by page does not hold LMDB readers open', async () => {
  const s = await startTestServer({ server: { snapshotIntervalMs: 50 } });
  try {
    await seedHttp(s, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 10_000]] });
    // Cancelled orders are finished: once snapshotted they leave memory and are listed from the store.
    for (let i = 0; i < 20; i++) {
      const placed = await s.call('POST', '/orders', orderBody('A', 1));
      await s.call('POST', `/orders/${placed.body.id}/cancel`, { reason: 'test' });
    }
    await new Promise((r) => setTimeout(r, 300));
    const root = s.server.fulcrum.engine.store.root;
    let most = 0;
    for (let i = 0; i < 100; i++) {
      await s.call('PUT', '/inventory/BER/A', { onHand: 10_000 + i }); // a commit between listings
      const page = await s.call('GET', '/orders?limit=3');
      assert.is(page.status, 200);
      assert.ok(page.body.nextCursor, 'the page stops before the end');
      most = Math.max(most, readers(root.readerList()));
    }
    assert.ok(most <= 2, `at most 2 readers in use, saw ${most}`);
  } finally {
    await s.stop();
  }
});

test.run();
