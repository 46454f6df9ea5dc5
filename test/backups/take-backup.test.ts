import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { takeBackup } from '../../src/backups/index.js';
import type { CopySource } from '../../snapshots/index.js';
import { tempDataDir } from '../helpers/tmp.js';

/** A store whose copy fails half-way, as on a full disk: it has written part of the file. */
function failingSource(): CopySource {
  return {
    getStats: () => ({ lastPageNumber: 10, pageSize: 4096 }),
    backup: async (file: string) => {
      writeFileSync(file, Buffer.alloc(8192));
      throw new Error('MDB_DISK_FULL (simulated)');
    },
  } as unknown as CopySource;
}

test('a backup that fails leaves its target as it found it: a new directory removed, an empty one emptied', async () => {
  const { dir, cleanup } = tempDataDir('fulcrum-take-backup-');
  try {
    const fresh = join(dir, 'fresh');
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    for (const to of [fresh, empty]) {
      let error: unknown;
      try {
        await takeBackup({ source: failingSource(), dataDir: join(dir, 'data'), to, mode: 'online', offThread: false, now: Date.now });
      } catch (e) {
        error = e;
      }
      assert.match(String((error as Error)?.message), /could not copy the store.*MDB_DISK_FULL/);
    }
    assert.not.ok(existsSync(fresh), 'the directory the backup created is gone');
    assert.equal(readdirSync(empty), [], 'the empty directory it was given is empty again');
  } finally {
    cleanup();
  }
});

test.run();
