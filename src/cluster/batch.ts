import { Packr } from 'msgpackr';
import type { JournalEntry, ReplicatedWrite } from '../../snapshots/index.js';

/** The stream and subjects a cluster journals to, and its lease bucket. */
export const JOURNAL_STREAM = 'FULCRUM_JOURNAL';
export const JOURNAL_SUBJECT = 'fulcrum.journal';
export const LEASE_BUCKET = 'fulcrum-leader';
export const LEASE_KEY = 'leader';

/** The batch format this build writes; readers refuse newer ones. */
const BATCH_VERSION = 1;

/**
 * One message of the journal stream: what a leader journaled and wrote in one event turn (its group commit).
 * A new leader's first message is an empty batch: appended with the expected last sequence, it fences off
 * every append its predecessor still had in flight.
 */
export interface Batch {
  v: number;
  /** The lease revision of the leader that appended it. */
  term: number;
  node: string;
  entries: JournalEntry[];
  writes: ReplicatedWrite[];
}

// Plain MessagePack, as the LMDB journal stores entries: what decodes there decodes here.
const packr = new Packr({ useRecords: false });

/** Encodes a batch for the stream. */
export function encodeBatch(batch: Omit<Batch, 'v'>): Uint8Array {
  return packr.pack({ v: BATCH_VERSION, ...batch });
}

/** Decodes a batch, refusing one written by a newer build. */
export function decodeBatch(data: Uint8Array): Batch {
  const batch = packr.unpack(data) as Batch;
  if (typeof batch?.v !== 'number' || batch.v > BATCH_VERSION) throw new Error(`journal stream message has batch version ${String(batch?.v)}; this build reads up to ${BATCH_VERSION}: run a newer Fulcrum`);
  return batch;
}
