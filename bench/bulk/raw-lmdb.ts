import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { open } from 'lmdb';
import { countFor, locationId, skuId, type Grid } from './rows.js';

/** Puts per event turn: lmdb-js commits each turn's puts as one transaction. */
const BATCH = 10_000;

/**
 * The baseline: the same records (`{location, sku, onHand}`, keyed by location and SKU) put straight into
 * one LMDB environment in batches, until the last batch is flushed to disk. Returns rows per second.
 */
export async function rawLmdbRowsPerSecond(grid: Grid): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'fulcrum-bulk-raw-'));
  const root = open({ path: join(dir, 'raw.lmdb'), separateFlushed: true });
  const db = root.openDB<{ location: string; sku: string; onHand: number }, [string, string]>({ name: 'records', sharedStructuresKey: Symbol.for('raw') });
  try {
    const total = grid.locations * grid.skus;
    const started = performance.now();
    let last: Promise<boolean> | undefined;
    for (let k = 0; k < total; k++) {
      const i = Math.floor(k / grid.skus);
      const j = k % grid.skus;
      const location = locationId(i);
      const sku = skuId(j);
      last = db.put([location, sku], { location, sku, onHand: countFor(i, j) });
      if ((k + 1) % BATCH === 0) await nextTurn();
    }
    await (last as Promise<boolean> & { flushed: Promise<unknown> }).flushed;
    return total / ((performance.now() - started) / 1000);
  } finally {
    await root.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
