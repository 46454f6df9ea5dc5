import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { Packr } from 'msgpackr';
import type { JournalEntry, ReplicatedWrite } from '../../snapshots/index.js';

/** The stream and subjects a cluster journals to, and its lease bucket. */
export const JOURNAL_STREAM = 'FULCRUM_JOURNAL';
export const JOURNAL_SUBJECT = 'fulcrum.journal';
export const LEASE_BUCKET = 'fulcrum-leader';
export const LEASE_KEY = 'leader';

/**
 * The batch format this build writes; readers refuse newer ones. 1: entries and writes in the message;
 * 2: a large batch's entries and writes deflated into `z` (a build that reads only 1 refuses it, naming the version).
 */
const BATCH_VERSION = 2;
/**
 * Batches whose entries and writes pack to at least this many bytes are deflated: an order's facts and writes
 * are about 2 KB of repeated keys, and every byte is stored by three NATS servers and sent to each follower.
 */
const DEFLATE_FROM_BYTES = 4096;

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

/**
 * The message id of the batch a leader appends at a stream sequence: unique per leadership (the term is the
 * lease revision), so the next append can name it as the stream's expected last message.
 */
export function batchId(node: string, term: number, seq: number): string {
  return `${node}:${term}:${seq}`;
}

/** Encodes a batch for the stream. */
export function encodeBatch(batch: Omit<Batch, 'v'>): Uint8Array {
  const body = packr.pack([batch.entries, batch.writes]);
  if (body.length < DEFLATE_FROM_BYTES) return packr.pack({ v: 1, ...batch });
  // Level 1: most of the size for little of the leader's CPU.
  return packr.pack({ v: BATCH_VERSION, term: batch.term, node: batch.node, z: deflateRawSync(body, { level: 1 }) });
}

/** Decodes a batch, refusing one written by a newer build. */
export function decodeBatch(data: Uint8Array): Batch {
  const batch = packr.unpack(data) as Batch & { z?: Uint8Array };
  if (typeof batch?.v !== 'number' || batch.v > BATCH_VERSION) throw new Error(`journal stream message has batch version ${String(batch?.v)}; this build reads up to ${BATCH_VERSION}: run a newer Fulcrum`);
  if (batch.v < 2) return batch;
  const [entries, writes] = packr.unpack(inflateRawSync(batch.z!)) as [JournalEntry[], ReplicatedWrite[]];
  return { v: batch.v, term: batch.term, node: batch.node, entries, writes };
}
