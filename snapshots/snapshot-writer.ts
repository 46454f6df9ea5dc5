import { setImmediate as yieldTurn } from 'node:timers/promises';
import type { Journal } from './journal.js';
import { SCHEMA_VERSION, type PositionRecord, type StoredState } from './records.js';
import type { Store } from './store.js';

interface DirtyActor {
  id: string;
  /** The last journal sequence applied to this actor. */
  lastSeq: number;
  /** The first sequence not yet covered by a stored snapshot; undefined when the actor is clean. */
  dirtySince?: number;
}

/** A location actor as the writer sees it: a header, and positions written one by one. */
export interface DirtyLocation extends DirtyActor {
  kind: 'location';
  snapshot: { context: { positions: ReadonlyMap<string, Omit<PositionRecord, 'v' | 'seq'>> } };
  headerDirty: boolean;
  dirtySkus: Set<string>;
}

/** A dormant entity as the writer sees it: one snapshot, passivated once its machine is done. */
export interface DirtyEntity extends DirtyActor {
  /** The entity kind (`order`, `hold`, ...); never `location`. */
  kind: string;
  machine: string;
  snapshot: { status: string; value: unknown; context: unknown };
  listedOpen: boolean;
}

/**
 * What the writer reads and changes of the engine: the actors changed since their last snapshot, and the
 * few engine operations a pass needs. The engine adapts itself to this (`openEngine`), so storage knows
 * nothing of the engine.
 */
export interface SnapshotSource {
  readonly store: Store;
  readonly journal: Journal;
  readonly failure: Error | undefined;
  fail(error: Error): void;
  readonly dirty: Set<DirtyLocation | DirtyEntity>;
  /** True while the engine asks passes to wait (a bulk load running); at most `maxDeferMs` in a row. */
  deferred?(): boolean;
  /** The lowest sequence some live actor still needs from the journal, or undefined when all are clean. */
  lowWater(): number | undefined;
  /** The journal key of an actor (`loc:<id>`, `ord:<id>`). */
  keyOf(entry: DirtyLocation | DirtyEntity): string;
  /** The machine key stored with location headers. */
  readonly locationMachine: string;
  /** A location's snapshot as its machine persists it (the header; positions are written one by one). */
  persistLocation(entry: DirtyLocation): unknown;
  /** Finished entities whose final snapshot is written but maybe not yet readable from the store. */
  readonly passivating: Map<string, { machine: string; state: StoredState }>;
  /** Drops a finished entity from memory: its stored snapshot answers reads from now on. */
  release(entry: DirtyEntity): void;
}

export interface SnapshotWriterOptions {
  /** How often a pass starts (ms). */
  intervalMs?: number;
  /** How long one slice of a pass may hold the thread before yielding (ms). */
  sliceMs?: number;
  /** How long passes may wait in a row while the source says `deferred` (ms; default 10 intervals, at least 5 s). */
  maxDeferMs?: number;
}

export interface SnapshotStats {
  passes: number;
  /** Timed passes skipped while a bulk load asked them to wait. */
  deferred: number;
  actorsWritten: number;
  positionsWritten: number;
  passivated: number;
  lastPassMs: number;
}

/**
 * Writes the snapshots of actors that changed, each with the journal sequence it covers, then drops the
 * journal entries every snapshot covers. Work grows with what changed, not with total state: a location
 * writes only its changed positions. A pass runs in slices so order intake never waits long behind it.
 */
export class SnapshotWriter {
  readonly stats: SnapshotStats = { passes: 0, deferred: 0, actorsWritten: 0, positionsWritten: 0, passivated: 0, lastPassMs: 0 };
  private readonly source: SnapshotSource;
  private readonly intervalMs: number;
  private readonly sliceMs: number;
  private readonly maxDeferMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** When the last timed pass started, or was due and deferred for the first time. */
  private lastPassAt = performance.now();

  constructor(source: SnapshotSource, options: SnapshotWriterOptions = {}) {
    this.source = source;
    this.intervalMs = options.intervalMs ?? 1000;
    this.sliceMs = options.sliceMs ?? 4;
    this.maxDeferMs = options.maxDeferMs ?? Math.max(5_000, 10 * this.intervalMs);
  }

