import type { JetStreamClient } from '@nats-io/jetstream';
import type { JournalEntry, ReplicatedWrite, ReplicationPort } from '../../snapshots/index.js';
import { DomainError } from '../domain/errors.js';
import { batchId, encodeBatch, JOURNAL_SUBJECT } from './batch.js';

export interface ReplicatorOptions {
  js: JetStreamClient;
  node: string;
  term: number;
  /** The stream's last sequence when this leader took over (its fencing marker's). */
  lastSeq: number;
  /** The fencing marker's message id (`batchId`): the first append expects it as the stream's last. */
  lastMsgId: string;
  /** How long a publish may wait for its quorum ack before the leader gives up its leadership. */
  publishTimeoutMs: number;
  /** Called once when an append was refused or timed out: this node must stop leading. */
  onLost: (reason: Error) => void;
  /**
   * Test-only negative control (FULCRUM_UNSAFE_CLUSTER_ACK=1): acknowledge after the local write alone, before
   * the quorum holds the batch. The failover checker must catch it; never set it in production.
   */
  unsafeEarlyAck?: boolean;
  /**
   * How many appends may wait for their quorum ack at once (default `DEFAULT_MAX_IN_FLIGHT`). While that many
   * are out, the next turns' facts join one open batch, published when an ack frees a slot.
   */
  maxInFlight?: number;
  /** The largest message the NATS servers take (their `max_payload`); a batch is sealed well below it. */
  maxPayload?: number;
}

/** Appends in flight at once: enough to overlap a round trip with the next batch, few enough to batch. */
export const DEFAULT_MAX_IN_FLIGHT = 2;

interface OpenBatch {
  /** Entries as the journal stored them (packed), or as objects. */
  entries: Array<JournalEntry | Uint8Array>;
  writes: ReplicatedWrite[];
  held: Promise<void>;
  resolve: () => void;
  reject: (e: Error) => void;
  /** When its first fact came (performance.now()). */
  opened: number;
}

const RESOLVED = Promise.resolve();
/** A first guess at one fact's encoded size, before a batch measured it. */
const FIRST_BYTES_PER_ITEM = 1024;
/** The upper bounds (ms) of the ack-latency histogram's buckets; the last bucket is everything above. */
export const ACK_BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000];

/** What the leader's replication did since it started leading (`/health/ready`'s `cluster.replication`). */
export interface ReplicationStats {
  batches: number;
  entries: number;
  writes: number;
  bytes: number;
  /** The most appends that waited for their acks at once. */
  maxInFlight: number;
  /** Batches by the ms from their publish to the quorum's ack, in `ACK_BUCKETS_MS` buckets (and one above). */
  ackMs: number[];
  /** Batches by the ms from their first fact to their publish (waiting for a free slot), same buckets. */
  queuedMs: number[];
  /** Group commits that carried entries (`observeCommit`). */
  commits: number;
  /** Commits by the ms from their first append to the local LMDB flush, same buckets. */
  flushMs: number[];
  /** Commits by the ms from their first append to being durable (flushed here and held by a quorum), same buckets. */
  durableMs: number[];
  /** Commits whose quorum ack came after their local flush: the stream, not the disk, set when they were durable. */
  ackLast: number;
}

/**
 * The leader's side of the journal stream. What is journaled and written in one event turn joins the open
 * batch; at the end of the turn the batch is published with the stream's expected last sequence, unless
 * `maxInFlight` appends are already waiting for their acks: then it stays open, later turns join it, and it
 * is published (at the end of a turn) once an ack frees a slot. Appends are pipelined up to that window, each
 * with its own expected sequence, so a deposed leader's are refused by the stream itself (fencing); under load
 * fewer, larger messages carry the same facts. A batch's promise resolves on its publish ack, which JetStream
 * sends once a quorum of the stream's replicas stored it.
 */
export class Replicator implements ReplicationPort {
  private open: OpenBatch | undefined;
  /** Batches not yet published, oldest first (the open one last, if it waits). */
  private queue: OpenBatch[] = [];
  private inFlight = 0;
  private draining = false;
  private last: Promise<void> = RESOLVED;
  private expected: number;
  /** The message id of the append before the next one: each append expects it as the stream's last. */
  private lastId: string;
  private lost: Error | undefined;
  private bytesPerItem = FIRST_BYTES_PER_ITEM;
  private readonly maxInFlight: number;
  private readonly sealBytes: number;
  /** The highest stream sequence acknowledged by a quorum. */
  ackedSeq: number;
  readonly stats: ReplicationStats = { batches: 0, entries: 0, writes: 0, bytes: 0, maxInFlight: 0, ackMs: buckets(), queuedMs: buckets(), commits: 0, flushMs: buckets(), durableMs: buckets(), ackLast: 0 };

