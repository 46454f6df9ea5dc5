import { createActor, type AnyMachineSnapshot } from 'xstate';
import { locationMachine, reserveDirect, touchedSkus, type LocationEmitted, type LocationEvent, type LocationInfo, type LocationSnapshot } from '../../actors/index.js';
import { canBeKey, Journal, SCHEMA_VERSION, type Fact, type JournalEntry, type StoredState, type Store } from '../../snapshots/index.js';
import type { AlertView } from '../domain/alert.js';
import type { AvailabilityChange } from '../domain/availability.js';
import { DomainError } from '../domain/errors.js';
import type { Position } from '../domain/position.js';
import type { StockSignal } from '../domain/signals.js';
import { systemClock, type Clock } from './clock.js';
import { dormantTransition } from './dormant-transition.js';
import type { Effect, EffectHandler, EffectOf, OutboxPort } from './effects.js';
import { EntityIds } from './entity-ids.js';
import { ENTITY_NEW_STATE, LOCATION_MACHINE, MachineCatalog } from './machines.js';
import { actorKey, ENTITY_PREFIX, Registry, type ActorEntry, type EntityEntry, type EntityKind, type LocationEntry } from './registry.js';
import { Step, type Committed } from './step.js';
import { TimerWheel } from './timers.js';

export interface EngineOptions {
  store: Store;
  clock?: Clock;
  /** Called when memory and disk may disagree (a failed write, a half-applied step); must stop the process. */
  onFatal?: (error: Error) => void;
  /**
   * Test-only negative control: acknowledge as soon as the step ran, before its facts are even committed.
   * The crash tests must fail with it on; never set it in production.
   */
  unsafeEarlyAck?: boolean;
}

/** Committed availability changes, signals and alerts of one step, handed to listeners after the flush. */
export interface CommittedChanges {
  seq: number;
  changes: AvailabilityChange[];
  signals: StockSignal[];
  alerts: AlertView[];
}

/** The facts workflow selection looks at. */
export interface SelectionFacts {
  channel?: string;
  deliveryType?: string;
  attributes?: Record<string, unknown>;
}

/** Chooses the machine key of the active workflow a new entity of a kind runs. */
export interface WorkflowSelector {
  select(kind: 'order' | 'fulfilment' | 'return' | 'transfer', facts: SelectionFacts): string | undefined;
}

export interface EngineCounters {
  steps: number;
  facts: number;
  stockShortSignals: number;
}

/**
 * A location actor accepted `event` inside `step`, changing the positions of `skus` (modules keep derived
 * state, such as the availability index).
 */
export type LocationListener = (step: Step, entry: LocationEntry, event: LocationEvent, skus: readonly string[]) => void;

/**
 * An entity was created (`before` undefined) or accepted an event, inside a step or on replay (`at` is the
 * step's time, or the clock's on replay). Listeners keep derived state current; they must not throw.
 */
export type EntityListener = (entry: EntityEntry, before: AnyMachineSnapshot | undefined, at: number) => void;

/**
 * An entity was created (`event` is `{type: 'entity.create'}`, `before` undefined) or accepted `event` inside
 * `step`, asking for `effects`. Called in steps only, never on replay: what listeners write joins the step's
 * transaction, so it is durable exactly when the step's facts are, and replay must not write it again.
 */
export type TransitionListener = (
  step: Step,
  entry: EntityEntry,
  event: { type: string; [k: string]: unknown },
  before: AnyMachineSnapshot | undefined,
  effects: readonly Effect[],
) => void;

const RESOLVED = Promise.resolve();

/**
 * Whether this engine may decide anything now. Unset in the embedded mode; in a cluster, a follower's gate is
 * shut (it applies the leader's facts instead) and a leader's shuts the moment it cannot be sure of its lease.
 */
export interface WriteGate {
  readonly open: boolean;
  /** The error a refused command gets (a DomainError the edge turns into 503 with Retry-After). */
  refusal(): Error;
}

