import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { Packr } from 'msgpackr';
import { PackedValue, PACKED_DATABASES, type JournalEntry, type ReplicatedWrite } from '../../snapshots/index.js';

/** The stream and subjects a cluster journals to, and its lease bucket. */
export const JOURNAL_STREAM = 'FULCRUM_JOURNAL';
export const JOURNAL_SUBJECT = 'fulcrum.journal';
export const LEASE_BUCKET = 'fulcrum-leader';
export const LEASE_KEY = 'leader';

/**
 * The batch format this build writes; readers refuse newer ones. 1: entries and writes in the message;
 * 2: a large batch's entries and writes deflated into `z` (a build that reads only 1 refuses it, naming the version);
 * 3: each entry, and each put to a plain database, as the bytes the stores keep (`PackedValue`): the leader
 * encodes them once for its LMDB and the stream, a follower stores them without encoding them again; the
 * body is in `b`, or deflated in `z`.
 */
const BATCH_VERSION = 3;
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
  /** Version 3: each entry's bytes as the journal stores them (in `entries`' order). */
  packedEntries?: Uint8Array[];
  /** A put to a plain database may carry its value as the stored bytes (`PackedValue`). */
  writes: ReplicatedWrite[];
}

/** What a leader appends: entries as objects or already packed (`Journal.append` packs them once). */
export interface OutgoingBatch {
  term: number;
  node: string;
  entries: Array<JournalEntry | Uint8Array>;
  writes: ReplicatedWrite[];
}

/** A put whose value is stored bytes travels as `[db, key, bytes, PACKED]`. */
const PACKED = 1;

// Plain MessagePack, as the LMDB journal stores entries: what decodes there decodes here.
const packr = new Packr({ useRecords: false });

/**
 * The message id of the batch a leader appends at a stream sequence: unique per leadership (the term is the
 * lease revision), so the next append can name it as the stream's expected last message.
 */
export function batchId(node: string, term: number, seq: number): string {
  return `${node}:${term}:${seq}`;
}

/** Encodes a batch for the stream (version 3). */
export function encodeBatch(batch: OutgoingBatch): Uint8Array {
  const entries = batch.entries.map((e) => (e instanceof Uint8Array ? e : packr.pack(e)));
  const writes = batch.writes.map((w) => (w.length > 2 && w[2] instanceof PackedValue ? [w[0], w[1], w[2].bytes, PACKED] : w));
  const body = packr.pack([entries, writes]);
  if (body.length < DEFLATE_FROM_BYTES) return packr.pack({ v: BATCH_VERSION, term: batch.term, node: batch.node, b: body });
  // Level 1: most of the size for little of the leader's CPU.
  return packr.pack({ v: BATCH_VERSION, term: batch.term, node: batch.node, z: deflateRawSync(body, { level: 1 }) });
}

/** Decodes a batch, refusing one written by a newer build. */
export function decodeBatch(data: Uint8Array): Batch {
  const batch = packr.unpack(data) as Batch & { z?: Uint8Array; b?: Uint8Array };
  if (typeof batch?.v !== 'number' || batch.v > BATCH_VERSION) throw new Error(`journal stream message has batch version ${String(batch?.v)}; this build reads up to ${BATCH_VERSION}: run a newer Fulcrum`);
  if (batch.v < 2) return batch;
  if (batch.v === 2) {
    const [entries, writes] = packr.unpack(inflateRawSync(batch.z!)) as [JournalEntry[], ReplicatedWrite[]];
    return { v: batch.v, term: batch.term, node: batch.node, entries, writes };
  }
  // The entries' and values' bytes are views of the body, kept until LMDB commits them: a copy of a body that
  // lies in the NATS client's message, a fresh buffer when inflated.
  const [packedEntries, encoded] = packr.unpack(batch.z ? inflateRawSync(batch.z) : batch.b!.slice()) as [Uint8Array[], unknown[][]];
  const writes = encoded.map((w) => {
    if (w.length < 4 || w[3] !== PACKED) return w as ReplicatedWrite;
    const db = w[0] as ReplicatedWrite[0];
    if (!PACKED_DATABASES.has(db)) throw new Error(`journal stream message carries stored bytes for database '${db}', which keeps its own encoding`);
    return [db, w[1], new PackedValue(w[2] as Uint8Array)] as ReplicatedWrite;
  });
  return { v: batch.v, term: batch.term, node: batch.node, entries: packedEntries.map((e) => packr.unpack(e) as JournalEntry), packedEntries, writes };
}
