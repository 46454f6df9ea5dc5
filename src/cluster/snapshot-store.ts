import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Objm, type ObjectStore } from '@nats-io/obj';
import { open } from 'lmdb';
import type { Store } from '../../snapshots/index.js';

/** The object store bucket holding the latest store snapshot, and the meta key of the stream sequence it covers. */
export const SNAPSHOT_BUCKET = 'fulcrum-snapshots';
const LATEST = 'latest';
export const APPLIED_KEY = 'cluster.applied';

/**
 * Store snapshots in a JetStream object store, so a new or long-lost node starts from a recent copy and
 * applies only the stream after it. A follower writes them: its store holds exactly the batches it applied
 * (a leader's may hold writes the stream has not acknowledged yet), and the sequence it applied is written in
 * the same transaction as each batch (`cluster.applied` in `meta`), so the copy (LMDB's own, compacted, taken
 * in one read transaction while the follower keeps applying) names the sequence it covers.
 */
export class SnapshotStore {
  private constructor(private readonly os: ObjectStore) {}

  static async open(nc: ConstructorParameters<typeof Objm>[0]): Promise<SnapshotStore> {
    return new SnapshotStore(await new Objm(nc).create(SNAPSHOT_BUCKET, { replicas: 3 }));
  }

  /** The stream sequence the latest snapshot covers; 0 when there is none. */
  async latestSeq(): Promise<number> {
    const info = await this.os.info(LATEST);
    return info && !info.deleted ? Number(info.metadata?.seq ?? 0) : 0;
  }

  /** Copies `store` (compacted) and uploads it; returns the sequence it covers. */
  async write(store: Store, dataDir: string): Promise<number> {
    const file = join(dataDir, `snapshot-${process.pid}.lmdb`);
    try {
      await store.root.backup(file, true);
      const seq = appliedIn(file);
      await this.os.putBlob({ name: LATEST, metadata: { seq: String(seq) } }, readFileSync(file));
      return seq;
    } finally {
      rmSync(file, { force: true });
      rmSync(`${file}-lock`, { force: true });
    }
  }

  /** Writes the latest snapshot as this node's store; returns the sequence it covers (0: none, nothing written). */
  async restore(dataDir: string): Promise<number> {
    const data = await this.os.getBlob(LATEST);
    if (!data) return 0;
    const file = join(dataDir, 'fulcrum.lmdb');
    writeFileSync(file, data);
    return appliedIn(file);
  }
}

/** The stream sequence a store file says it applied. */
function appliedIn(file: string): number {
  const root = open({ path: file, readOnly: true });
  try {
    const meta = root.openDB<unknown, string>({ name: 'meta', encoder: { useRecords: false } } as never);
    const seq = meta.get(APPLIED_KEY);
    return typeof seq === 'number' ? seq : 0;
  } finally {
    void root.close();
  }
}