/** The event transition listeners see for an entity's creation. */
const CREATED = Object.freeze({ type: 'entity.create' });

/**
 * The engine: the one writer. It holds every live actor, runs each command synchronously as a `Step`,
 * records every applied event as a fact, and hands back a promise for the moment those facts are durable.
 * It knows no domain: modules (stock, holds, orders, alerts, ...) register listeners, effect handlers and
 * recovery steps with it, and keep their own state.
 */
export class Engine {
  readonly store: Store;
  readonly clock: Clock;
  readonly registry = new Registry();
  readonly machines = new MachineCatalog();
  readonly ids = new EntityIds();
  /** Chooses the workflow (machine key) a new entity runs; set when the workflow module is loaded. */
  workflows: WorkflowSelector | undefined;
  readonly journal: Journal;
  readonly counters: EngineCounters = { steps: 0, facts: 0, stockShortSignals: 0 };
  /** Finished entities (by actor key) whose final snapshot is written but maybe not yet readable from the store. */
  readonly passivating = new Map<string, { machine: string; state: StoredState }>();
  /** Bulk loads running now: while any runs, snapshot passes wait (see `deferSnapshots`). */
  #snapshotDeferrals = 0;
  readonly timers = new TimerWheel();
  /** Where webhook effects go; set by the server (tests may leave it unset: webhooks are then dropped). */
  outbox: OutboxPort | undefined;
  /** Set in cluster mode: commands run only while it is open. */
  gate: WriteGate | undefined;

  private current: Step | undefined;
  private readonly effects: Array<{ from: EntityEntry; effect: Effect }> = [];
  private readonly effectHandlers = new Map<string, EffectHandler<Effect['type']>>();
  private readonly locationListeners: LocationListener[] = [];
  private readonly entityListeners: EntityListener[] = [];
  private readonly stepEndListeners: Array<(step: Step) => void> = [];
  private readonly transitionListeners: TransitionListener[] = [];
  private readonly committingListeners: Array<(step: Step) => void> = [];
  private readonly recoveredListeners: Array<() => void> = [];
  private timerHandle: NodeJS.Timeout | undefined;
  private timerAt: number | undefined;
  private readonly listeners = new Set<(c: CommittedChanges) => void>();
  private readonly onFatal: (error: Error) => void;
  private readonly unsafeEarlyAck: boolean;
  private failed: Error | undefined;

  constructor(options: EngineOptions) {
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.unsafeEarlyAck = options.unsafeEarlyAck ?? false;
    this.onFatal = (e) => {
      if (this.failed) return;
      this.failed = e;
      (options.onFatal ?? defaultFatal)(e);
    };
    this.journal = new Journal(this.store, this.onFatal);
    this.handleEffect('webhook', (step, from, effect) => {
      if (!this.outbox) return;
      step.outbound++;
      this.outbox.enqueue({ id: `${step.seq}.${step.outbound}`, type: effect.event, subject: `${from.kind}/${from.id}`, time: step.iso, data: effect.data });
    });
    this.handleEffect('entity.notify', (step, _from, effect) => {
      const kind = effect.kind as EntityKind;
      const target = ENTITY_PREFIX[kind] ? this.registry.entities(kind).get(effect.id) : undefined;
      if (target) this.send(step, target, { ...effect.event, at: step.iso });
    });
  }

  /** Registers the module that carries out one kind of effect (one handler per kind). */
  handleEffect<T extends Effect['type']>(type: T, handler: EffectHandler<T>): void {
    if (this.effectHandlers.has(type)) throw new Error(`effect '${type}' already has a handler`);
    this.effectHandlers.set(type, handler as unknown as EffectHandler<Effect['type']>);
  }

  /** Listens for events location actors accept inside steps. */
  onLocationChanged(listener: LocationListener): void {
    this.locationListeners.push(listener);
  }

  /** Listens for entities created or changed, in steps and on replay. */
  onEntityChanged(listener: EntityListener): void {
    this.entityListeners.push(listener);
  }

