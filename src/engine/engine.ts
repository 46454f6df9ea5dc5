import { createActor, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import {
  locationMachine,
  touchedSkus,
  type LocationEmitted,
  type LocationEvent,
  type LocationInfo,
  type OrderContext,
  type OrderEffect,
} from '../../actors/index.js';
import { Journal, type Fact, type Store } from '../../snapshots/index.js';
import { DomainError } from '../domain/errors.js';
import type { Position } from '../domain/position.js';
import { AvailabilityIndex, Catalog, type AvailabilityChange } from '../inventory/index.js';
import { simplePlacement, type Placement } from '../sourcing/simple-placement.js';
import { systemClock, type Clock } from './clock.js';
import { LOCATION_MACHINE, MachineCatalog } from './machines.js';
import { OrderIds } from './order-ids.js';
import { orderView, type OrderView } from './order-view.js';
import { Registry, type ActorEntry, type LocationEntry, type OrderEntry } from './registry.js';
import { Step, type Committed, type Signal } from './step.js';

export interface EngineOptions {
  store: Store;
  clock?: Clock;
  placement?: Placement;
  /** Called when memory and disk may disagree (a failed write, a half-applied step); must stop the process. */
  onFatal?: (error: Error) => void;
  /**
   * Test-only negative control: acknowledge as soon as the step ran, before its facts are even committed.
   * The crash tests must fail with it on; never set it in production.
   */
  unsafeEarlyAck?: boolean;
}

/** Committed availability changes and signals of one step, handed to listeners after the flush. */
export interface CommittedChanges {
  seq: number;
  changes: AvailabilityChange[];
  signals: Signal[];
}

export interface EngineCounters {
  steps: number;
  facts: number;
  ordersPlaced: number;
  ordersRejected: number;
  stockShortSignals: number;
}

const RESOLVED = Promise.resolve();

/**
 * The engine: the one writer. It holds every live actor, runs each command synchronously as a `Step`,
 * records every applied event as a fact, and hands back a promise for the moment those facts are durable.
 */
export class Engine {
  readonly store: Store;
  readonly clock: Clock;
  readonly placement: Placement;
  readonly registry = new Registry();
  readonly index = new AvailabilityIndex();
  readonly catalog = new Catalog();
  readonly machines = new MachineCatalog();
  readonly orderIds = new OrderIds();
  readonly journal: Journal;
  readonly counters: EngineCounters = { steps: 0, facts: 0, ordersPlaced: 0, ordersRejected: 0, stockShortSignals: 0 };
  /** Finished orders whose final snapshot is written but maybe not yet readable from the store. */
  readonly passivating = new Map<string, OrderView>();

  private current: Step | undefined;
  private readonly effects: Array<{ from: OrderEntry; effect: OrderEffect }> = [];
  private readonly listeners = new Set<(c: CommittedChanges) => void>();
  private readonly onFatal: (error: Error) => void;
  private readonly unsafeEarlyAck: boolean;
  private failed: Error | undefined;

  constructor(options: EngineOptions) {
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.placement = options.placement ?? simplePlacement;
    this.unsafeEarlyAck = options.unsafeEarlyAck ?? false;
    this.onFatal = (e) => {
      if (this.failed) return;
      this.failed = e;
      (options.onFatal ?? defaultFatal)(e);
    };
    this.journal = new Journal(this.store, this.onFatal);
  }

  /** Stops the engine for good: memory and disk may disagree. Recovery restores the last durable state. */
  fail(error: Error): void {
    this.onFatal(error);
  }

  /** Set once a fatal error happened; every later command is refused. */
  get failure(): Error | undefined {
    return this.failed;
  }

  /**
   * Runs one command. `fn` must validate before it changes anything: an error thrown after the first fact
   * means memory is ahead of the journal, which is fatal (a restart recovers the last durable state).
   */
  run<T>(fn: (step: Step) => T): Committed<T> {
    if (this.failed) throw new DomainError('unavailable', `the engine stopped after a fatal error (${this.failed.message}); restart the server`);
    if (this.current) throw new Error('engine steps do not nest');
    const step = new Step(this.journal.nextSeq, this.clock.now());
    this.current = step;
    let value: T;
    try {
      value = fn(step);
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
    if (step.facts.length === 0) return { value, durable: RESOLVED };
    this.counters.steps++;
    this.counters.facts += step.facts.length;
    this.counters.stockShortSignals += step.signals.length;
    const { seq, durable } = this.journal.append(step.facts, step.at);
    if (this.listeners.size > 0 && (step.changes.length > 0 || step.signals.length > 0)) {
      const committed: CommittedChanges = { seq, changes: step.changes, signals: step.signals };
      durable.then(() => this.publish(committed), () => undefined);
    }
    return { value, durable: this.unsafeEarlyAck ? RESOLVED : durable };
  }

  /** Listens for availability changes and signals, delivered only after they are durable. */
  onCommitted(listener: (c: CommittedChanges) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Publishes availability changes made outside a step (a pool redefined) once `durable` resolves. */
  publishAfter(durable: Promise<void>, changes: AvailabilityChange[]): void {
    if (changes.length === 0 || this.listeners.size === 0) return;
    durable.then(() => this.publish({ seq: this.journal.nextSeq - 1, changes, signals: [] }), () => undefined);
  }

  /** Sends an event to an actor inside a step; returns whether the actor accepted it (and so it became a fact). */
  send(step: Step, entry: ActorEntry, event: { type: string; [k: string]: unknown }): boolean {
    if (entry.kind === 'location') {
      const before = entry.actor.getSnapshot();
      entry.actor.send(event as never);
      if (entry.actor.getSnapshot() === before) return false;
    } else if (!this.deliver(entry, event)) {
      return false;
    }
    step.facts.push({ actor: actorKey(entry), event });
    this.registry.touch(entry, step.seq);
    if (entry.kind === 'location') this.afterLocationEvent(step, entry, event as LocationEvent);
    else this.drainEffects(step);
    return true;
  }

  /** Creates a location actor inside a step. */
  createLocation(step: Step, id: string, info: LocationInfo): LocationEntry {
    const entry = this.spawnLocation(id, createActor(locationMachine, { input: { id, info } }));
    step.facts.push({ actor: `loc:${id}`, create: { machine: LOCATION_MACHINE, input: { id, info } } });
    this.registry.touch(entry, step.seq);
    entry.headerDirty = true;
    this.index.setLocation({ id, active: info.status === 'active', tags: info.tags }, step.changes);
    return entry;
  }

  /**
   * Creates an order inside a step, directly in the state intake decided (`reserved`, with its fulfilments):
   * the fact records that state, so replay restores it without re-deciding. The actor starts dormant.
   */
  createOrder(step: Step, value: string, context: OrderContext): OrderEntry {
    const machine = this.machines.defaultOrderMachine;
    const entry = this.registerOrder(context.id, machine, this.machines.get(machine).resolveState({ value, context }));
    step.facts.push({ actor: `ord:${context.id}`, create: { machine, state: { value, context } } });
    this.registry.touch(entry, step.seq);
    return entry;
  }

  /** Registers a started location actor (new or rehydrated). @internal */
  spawnLocation(id: string, actor: LocationEntry['actor']): LocationEntry {
    const entry: LocationEntry = { kind: 'location', id, actor, lastSeq: 0, headerDirty: false, dirtySkus: new Set() };
    actor.on('stock.short', (e: LocationEmitted) => this.current?.signals.push({ ...e }));
    actor.start();
    this.registry.locations.set(id, entry);
    return entry;
  }

  /** Registers an open order with its (dormant) snapshot. @internal */
  registerOrder(id: string, machine: string, snapshot: AnyMachineSnapshot): OrderEntry {
    const entry: OrderEntry = { kind: 'order', id, machine, snapshot, lastSeq: 0, listedOpen: false };
    this.registry.orders.set(id, entry);
    return entry;
  }

  /** Activates a dormant order for one event; keeps the new snapshot when the event was accepted. */
  private deliver(entry: OrderEntry, event: { type: string }): boolean {
    const actor = createActor(this.machines.get(entry.machine), { snapshot: entry.snapshot });
    // Effects are acted on only while a command runs; during replay their facts are already in the journal.
    actor.on('*', (effect: { type: string }) => {
      if (this.current) this.effects.push({ from: entry, effect: effect as OrderEffect });
    });
    actor.start();
    const before = actor.getSnapshot();
    actor.send(event);
    const after = actor.getSnapshot();
    actor.stop();
    if (after === before) return false;
    entry.snapshot = after;
    return true;
  }

  /** Applies a journaled event during recovery (no step, no effects). @internal */
  replay(entry: ActorEntry, event: { type: string; [k: string]: unknown }, seq: number): void {
    let accepted: boolean;
    if (entry.kind === 'location') {
      const before = entry.actor.getSnapshot();
      entry.actor.send(event as never);
      accepted = entry.actor.getSnapshot() !== before;
    } else {
      accepted = this.deliver(entry, event);
    }
    if (!accepted) {
      throw new Error(`journal fact ${seq} (${event.type}) was refused by ${actorKey(entry)} on replay: the stored state is inconsistent`);
    }
    this.registry.touch(entry, seq);
    if (entry.kind === 'location') {
      if (event.type === 'location.configured') entry.headerDirty = true;
      for (const sku of touchedSkus(event as LocationEvent)) entry.dirtySkus.add(sku);
    }
  }

  location(id: string): LocationEntry | undefined {
    return this.registry.locations.get(id);
  }

  /** A location's configuration. */
  locationInfo(entry: LocationEntry): LocationInfo {
    return entry.actor.getSnapshot().context.info;
  }

  /** A position, or undefined when the location never held the SKU. */
  position(location: string, sku: string): Position | undefined {
    return this.registry.locations.get(location)?.actor.getSnapshot().context.positions.get(sku);
  }

  /** An order as clients see it, live, passivated or stored. */
  order(id: string): OrderView | undefined {
    const live = this.registry.orders.get(id);
    if (live) return orderView(live.snapshot.context as OrderContext, live.snapshot.value, live.machine);
    const passivating = this.passivating.get(id);
    if (passivating) return passivating;
    const record = this.store.actors.get(`ord:${id}`);
    if (!record) return undefined;
    const s = record.snapshot as { context: OrderContext; value: unknown };
    return orderView(s.context, s.value, record.machine);
  }

  private afterLocationEvent(step: Step, entry: LocationEntry, event: LocationEvent): void {
    const ctx = entry.actor.getSnapshot().context;
    if (event.type === 'location.configured') {
      entry.headerDirty = true;
      this.index.setLocation({ id: entry.id, active: event.info.status === 'active', tags: event.info.tags }, step.changes);
      return;
    }
    for (const sku of touchedSkus(event)) {
      entry.dirtySkus.add(sku);
      this.index.update(entry.id, sku, ctx.positions.get(sku)?.sellable ?? 0, step.changes);
    }
  }

  private drainEffects(step: Step): void {
    while (this.effects.length > 0) {
      const { from, effect } = this.effects.shift()!;
      const loc = this.registry.locations.get(effect.location);
      if (!loc) throw new Error(`order ${from.id} asked to move stock at unknown location ${effect.location}`);
      const type = effect.type === 'stock.release' ? 'stock.released' : 'stock.shipped';
      if (!this.send(step, loc, { type, ref: effect.ref, lines: effect.lines } as LocationEvent)) {
        throw new Error(`location ${loc.id} refused ${type} for order ${from.id}: reservations and orders disagree`);
      }
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

/** The journal key of an actor: `loc:<id>` or `ord:<id>`. */
export function actorKey(entry: ActorEntry): string {
  return entry.kind === 'location' ? `loc:${entry.id}` : `ord:${entry.id}`;
}

export type { AnyStateMachine };

function defaultFatal(error: Error): void {
  console.error(`FATAL: ${error.message}\nStopping so that memory and disk cannot disagree; restart to recover the last durable state.`);
  process.exit(70);
}
