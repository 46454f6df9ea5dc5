import { checkVersion, SCHEMA_VERSION, type Fact, type JournalEntry } from './records.js';
import { packPlain, storedBytes } from './replicated-writes.js';
import type { Store } from './store.js';

/** Called when a write fails: memory and disk may now disagree, so the process must stop. */
export type FatalHandler = (error: Error) => void;

/** An appended entry: its sequence and a promise that resolves once it is flushed to disk. */
export interface Appended {
  seq: number;
  durable: Promise<void>;
}

/**
 * Where a cluster's leader sends what it journals (unset in the embedded mode, which pays one property test
 * per append). Every entry appended and every replicated write issued in one event turn travel as one batch;
 * the promises resolve once a quorum of the cluster holds that batch.
 */
export interface ReplicationPort {
  /**
   * Adds an appended entry to this turn's batch (as the bytes the journal stored); resolves once the batch is
   * held by a quorum.
   */
  entry(entry: JournalEntry | Uint8Array): Promise<void>;
  /** Told of each group commit that carried entries: when its first append came, its flush, its quorum ack. */
  observeCommit?(started: number, local: Promise<void>, quorum: Promise<void>): void;
  /** The batch collecting this turn's writes (or the last one sent): resolves once a quorum holds it. */
  current(): Promise<void>;
}

/** How many old entries one truncation pass removes, so a pass never holds the thread long. */
const TRUNCATE_CHUNK = 20_000;

/**
 * The journal of facts, keyed by a gap-free sequence. Appends issued in one event turn share one LMDB
 * transaction (group commit); `durable` resolves after that transaction is flushed.
 */
export class Journal {
  private next: number;
  private readonly store: Store;
  private readonly onFatal: FatalHandler;
  private oldest: number;
  private lastCommit: Promise<boolean> | undefined;
  /** `lastCommit` on this node's disk: the appends of one commit share it (one promise and handler per commit, not per append). */
  private lastFlushedHere: Promise<void> = Promise.resolve();
  /** Transactions that carried journal entries: appends in one event turn share one (group commit). */
  commits = 0;
  /** Milliseconds from each of the last commits' first append to its flush: the floor under an acknowledgement's latency. */
  readonly flushTimes = new FlushTimes(4096);
  /** Told each commit's flush time in seconds (the `/metrics` histogram). */
  onFlushed: ((seconds: number) => void) | undefined;
  /** Set on a cluster's leader: nothing counts as durable before the cluster holds it too. */
  replication: ReplicationPort | undefined;

  constructor(store: Store, onFatal: FatalHandler) {
    this.store = store;
    this.onFatal = onFatal;
    this.next = lastSequence(store) + 1;
    this.oldest = this.next;
    for (const key of store.journal.getKeys({ limit: 1 })) this.oldest = key;
  }

  /** The sequence the next append will get. */
  get nextSeq(): number {
    return this.next;
  }

  /** Appends the facts of one command. Call only with the sequence from `nextSeq`, synchronously after. */
  append(facts: Fact[], at: number): Appended {
    const seq = this.next++;
    const entry: JournalEntry = { v: SCHEMA_VERSION, seq, at, facts };
    const { replication } = this;
    // A cluster's leader encodes the entry once, for its journal and for the stream.
    const packed = replication ? packPlain(entry) : undefined;
    const written = this.store.journal.put(seq, packed ? (storedBytes(packed) as JournalEntry) : entry);
    const newCommit = written !== this.lastCommit;
    let started = 0;
    if (newCommit) {
      started = performance.now();
      this.lastCommit = written;
      this.commits++;
      const flushed = (written as Promise<boolean> & { flushed?: Promise<unknown> }).flushed ?? written;
      flushed.then(() => {
        const ms = performance.now() - started;
        this.flushTimes.add(ms);
        this.onFlushed?.(ms / 1000);
      }, () => undefined);
      this.lastFlushedHere = this.whenFlushedHere(written);
    }
    const local = this.lastFlushedHere;
    if (!replication) return { seq, durable: local };
    const quorum = replication.entry(packed!);
    if (newCommit) replication.observeCommit?.(started, local, quorum);
    return { seq, durable: both(local, quorum) };
  }

