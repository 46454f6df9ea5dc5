import type { JetStreamClient } from '@nats-io/jetstream';
import type { JournalEntry, ReplicatedWrite, ReplicationPort } from '../../snapshots/index.js';
import { DomainError } from '../domain/errors.js';
import { encodeBatch, JOURNAL_SUBJECT } from './batch.js';

export interface ReplicatorOptions {
  js: JetStreamClient;
  node: string;
  term: number;
  /** The stream's last sequence when this leader took over (its fencing marker's). */
  lastSeq: number;
  /** How long a publish may wait for its quorum ack before the leader gives up its leadership. */
  publishTimeoutMs: number;
  /** Called once when an append was refused or timed out: this node must stop leading. */
  onLost: (reason: Error) => void;
  /**
   * Test-only negative control (FULCRUM_UNSAFE_CLUSTER_ACK=1): acknowledge after the local write alone, before
   * the quorum holds the batch. The failover checker must catch it; never set it in production.
   */
  unsafeEarlyAck?: boolean;
}

interface OpenBatch {
  entries: JournalEntry[];
  writes: ReplicatedWrite[];
  held: Promise<void>;
  resolve: () => void;
  reject: (e: Error) => void;
}

const RESOLVED = Promise.resolve();

/**
 * The leader's side of the journal stream. Everything journaled and written in one event turn becomes one
 * batch, published at the end of the turn with the stream's expected last sequence: appends are pipelined,
 * and a deposed leader's are refused by the stream itself (fencing). A batch's promise resolves on the
 * publish ack, which JetStream sends once a quorum of the stream's replicas stored it.
 */
export class Replicator implements ReplicationPort {
  private open: OpenBatch | undefined;
  private last: Promise<void> = RESOLVED;
  private expected: number;
  private lost: Error | undefined;
  /** The highest stream sequence acknowledged by a quorum. */
  ackedSeq: number;
  readonly stats = { batches: 0, entries: 0, writes: 0 };

  constructor(private readonly options: ReplicatorOptions) {
    this.expected = options.lastSeq;
    this.ackedSeq = options.lastSeq;
    this.last.catch(() => undefined);
  }

  /** Set once an append failed: nothing more is accepted. */
  get failure(): Error | undefined {
    return this.lost;
  }

  entry(entry: JournalEntry): Promise<void> {
    const batch = this.batch();
    batch.entries.push(entry);
    return this.options.unsafeEarlyAck ? RESOLVED : batch.held;
  }

  current(): Promise<void> {
    if (this.options.unsafeEarlyAck) return RESOLVED;
    return this.open?.held ?? this.last;
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
    const batch: OpenBatch = { entries: [], writes: [], held, resolve, reject };
    this.open = batch;
    this.last = held;
    // The end of the turn: lmdb-js commits the turn's writes as one transaction, and this is its twin.
    setImmediate(() => this.publish(batch));
    return batch;
  }

  private publish(batch: OpenBatch): void {
    if (this.open === batch) this.open = undefined;
    if (this.lost) return batch.reject(unavailable(this.lost));
    const expect = this.expected++;
    this.stats.batches++;
    this.stats.entries += batch.entries.length;
    this.stats.writes += batch.writes.length;
    const data = encodeBatch({ term: this.options.term, node: this.options.node, entries: batch.entries, writes: batch.writes });
    this.options.js.publish(JOURNAL_SUBJECT, data, { expect: { lastSequence: expect }, timeout: this.options.publishTimeoutMs }).then(
      (ack) => {
        if (ack.seq !== expect + 1) return this.fail(batch, new Error(`the stream stored batch at ${ack.seq}, expected ${expect + 1}`));
        this.ackedSeq = Math.max(this.ackedSeq, ack.seq);
        batch.resolve();
      },
      (e: unknown) => this.fail(batch, e instanceof Error ? e : new Error(String(e))),
    );
  }

  private fail(batch: OpenBatch, e: Error): void {
    batch.reject(unavailable(e));
    if (this.lost) return;
    this.lost = e;
    this.options.onLost(e);
  }
}

function unavailable(cause: Error): DomainError {
  return new DomainError('unavailable', `the cluster did not confirm this write (${cause.message}); it was not acknowledged: retry with the same Idempotency-Key`);
}
