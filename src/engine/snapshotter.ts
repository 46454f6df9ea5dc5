import { setImmediate as yieldTurn } from 'node:timers/promises';
import { SCHEMA_VERSION, type StoredState } from '../../snapshots/index.js';
import type { Engine } from './engine.js';
import { LOCATION_MACHINE } from './machines.js';
import { ENTITY_PREFIX, type EntityEntry, type LocationEntry } from './registry.js';

export interface SnapshotterOptions {
  /** How often a pass starts (ms). */
  intervalMs?: number;
  /** How long one slice of a pass may hold the thread before yielding (ms). */
  sliceMs?: number;
}

export interface SnapshotStats {
  passes: number;
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
export class Snapshotter {
  readonly stats: SnapshotStats = { passes: 0, actorsWritten: 0, positionsWritten: 0, passivated: 0, lastPassMs: 0 };
  private readonly engine: Engine;
  private readonly intervalMs: number;
  private readonly sliceMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(engine: Engine, options: SnapshotterOptions = {}) {
    this.engine = engine;
    this.intervalMs = options.intervalMs ?? 1000;
    this.sliceMs = options.sliceMs ?? 4;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.pass(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a pass in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass over what is dirty now, in time slices. Concurrent calls share the running pass. */
  pass(): Promise<void> {
    this.running ??= this.runPass().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Writes everything dirty in one go (shutdown, tests). */
  writeAll(): void {
    for (const entry of [...this.engine.registry.dirty]) this.write(entry, Infinity);
    this.truncate();
  }

  private async runPass(): Promise<void> {
    if (this.engine.failure) return;
    const started = performance.now();
    const work = [...this.engine.registry.dirty];
    let sliceEnd = performance.now() + this.sliceMs;
    for (const entry of work) {
      while (!this.write(entry, sliceEnd)) {
        await yieldTurn();
        if (this.engine.failure) return;
        sliceEnd = performance.now() + this.sliceMs;
      }
      if (performance.now() > sliceEnd) {
        await yieldTurn();
        if (this.engine.failure) return;
        sliceEnd = performance.now() + this.sliceMs;
      }
    }
    this.truncate();
    this.stats.passes++;
    this.stats.lastPassMs = performance.now() - started;
  }

  /** Writes an actor's changes; returns false when the deadline cut a location short (call again). */
  private write(entry: LocationEntry | EntityEntry, deadline: number): boolean {
    if (entry.dirtySince === undefined) return true;
    if (entry.kind === 'location') return this.writeLocation(entry, deadline);
    this.writeEntity(entry);
    return true;
  }

  private writeLocation(entry: LocationEntry, deadline: number): boolean {
    const { store } = this.engine;
    const seq = entry.lastSeq;
    if (entry.headerDirty) {
      const persisted = entry.actor.getPersistedSnapshot() as unknown as { context: Record<string, unknown> };
      const snapshot = { ...persisted, context: { ...persisted.context, positions: null } };
      this.check(store.actors.put(`loc:${entry.id}`, { v: SCHEMA_VERSION, seq, machine: LOCATION_MACHINE, final: false, snapshot }));
      entry.headerDirty = false;
      this.stats.actorsWritten++;
    }
    const positions = entry.actor.getSnapshot().context.positions;
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

  private writeEntity(entry: EntityEntry): void {
    const { store, registry } = this.engine;
    const key = `${ENTITY_PREFIX[entry.kind]}:${entry.id}`;
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
    this.engine.passivating.set(key, { machine: entry.machine, state });
    written.then(() => this.engine.passivating.delete(key), () => undefined);
    registry.entities(entry.kind).delete(entry.id);
    this.stats.passivated++;
  }

  private clean(entry: LocationEntry | EntityEntry): true {
    if (entry.kind === 'location' && (entry.headerDirty || entry.dirtySkus.size > 0)) return true;
    entry.dirtySince = undefined;
    this.engine.registry.dirty.delete(entry);
    return true;
  }

  private truncate(): void {
    this.engine.journal.truncateBefore(this.engine.registry.lowWater() ?? this.engine.journal.nextSeq);
  }

  private check(written: Promise<boolean>): void {
    written.catch((e: unknown) => this.engine.fail(e instanceof Error ? e : new Error(String(e))));
  }
}
