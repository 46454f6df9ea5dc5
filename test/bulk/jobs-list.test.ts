import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BulkJobs } from '../../src/bulk/index.js';
import { openFulcrum } from '../../src/fulcrum/index.js';
import { inventoryBatch } from '../../src/stock/index.js';
import { tempDataDir } from '../helpers/tmp.js';

test('a job is listed from the moment it starts, before its first record is committed', async () => {
  const { dir, cleanup } = tempDataDir();
  const run = openFulcrum({ dataDir: dir, onFatal: (e) => { throw e; } });
  const jobs = new BulkJobs(run.fulcrum, { maxBatchBytes: 1024 ** 2 });
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  try {
    // A body that has not finished arriving: the job stays running until it is released.
    async function* body(): AsyncIterable<Uint8Array> {
      await held;
    }
    const { job } = jobs.start(inventoryBatch(run.fulcrum), { format: 'ndjson', body: body() });
    assert.equal(jobs.list(10).map((j) => j.id), [job.id], 'listed synchronously, with nothing committed yet');
    assert.is(jobs.list(10)[0]!.status, 'running');
  } finally {
    release();
    await jobs.close();
    await run.close();
    cleanup();
  }
});

test.run();