  start(): void {
    this.timer ??= setInterval(() => void this.timedPass(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a pass in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /**
   * The timer's pass: skipped while the source defers (a bulk load running) and the last pass is less than
   * `maxDeferMs` ago. A deferred pass loses nothing: what is dirty stays dirty, and the journal keeps what
   * no snapshot covers yet.
   */
  private timedPass(): void {
    const now = performance.now();
    if (this.source.deferred?.() && now - this.lastPassAt < this.maxDeferMs) {
      this.stats.deferred++;
      return;
    }
    this.lastPassAt = now;
    void this.pass();
  }

  /** One pass over what is dirty now, in time slices. Concurrent calls share the running pass. */
  pass(): Promise<void> {
    this.running ??= this.runPass().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Writes everything dirty in one go (shutdown, tests). */
  writeAll(): void {
    for (const entry of [...this.source.dirty]) this.write(entry, Infinity);
    this.truncate();
  }

  private async runPass(): Promise<void> {
    if (this.source.failure) return;
    const started = performance.now();
    const work = [...this.source.dirty];
    let sliceEnd = performance.now() + this.sliceMs;
    for (const entry of work) {
      while (!this.write(entry, sliceEnd)) {
        await yieldTurn();
        if (this.source.failure) return;
        sliceEnd = performance.now() + this.sliceMs;
      }
      if (performance.now() > sliceEnd) {
        await yieldTurn();
        if (this.source.failure) return;
        sliceEnd = performance.now() + this.sliceMs;
      }
    }
    this.truncate();
    this.stats.passes++;
    this.stats.lastPassMs = performance.now() - started;
  }

  /** Writes an actor's changes; returns false when the deadline cut a location short (call again). */
  private write(entry: DirtyLocation | DirtyEntity, deadline: number): boolean {
    if (entry.dirtySince === undefined) return true;
    if (isLocation(entry)) return this.writeLocation(entry, deadline);
    this.writeEntity(entry);
    return true;
  }

  private writeLocation(entry: DirtyLocation, deadline: number): boolean {
    const { store } = this.source;
    const seq = entry.lastSeq;
    if (entry.headerDirty) {
      const persisted = this.source.persistLocation(entry) as { context: Record<string, unknown> };
      const snapshot = { ...persisted, context: { ...persisted.context, positions: null } };
      this.check(store.actors.put(`loc:${entry.id}`, { v: SCHEMA_VERSION, seq, machine: this.source.locationMachine, final: false, snapshot }));
      entry.headerDirty = false;
      this.stats.actorsWritten++;
    }
    const positions = entry.snapshot.context.positions;
    let n = 0;
    for (const sku of entry.dirtySkus) {
      const p = positions.get(sku);
      if (p) this.check(store.positions.put([entry.id, sku], { v: SCHEMA_VERSION, seq, ...p }));
      entry.dirtySkus.delete(sku);
      this.stats.positionsWritten++;
      if (++n % 256 === 0 && performance.now() > deadline) return entry.dirtySkus.size === 0 && this.clean(entry);
    }
    return this.clean(entry);
  }

  private writeEntity(entry: DirtyEntity): void {
    const { store } = this.source;
    const key = this.source.keyOf(entry);
    const final = entry.snapshot.status === 'done';
    const state: StoredState = { value: entry.snapshot.value, context: entry.snapshot.context };
    const written = store.actors.put(key, { v: SCHEMA_VERSION, seq: entry.lastSeq, machine: entry.machine, final, snapshot: state });
    this.check(written);
    this.stats.actorsWritten++;
    this.clean(entry);
    if (!final) {
      if (!entry.listedOpen) this.check(store.openEntities.put(key, true));
      entry.listedOpen = true;
      return;
    }
    // Passivate: the entity is finished; its stored snapshot answers reads from now on.
    if (entry.listedOpen) this.check(store.openEntities.remove(key));
    this.source.passivating.set(key, { machine: entry.machine, state });
    written.then(() => this.source.passivating.delete(key), () => undefined);
    this.source.release(entry);
    this.stats.passivated++;
  }

  private clean(entry: DirtyLocation | DirtyEntity): true {
    if (isLocation(entry) && (entry.headerDirty || entry.dirtySkus.size > 0)) return true;
    entry.dirtySince = undefined;
    this.source.dirty.delete(entry);
    return true;
  }

  private truncate(): void {
    this.source.journal.truncateBefore(this.source.lowWater() ?? this.source.journal.nextSeq);
  }

  /** The write promise `check` watched last: a pass's puts share lmdb-js's commit promise, so one handler covers them. */
  private checked: Promise<boolean> | undefined;

  private check(written: Promise<boolean>): void {
    if (written === this.checked) return;
    this.checked = written;
    written.catch((e: unknown) => this.source.fail(e instanceof Error ? e : new Error(String(e))));
  }
}

function isLocation(entry: DirtyLocation | DirtyEntity): entry is DirtyLocation {
  return entry.kind === 'location';
}