  /**
   * Writes an entry a cluster's leader appended (a follower applying the stream); it must be the next one.
   * Returns when it is on this node's disk.
   */
  appendReplicated(entry: JournalEntry, packed?: Uint8Array): Promise<void> {
    if (entry.seq !== this.next) throw new Error(`replicated journal entry ${entry.seq} arrived where ${this.next} was expected: the stream and this node disagree`);
    this.next++;
    // `packed`: the entry's bytes as the leader's journal stored them, kept as they are.
    return this.whenFlushedHere(this.store.journal.put(entry.seq, packed ? (storedBytes(packed) as JournalEntry) : entry));
  }

  /** Resolves once `written` is on disk (and, on a cluster's leader, held by a quorum); a failed write is fatal. */
  whenFlushed(written: Promise<boolean>): Promise<void> {
    const local = this.whenFlushedHere(written);
    return this.replication ? both(local, this.replication.current()) : local;
  }

  private whenFlushedHere(written: Promise<boolean>): Promise<void> {
    const flushed = (written as Promise<boolean> & { flushed?: Promise<unknown> }).flushed ?? written;
    written.catch((e: unknown) => this.onFatal(asError(e)));
    return flushed.then(
      () => undefined,
      (e: unknown) => {
        this.onFatal(asError(e));
        throw e;
      },
    );
  }

  /** Entries with a sequence above `after`, in order. A last entry that cannot be decoded is dropped. */
  *entriesAfter(after: number): Generator<JournalEntry> {
    const keys = [...this.store.journal.getKeys({ start: after + 1 })];
    for (let i = 0; i < keys.length; i++) {
      let entry: JournalEntry | undefined;
      try {
        entry = this.store.journal.get(keys[i]!);
        checkVersion('journal', entry);
      } catch (e) {
        if (i === keys.length - 1) return; // a torn last entry: it was never acknowledged
        throw new Error(`journal entry ${keys[i]} cannot be read (${asError(e).message}); refusing to start on a damaged journal`);
      }
      if (entry) yield entry;
    }
  }

  /**
   * Removes entries below `seq` (all covered by snapshots), at most one chunk per call. Sequences are
   * gap-free, so this deletes by number without reading: entries still in the current write batch are not
   * visible to reads yet, and deletes queued after their puts land in the same or a later transaction.
   */
  truncateBefore(seq: number): void {
    const end = Math.min(seq, this.oldest + TRUNCATE_CHUNK, this.next);
    if (end <= this.oldest) return;
    for (let key = this.oldest; key < end; key++) {
      this.store.journal.remove(key).catch((e: unknown) => this.onFatal(asError(e)));
    }
    // The highest sequence must survive truncation, or a restart would reuse numbers.
    this.store.meta.put('journal.lastSeq', this.next - 1).catch((e: unknown) => this.onFatal(asError(e)));
    this.oldest = end;
  }
}

/**
 * The highest sequence ever appended to the store's journal: its last key, or what truncation recorded when
 * it removed every entry. A backup covers exactly the facts up to its copy's last sequence.
 */
export function lastSequence(store: Pick<Store, 'journal' | 'meta'>): number {
  let last = 0;
  for (const key of store.journal.getKeys({ reverse: true, limit: 1 })) last = key;
  return Math.max(last, numberOr(store.meta.get('journal.lastSeq'), 0));
}

function both(a: Promise<void>, b: Promise<void>): Promise<void> {
  return Promise.all([a, b]).then(() => undefined);
}

function numberOr(v: unknown, fallback: number): number {
  return typeof v === 'number' ? v : fallback;
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/** The last `size` durations, for percentiles read at scrape time. */
export class FlushTimes {
  private readonly times: Float64Array;
  private n = 0;

  constructor(size: number) {
    this.times = new Float64Array(size);
  }

  add(ms: number): void {
    this.times[this.n++ % this.times.length] = ms;
  }

  /** The q-quantile (0..1) of the durations kept, in milliseconds; 0 before the first. */
  quantile(q: number): number {
    const kept = this.times.slice(0, Math.min(this.n, this.times.length)).sort();
    return kept.length === 0 ? 0 : kept[Math.min(kept.length - 1, Math.floor(q * kept.length))]!;
  }
}