  /** Runs at the end of every step that ran without error, still inside it (it may change actors). */
  onStepEnd(listener: (step: Step) => void): void {
    this.stepEndListeners.push(listener);
  }

  /** Listens for entity transitions inside steps (not on replay), with the effects each asked for. */
  onEntityTransition(listener: TransitionListener): void {
    this.transitionListeners.push(listener);
  }

  /**
   * Runs after a step that changed something, once every step-end listener ran, just before its facts are
   * appended: writes issued here share the step's LMDB transaction. It must not change actors.
   */
  onStepCommitting(listener: (step: Step) => void): void {
    this.committingListeners.push(listener);
  }

  /** Runs once recovery restored the actors and replayed the journal: load configuration, rebuild derived state. */
  onRecovered(listener: () => void): void {
    this.recoveredListeners.push(listener);
  }

  /** Stops the engine for good: memory and disk may disagree. Recovery restores the last durable state. */
  fail(error: Error): void {
    this.onFatal(error);
  }

  /** The write promise `failOnReject` watched last. */
  #watchedWrite: Promise<unknown> | undefined;

  /**
   * Makes a failed store write fatal, as a failed journal append is. The writes issued in one event turn
   * share lmdb-js's commit promise, so one handler per distinct promise covers them all: a handler (and
   * the promise `catch` derives) per put cost ~100 B per write on the intake path.
   */
  failOnReject(written: Promise<unknown>): void {
    if (written === this.#watchedWrite) return;
    this.#watchedWrite = written;
    written.catch((e: unknown) => this.onFatal(e instanceof Error ? e : new Error(String(e))));
  }

  /** Set when the engine is being closed: background work (allocation batches) stops starting new steps. */
  closing = false;

  /** Set once a fatal error happened; every later command is refused. */
  get failure(): Error | undefined {
    return this.failed;
  }

  /**
   * Runs one command. `fn` must validate before it changes anything: an error thrown after the first fact
   * means memory is ahead of the journal, which is fatal (a restart recovers the last durable state).
   */
  run<T>(fn: (step: Step) => T, by = 'system'): Committed<T> {
    if (this.failed) throw new DomainError('unavailable', `the engine stopped after a fatal error (${this.failed.message}); restart the server`);
    if (this.current) throw new Error('engine steps do not nest');
    if (this.gate !== undefined && !this.gate.open) throw this.gate.refusal();
    const step = new Step(this.journal.nextSeq, this.clock.now(), by);
    this.current = step;
    let value: T;
    try {
      value = fn(step);
      for (const l of this.stepEndListeners) l(step);
    } catch (e) {
      if (step.facts.length > 0) {
        const err = new Error(`a step failed after changing ${step.facts.length} actor(s): ${(e as Error).message}`);
        this.onFatal(err);
        throw err;
      }
      throw e;
    } finally {
      this.current = undefined;
      this.effects.length = 0;
    }
    if (this.timers.next() !== this.timerAt) this.armTimers();
    if (step.facts.length === 0) return { value, durable: RESOLVED };
    for (const l of this.committingListeners) l(step);
    this.counters.steps++;
    this.counters.facts += step.facts.length;
    this.counters.stockShortSignals += step.signals.length;
    if (step.created && !this.journal.replication) this.snapshotCreated(step, step.created);
    const { seq, durable } = this.journal.append(step.facts, step.at);
    if (step.outbound > 0) durable.then(() => this.outbox?.committed(), () => undefined);
    if (this.listeners.size > 0 && (step.changes.length > 0 || step.signals.length > 0 || step.alerts.length > 0)) {
      const committed: CommittedChanges = { seq, changes: step.changes, signals: step.signals, alerts: step.alerts };
      durable.then(() => this.publish(committed), () => undefined);
    }
    return { value, durable: this.unsafeEarlyAck ? RESOLVED : durable };
  }

  /**
   * Writes the snapshot of each entity the step created (and left open) in the step itself, in the event turn
   * of its journal entry (one transaction: lmdb-js commits a turn's writes together), and journals the
   * creation as `created` (no state): the state is encoded once, where the snapshot writer would have encoded
   * it again a second later. The stored snapshot covers every fact of this step for the entity (its state
   * after the whole step, sequence `step.seq`), so the entity is clean and the writer skips it. Embedded mode
   * only: a cluster's followers build their snapshots from the facts, so a leader journals the state.
   */
  private snapshotCreated(step: Step, created: Array<{ entry: EntityEntry; fact: number }>): void {
    const { facts } = step;
    for (const { entry, fact } of created) {
      const { snapshot } = entry;
      if (snapshot.status === 'done') continue; // the writer passivates it
      const key = facts[fact]!.actor;
      this.failOnReject(this.store.actors.put(key, { v: SCHEMA_VERSION, seq: step.seq, machine: entry.machine, final: false, snapshot: { value: snapshot.value, context: snapshot.context } }));
      if (!entry.listedOpen) this.failOnReject(this.store.openEntities.put(key, true));
      entry.listedOpen = true;
      facts[fact] = { actor: key, created: { machine: entry.machine } };
      entry.dirtySince = undefined;
      this.registry.dirty.delete(entry);
    }
  }

  /** Listens for availability changes and signals, delivered only after they are durable. */
  onCommitted(listener: (c: CommittedChanges) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Publishes availability changes made outside a step (a pool redefined) once `durable` resolves. */
  publishAfter(durable: Promise<void>, changes: AvailabilityChange[]): void {
    if (changes.length === 0 || this.listeners.size === 0) return;
    durable.then(() => this.publish({ seq: this.journal.nextSeq - 1, changes, signals: [], alerts: [] }), () => undefined);
  }

  /** Sends an event to an actor inside a step; returns whether the actor accepted it (and so it became a fact). */
  send(step: Step, entry: ActorEntry, event: { type: string; [k: string]: unknown }): boolean {
    if (entry.kind === 'location') {
      if (!this.deliverToLocation(entry, event as LocationEvent)) return false;
    } else {
      const before = entry.snapshot;
      const mark = this.effects.length;
      if (!this.deliver(entry, event, step.at)) return false;
      if (this.transitionListeners.length > 0) {
        const effects = this.effects.slice(mark).map((e) => e.effect);
        for (const l of this.transitionListeners) l(step, entry, event, before, effects);
      }
    }
    if (!foldCreated(step.facts, entry, event)) step.facts.push({ actor: actorKey(entry), event });
    this.registry.touch(entry, step.seq);
    if (entry.kind === 'location') {
      const skus = markDirty(entry, event as LocationEvent);
      for (const l of this.locationListeners) l(step, entry, event as LocationEvent, skus);
    } else {
      this.drainEffects(step);
    }
    return true;
  }

  /** Creates a location actor inside a step. */
  createLocation(step: Step, id: string, info: LocationInfo): LocationEntry {
    const entry = this.spawnLocation(id, locationSnapshot({ input: { id, info } }));
    step.facts.push({ actor: `loc:${id}`, create: { machine: LOCATION_MACHINE, input: { id, info } } });
    this.registry.touch(entry, step.seq);
    entry.headerDirty = true;
    return entry;
  }

  /**
   * Creates an entity inside a step, directly in the state the command decided (an order `reserved` with its
   * fulfilments, a hold `active` with its allocations): the fact records that state, so replay restores it
   * without re-deciding. The actor starts dormant.
   */
  createEntity(step: Step, kind: EntityKind, machine: string, value: string, context: { id: string }): EntityEntry {
    const entry = this.registerEntity(kind, context.id, machine, this.machines.resolve(machine, value, context));
    for (const l of this.entityListeners) l(entry, undefined, step.at);
    for (const l of this.transitionListeners) l(step, entry, CREATED, undefined, []);
    (step.created ??= []).push({ entry, fact: step.facts.length });
    step.facts.push({ actor: `${ENTITY_PREFIX[kind]}:${context.id}`, create: { machine, state: { value, context } } });
    this.registry.touch(entry, step.seq);
    this.trackTimers(entry);
    return entry;
  }

  /** Registers a location (new or rehydrated) by its machine snapshot (`locationSnapshot`). @internal */
  spawnLocation(id: string, snapshot: LocationSnapshot): LocationEntry {
    const entry: LocationEntry = { kind: 'location', id, snapshot, lastSeq: 0, headerDirty: false, dirtySkus: new Set() };
    this.registry.locations.set(id, entry);
    return entry;
  }

  /**
   * One event through a location's machine; keeps the new snapshot when the event was accepted. A
   * reservation at an active location takes `reserveDirect` (the same result without the macrostep); every
   * other event the machine's transition, as a running actor would. A short count's `stock.short` becomes a
   * signal of the running step (none on replay, as before).
   */
  private deliverToLocation(entry: LocationEntry, event: LocationEvent): boolean {
    const before = entry.snapshot;
    const after = reserveDirect(before, event) ?? (dormantTransition(locationMachine, before, event, this.onLocationEmit) as LocationSnapshot);
    if (after === before) return false;
    entry.snapshot = after;
    return true;
  }

  private readonly onLocationEmit = (e: { type: string }): void => {
    if (e.type === 'stock.short') this.current?.signals.push({ ...(e as LocationEmitted) });
  };

  /** Registers an open entity with its (dormant) snapshot. @internal */
  registerEntity(kind: EntityKind, id: string, machine: string, snapshot: AnyMachineSnapshot): EntityEntry {
    const entry: EntityEntry = { kind, id, machine, snapshot, lastSeq: 0, listedOpen: false };
    this.registry.entities(kind).set(id, entry);
    return entry;
  }

  /** Activates a dormant entity for one event; keeps the new snapshot when the event was accepted. */
  private deliver(entry: EntityEntry, event: { type: string }, at: number): boolean {
    const before = entry.snapshot;
    const after = dormantTransition(this.machines.get(entry.machine), before, event, (effect) => {
      // Effects are acted on only while a command runs; during replay their facts are already in the journal.
      if (this.current) this.effects.push({ from: entry, effect: effect as Effect });
    });
    if (after === before) return false;
    entry.snapshot = after;
    for (const l of this.entityListeners) l(entry, before, at);
    this.trackTimers(entry);
    return true;
  }

  /**
   * Applies an entry a cluster's leader journaled, on a follower: `apply` replays its facts (the recovery
   * path, never re-deciding) with `step` collecting what listeners derive; the entry is then written to this
   * node's journal and its availability changes published once on disk, as a leader's step would be. @internal
   */
  applyReplicated(entry: JournalEntry, apply: (step: Step) => void, packed?: Uint8Array): Promise<void> {
    if (this.current) throw new Error('engine steps do not nest');
    const step = new Step(entry.seq, entry.at, 'replica');
    try {
      apply(step);
    } catch (e) {
      const err = new Error(`replicated entry ${entry.seq} could not be applied: ${(e as Error).message}`);
      this.onFatal(err);
      throw err;
    }
    const durable = this.journal.appendReplicated(entry, packed);
    if (this.listeners.size > 0 && (step.changes.length > 0 || step.signals.length > 0 || step.alerts.length > 0)) {
      const committed: CommittedChanges = { seq: entry.seq, changes: step.changes, signals: step.signals, alerts: step.alerts };
      durable.then(() => this.publish(committed), () => undefined);
    }
    return durable;
  }

  /** Tells entity listeners of an entity a replicated fact created (a follower's derived state). @internal */
  replayedCreate(entry: EntityEntry, at: number): void {
    for (const l of this.entityListeners) l(entry, undefined, at);
    this.trackTimers(entry);
  }

  /**
   * Applies a journaled event during recovery (no step, no effects). With `step` (a follower applying the
   * stream), location listeners are told too, so derived state such as availability stays current. @internal
   */
  replay(entry: ActorEntry, event: { type: string; [k: string]: unknown }, seq: number, step?: Step): void {
    let accepted: boolean;
    if (entry.kind === 'location') {
      accepted = this.deliverToLocation(entry, event as LocationEvent);
    } else {
      accepted = this.deliver(entry, event, this.clock.now());
    }
    if (!accepted) {
      throw new Error(`journal fact ${seq} (${event.type}) was refused by ${actorKey(entry)} on replay: the stored state is inconsistent`);
    }
    this.registry.touch(entry, seq);
    if (entry.kind === 'location') {
      const skus = markDirty(entry, event as LocationEvent);
      if (step) for (const l of this.locationListeners) l(step, entry, event as LocationEvent, skus);
    }
  }

  /** Tells the modules that recovery is done (`recover` calls it once). @internal */
  recovered(): void {
    for (const l of this.recoveredListeners) l();
    this.armTimers();
  }

  location(id: string): LocationEntry | undefined {
    return this.registry.locations.get(id);
  }

  /** A location's configuration. */
  locationInfo(entry: LocationEntry): LocationInfo {
    return entry.snapshot.context.info;
  }

  /** A position, or undefined when the location never held the SKU. */
  position(location: string, sku: string): Position | undefined {
    return this.registry.locations.get(location)?.snapshot.context.positions.get(sku);
  }

  /**
   * Asks the snapshot writer to wait while a bulk load runs; call the returned function when it ends. The
   * journal already holds every applied row durably, so a snapshot is only what shortens a later recovery:
   * writing 1,000,000 positions while their rows are still arriving took a third of the load's thread.
   * The writer waits a bounded time (`SnapshotWriterOptions.maxDeferMs`), then writes anyway.
   */
  deferSnapshots(): () => void {
    this.#snapshotDeferrals++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#snapshotDeferrals--;
    };
  }

  /** Whether a bulk load asked snapshots to wait. */
  get snapshotsDeferred(): boolean {
    return this.#snapshotDeferrals > 0;
  }

  /** An entity's state and machine, whether open (in memory), passivating, or stored. */
  entityState(kind: EntityKind, id: string): { machine: string; state: StoredState } | undefined {
    const live = this.registry.entities(kind).get(id);
    if (live) return { machine: live.machine, state: { value: live.snapshot.value, context: live.snapshot.context } };
    const key = `${ENTITY_PREFIX[kind]}:${id}`;
    const passivating = this.passivating.get(key);
    if (passivating) return passivating;
    if (!canBeKey(key)) return undefined;
    const record = this.store.actors.get(key);
    return record && { machine: record.machine, state: record.snapshot as StoredState };
  }

  /** Fires every timer due now, in one step. Called by the wheel's alarm; tests call it after moving a clock. */
  fireDueTimers(): number {
    if (this.failed || this.current || (this.gate !== undefined && !this.gate.open)) return 0;
    const due = this.timers.takeDue(this.clock.now());
    if (due.length === 0) return 0;
    let fired = 0;
    this.run((step) => {
      for (const t of due) {
        const entry = this.registry.entities(t.kind).get(t.id);
        const timers = (entry?.snapshot.context as { timers?: Record<string, string> } | undefined)?.timers;
        if (!entry || timers?.[t.name] !== t.deadline) continue;
        if (this.send(step, entry, { type: 'timer.fired', name: t.name, at: step.iso })) fired++;
      }
    }, 'timer');
    this.armTimers();
    return fired;
  }

  /** Sets the alarm for the earliest deadline (0 ms when one is already due). */
  armTimers(): void {
    const next = this.timers.next();
    if (next === undefined || next === this.timerAt) return;
    if (this.timerHandle) clearTimeout(this.timerHandle);
    this.timerAt = next;
    // setTimeout takes at most 2^31-1 ms; a later deadline re-arms when this one fires.
    const delay = Math.min(Math.max(0, next - this.clock.now()), 2 ** 31 - 1);
    this.timerHandle = setTimeout(() => {
      this.timerHandle = undefined;
      this.timerAt = undefined;
      this.fireDueTimers();
      this.armTimers();
    }, delay);
    this.timerHandle.unref();
  }

  /** Stops the alarm (shutdown). */
  stopTimers(): void {
    if (this.timerHandle) clearTimeout(this.timerHandle);
    this.timerHandle = undefined;
    this.timerAt = undefined;
  }

  private trackTimers(entry: EntityEntry): void {
    this.timers.track(entry.kind, entry);
    if (!this.current && this.timerAt !== undefined) this.armTimers();
  }

  private drainEffects(step: Step): void {
    while (this.effects.length > 0) {
      const { from, effect } = this.effects.shift()!;
      const handler = this.effectHandlers.get(effect.type);
      if (!handler) throw new Error(`no module carries out effect '${effect.type}' (asked by ${from.kind} ${from.id})`);
      handler(step, from, effect as EffectOf<typeof effect.type>);
    }
  }

  private publish(c: CommittedChanges): void {
    for (const l of this.listeners) {
      try {
        l(c);
      } catch (e) {
        console.error('a committed-changes listener failed:', e);
      }
    }
  }
}

/** The event a workflow entity's creation sends it: from `__new` into the workflow's initial state. */
const ENTITY_CREATED = 'entity.created';

/**
 * An entity's `entity.created`, sent right after its creation in the same step (nothing journaled between),
 * goes into the journal as the state it reached: the creation fact's state becomes the snapshot's value and
 * context after the transition, and no event fact follows it. Replay (recovery, a cluster's follower) then
 * restores the entity in that state as it restores a stored snapshot, instead of running the workflow's
 * entry actions again (an order's `entity.created` was a tenth of a follower's work); what it restores is
 * the state the transition made, not a re-run of it. Called before the effects of the transition are
 * drained, so facts they add follow the creation as before. Returns whether it folded the event.
 * A journal written before this, with the event fact after a `__new` creation, replays as it did; a build
 * from before this restores the folded creation as it restores any creation with a state.
 */
function foldCreated(facts: Fact[], entry: ActorEntry, event: { type: string }): boolean {
  if (event.type !== ENTITY_CREATED || entry.kind === 'location') return false;
  const last = facts[facts.length - 1];
  if (!last || !('create' in last) || last.actor !== actorKey(entry)) return false;
  const create = last.create as { machine: string; state?: StoredState };
  if (create.state?.value !== ENTITY_NEW_STATE) return false;
  facts[facts.length - 1] = { actor: last.actor, create: { machine: create.machine, state: { value: entry.snapshot.value, context: entry.snapshot.context } } };
  return true;
}

/** What of a location the snapshot writer must write again after `event`: its header or some positions. */
function markDirty(entry: LocationEntry, event: LocationEvent): string[] {
  if (event.type === 'location.configured') entry.headerDirty = true;
  const skus = touchedSkus(event);
  for (const sku of skus) entry.dirtySkus.add(sku);
  return skus;
}

/**
 * A location's first snapshot, new (`input`) or restored (`snapshot`): what a location actor created with
 * these options would start from. Not on a hot path (creation and recovery).
 */
export function locationSnapshot(options: { input: { id: string; info: LocationInfo } } | { snapshot: unknown; input: { id: string; info: LocationInfo } }): LocationSnapshot {
  const snapshot = createActor(locationMachine, options as never).getSnapshot();
  if (snapshot.status === 'error') throw snapshot.error instanceof Error ? snapshot.error : new Error(String(snapshot.error));
  return snapshot;
}

function defaultFatal(error: Error): void {
  console.error(`FATAL: ${error.message}\nStopping so that memory and disk cannot disagree; restart to recover the last durable state.`);
  process.exit(70);
}
