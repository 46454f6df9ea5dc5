import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Objm, type ObjectInfo, type ObjectStore } from '@nats-io/obj';
import { open } from 'lmdb';
import { CLUSTER_APPLIED_KEY, type Store } from '../../snapshots/index.js';

/** The object store bucket holding the store snapshots, each named for the stream sequence it covers. */
export const SNAPSHOT_BUCKET = 'fulcrum-snapshots';
/** How many times a restore looks again when the snapshot it chose was pruned while it was being read. */
const RESTORE_ATTEMPTS = 5;

/** A snapshot in the object store: its name and the stream sequence it covers. */
export interface SnapshotRef {
  name: string;
  seq: number;
}

/**
 * Store snapshots in a JetStream object store, so a new or long-lost node starts from a recent copy and
 * applies only the stream after it. A follower writes them: its store holds exactly the batches it applied
 * (a leader's may hold writes the stream has not acknowledged yet), and the sequence it applied is written in
 * the same transaction as each batch (`cluster.applied` in `meta`), so the copy (LMDB's own, compacted, taken
 * in one read transaction while the follower keeps applying) names the sequence it covers. The last few are
 * kept (`prune`), and the journal stream is trimmed behind the oldest of them (see `trimJournal`).
 */
export class SnapshotStore {
  private constructor(private readonly os: ObjectStore) {}

  static async open(nc: ConstructorParameters<typeof Objm>[0]): Promise<SnapshotStore> {
    return new SnapshotStore(await new Objm(nc).create(SNAPSHOT_BUCKET, { replicas: 3 }));
  }

  /** The snapshots present, newest (highest sequence) first. */
  async list(): Promise<SnapshotRef[]> {
    const infos: ObjectInfo[] = await this.os.list();
    return infos
      .filter((i) => !i.deleted)
      .map((i) => ({ name: i.name, seq: Number(i.metadata?.seq ?? 0) }))
      .filter((s) => Number.isInteger(s.seq) && s.seq > 0)
      .sort((a, b) => b.seq - a.seq);
  }

  /** The stream sequence the latest snapshot covers; 0 when there is none. */
  async latestSeq(): Promise<number> {
    return (await this.list())[0]?.seq ?? 0;
  }

  /** Copies `store` (compacted) and uploads it under a name of its own; returns the sequence it covers. */
  async write(store: Store, dataDir: string): Promise<number> {
    const file = join(dataDir, `snapshot-${process.pid}.lmdb`);
    try {
      await store.root.backup(file, true);
      const seq = appliedIn(file);
      await this.os.putBlob({ name: `snapshot-${String(seq).padStart(15, '0')}`, metadata: { seq: String(seq) } }, readFileSync(file));
      return seq;
    } finally {
      rmSync(file, { force: true });
      rmSync(`${file}-lock`, { force: true });
    }
  }

  /**
   * Keeps the `keep` newest snapshots and deletes the others, and any that covers less than `before - 1`
   * (the stream no longer holds what follows it: nobody could catch up from it). Returns those kept.
   */
  async prune(keep: number, before = 0): Promise<SnapshotRef[]> {
    const all = await this.list();
    const kept = all.slice(0, keep).filter((s) => s.seq >= before - 1);
    for (const s of all) if (!kept.includes(s)) await this.os.delete(s.name);
    return kept;
  }

  /**
   * Writes the latest snapshot as this node's store; returns the sequence it covers (0: none, nothing
   * written). Only snapshots up to the stream's `lastSeq` fit it (one past it was taken of another stream,
   * one deleted and made anew); an empty stream has none, and the bucket is not read (on a cluster's first
   * start its object store is not ready to answer for seconds). A snapshot pruned between the listing and the
   * read is skipped for the next newest.
   */
  async restore(dataDir: string, lastSeq: number): Promise<number> {
    if (lastSeq === 0) return 0;
    for (let attempt = 0; attempt < RESTORE_ATTEMPTS; attempt++) {
      const latest = (await this.list()).find((s) => s.seq <= lastSeq);
      if (!latest) return 0;
      const data = await this.os.getBlob(latest.name);
      if (!data) continue;
      const file = join(dataDir, 'fulcrum.lmdb');
      writeFileSync(file, data);
      return appliedIn(file);
    }
    throw new Error(`the latest snapshot was deleted under each of ${RESTORE_ATTEMPTS} reads`);
  }
}

/** The stream sequence a store file says it applied. */
function appliedIn(file: string): number {
  const root = open({ path: file, readOnly: true });
  try {
    const meta = root.openDB<unknown, string>({ name: 'meta', encoder: { useRecords: false } } as never);
    const seq = meta.get(CLUSTER_APPLIED_KEY);
    return typeof seq === 'number' ? seq : 0;
  } finally {
    void root.close();
  }
}
