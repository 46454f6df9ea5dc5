import type { JetStreamManager } from '@nats-io/jetstream';
import { JOURNAL_STREAM } from './batch.js';
import type { SnapshotStore } from './snapshot-store.js';

/** What one trim did: the oldest snapshot kept, and how many stream messages went. */
export interface Trimmed {
  oldestSnapshot: number;
  purged: number;
}

/**
 * Keeps the `keep` newest snapshots and purges the journal stream up to the oldest of them, never further:
 * a node that restores any kept snapshot (a new one, or one long lost) finds the stream continuing right after
 * it. Keeping more than one leaves a node that is still downloading a snapshot when a newer one lands its
 * stream. Anyone may trim (it needs no lease): every trim point is the oldest of some listing's newest `keep`,
 * which is never past the newest snapshot, and the newest is never pruned.
 */
export async function trimJournal(jsm: JetStreamManager, snapshots: SnapshotStore, keep: number): Promise<Trimmed | undefined> {
  const first = (await jsm.streams.info(JOURNAL_STREAM)).state.first_seq;
  const kept = await snapshots.prune(keep, first);
  const oldest = kept.at(-1)?.seq;
  if (oldest === undefined || oldest + 1 <= first) return undefined;
  // `seq` is exclusive: messages before oldest + 1 go, the one that follows the snapshot stays.
  const { purged } = await jsm.streams.purge(JOURNAL_STREAM, { seq: oldest + 1 });
  return { oldestSnapshot: oldest, purged };
}