  constructor(private readonly options: ReplicatorOptions) {
    this.expected = options.lastSeq;
    this.lastId = options.lastMsgId;
    this.ackedSeq = options.lastSeq;
    this.maxInFlight = Math.max(1, options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
    // A quarter of the servers' limit: one more turn may join a batch after the estimate crossed it.
    this.sealBytes = Math.floor((options.maxPayload ?? 1024 * 1024) / 4);
    this.last.catch(() => undefined);
  }

  /** Set once an append failed: nothing more is accepted. */
  get failure(): Error | undefined {
    return this.lost;
  }

  entry(entry: JournalEntry | Uint8Array): Promise<void> {
    const batch = this.batch();
    batch.entries.push(entry);
    return this.options.unsafeEarlyAck ? RESOLVED : batch.held;
  }

  current(): Promise<void> {
    if (this.options.unsafeEarlyAck) return RESOLVED;
    return this.open?.held ?? this.last;
  }

  /** Where an acknowledgement's time goes: the local flush, the quorum ack, whichever came last. */
  observeCommit(started: number, local: Promise<void>, quorum: Promise<void>): void {
    const { stats } = this;
    let localAt = 0;
    let quorumAt = 0;
    const done = () => {
      if (localAt === 0 || quorumAt === 0) return;
      stats.commits++;
      stats.flushMs[bucket(localAt - started)]!++;
      stats.durableMs[bucket(Math.max(localAt, quorumAt) - started)]!++;
      if (quorumAt > localAt) stats.ackLast++;
    };
    local.then(() => {
      localAt = performance.now();
      done();
    }, () => undefined);
    quorum.then(() => {
      quorumAt = performance.now();
      done();
    }, () => undefined);
  }

  /** Adds a write of a replicated database to this turn's batch. */
  write(write: ReplicatedWrite): void {
    this.batch().writes.push(write);
  }

  private batch(): OpenBatch {
    if (this.open) return this.open;
    let resolve!: () => void;
    let reject!: (e: Error) => void;
    const held = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    held.catch(() => undefined);
    const batch: OpenBatch = { entries: [], writes: [], held, resolve, reject, opened: performance.now() };
    this.open = batch;
    this.last = held;
    this.queue.push(batch);
    this.drainAtTurnEnd();
    return batch;
  }

  /** The end of the turn: lmdb-js commits the turn's writes as one transaction, and a publish is its twin. */
  private drainAtTurnEnd(): void {
    if (this.draining) return;
    this.draining = true;
    setImmediate(() => {
      this.draining = false;
      this.drain();
    });
  }

  private drain(): void {
    while (this.queue.length > 0 && (this.inFlight < this.maxInFlight || this.lost)) {
      const batch = this.queue.shift()!;
      if (this.open === batch) this.open = undefined;
      this.publish(batch);
    }
    // Waiting for a slot: the open batch takes the next turns too, unless it is large enough already.
    const open = this.open;
    if (open && (open.entries.length + open.writes.length) * this.bytesPerItem >= this.sealBytes) this.open = undefined;
  }

  private publish(batch: OpenBatch): void {
    if (this.lost) return batch.reject(unavailable(this.lost));
    const expect = this.expected++;
    // Both checks: the sequence alone would let a pipelined append through after a new leader's marker took the
    // sequence its predecessor was refused at (the stream then has as many messages as this append expects,
    // but the last is not this leader's). The last message's id names the append this one follows.
    const expectId = this.lastId;
    const id = batchId(this.options.node, this.options.term, expect + 1);
    this.lastId = id;
    const items = batch.entries.length + batch.writes.length;
    const data = encodeBatch({ term: this.options.term, node: this.options.node, entries: batch.entries, writes: batch.writes });
    const { stats } = this;
    stats.batches++;
    stats.entries += batch.entries.length;
    stats.writes += batch.writes.length;
    stats.bytes += data.length;
    if (items > 0) this.bytesPerItem = Math.max(1, Math.ceil(data.length / items));
    const sent = performance.now();
    stats.queuedMs[bucket(sent - batch.opened)]!++;
    this.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, this.inFlight);
    this.options.js.publish(JOURNAL_SUBJECT, data, { msgID: id, expect: { lastSequence: expect, lastMsgID: expectId }, timeout: this.options.publishTimeoutMs }).then(
      (ack) => {
        this.acked(sent);
        // An earlier append failed: this leader is done, whatever became of this one; never acknowledge after.
        if (this.lost) return batch.reject(unavailable(this.lost));
        if (ack.duplicate) return this.fail(batch, new Error(`the stream took batch ${id} for a duplicate`));
        if (ack.seq !== expect + 1) return this.fail(batch, new Error(`the stream stored batch at ${ack.seq}, expected ${expect + 1}`));
        this.ackedSeq = Math.max(this.ackedSeq, ack.seq);
        batch.resolve();
      },
      (e: unknown) => {
        this.acked(sent);
        this.fail(batch, e instanceof Error ? e : new Error(String(e)));
      },
    );
  }

  private acked(sent: number): void {
    this.inFlight--;
    this.stats.ackMs[bucket(performance.now() - sent)]!++;
    if (this.queue.length > 0) this.drainAtTurnEnd();
  }

  private fail(batch: OpenBatch, e: Error): void {
    batch.reject(unavailable(e));
    if (this.lost) return;
    this.lost = e;
    this.options.onLost(e);
  }
}

function buckets(): number[] {
  return ACK_BUCKETS_MS.map(() => 0).concat(0);
}

function bucket(ms: number): number {
  const i = ACK_BUCKETS_MS.findIndex((b) => ms <= b);
  return i < 0 ? ACK_BUCKETS_MS.length : i;
}

function unavailable(cause: Error): DomainError {
  return new DomainError('unavailable', `the cluster did not confirm this write (${cause.message}); it was not acknowledged: retry with the same Idempotency-Key`);
}
