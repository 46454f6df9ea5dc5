import type { AnyMachineSnapshot } from 'xstate';
import { touchedSkus, type LocationContext, type LocationEvent } from '../../actors/index.js';
import { checkVersion, type Fact, type JournalEntry, type PositionRecord, type StoredState } from '../../snapshots/index.js';
import { restorePosition, type Position } from '../domain/position.js';
import { locationSnapshot, type Engine } from './engine.js';
import type { Step } from './step.js';
import { SortableIds } from './entity-ids.js';
import { ENTITY_KINDS, ENTITY_PREFIX, type EntityKind } from './registry.js';

/** What start-up found and did. */
export interface RecoveryReport {
  locations: number;
  openOrders: number;
  openHolds: number;
  products: number;
  journalEntries: number;
  factsReplayed: number;
  factsSkipped: number;
  ms: number;
}

/**
 * Rebuilds memory from disk: snapshots first, then the journal tail (each fact applied only to actors or
 * positions whose snapshot does not cover it), then what the modules derive (their `onRecovered` steps:
 * configuration, the availability index, purchase counts, open alerts), then the timers.
 */
export function recover(engine: Engine): RecoveryReport {
  const started = performance.now();
  const { store } = engine;
  const report: RecoveryReport = { locations: 0, openOrders: 0, openHolds: 0, products: 0, journalEntries: 0, factsReplayed: 0, factsSkipped: 0, ms: 0 };

  // Locations: headers, then every position in one sequential scan.
  const covered: Covered = { headers: new Map(), positions: new Map(), entities: new Map() };
  const positions = new Map<string, Map<string, Position>>();
  for (const { key, value } of store.positions.getRange()) {
    checkVersion('position', value);
    const [loc, sku] = key;
    const { seq } = value as PositionRecord;
    mapOf(positions, loc).set(sku, restorePosition(value as PositionRecord));
    mapOf(covered.positions, loc).set(sku, seq);
  }
  for (const { key, value } of store.actors.getRange({ start: 'loc:', end: 'loc;' })) {
    checkVersion('location', value);
    const id = key.slice(4);
    const stored = value.snapshot as { context: LocationContext };
    const snapshot = { ...stored, context: { ...stored.context, positions: positions.get(id) ?? new Map() } };
    const entry = engine.spawnLocation(id, locationSnapshot({ snapshot, input: { id, info: stored.context.info } }));
    entry.lastSeq = value.seq;
    covered.headers.set(id, value.seq);
    report.locations++;
  }

  for (const key of store.openEntities.getKeys()) {
    const record = store.actors.get(key);
    checkVersion('entity', record);
    if (!record) throw new Error(`open entity ${key} has no stored snapshot: the data dir is damaged`);
    const [prefix, id] = splitKey(key);
    const entry = engine.registerEntity(kindOf(prefix), id, record.machine, restore(engine, record.machine, record.snapshot as StoredState));
    entry.lastSeq = record.seq;
    entry.listedOpen = true;
    covered.entities.set(key, record.seq);
  }

  for (const entry of engine.journal.entriesAfter(0)) {
    report.journalEntries++;
    for (const fact of entry.facts) {
      if (replayFact(engine, fact, entry.seq, covered)) report.factsReplayed++;
      else report.factsSkipped++;
    }
  }

  for (const kind of ENTITY_KINDS) {
    for (const entry of engine.registry.entities(kind).values()) engine.timers.track(kind, entry);
    engine.ids.floor(kind, newestTime(engine, kind));
  }
  engine.recovered();
  report.products = store.products.getCount();
  report.openOrders = engine.registry.orders.size;
  report.openHolds = engine.registry.holds.size;
  report.locations = engine.registry.locations.size;
  report.ms = Math.round(performance.now() - started);
  return report;
}

/** What applying one replicated entry found: whether it created a location (configuration followers reload). */
export interface ReplicatedApply {
  durable: Promise<void>;
  createdLocation: boolean;
}

/**
 * Applies one entry of a cluster's journal stream on a follower, through recovery's own fact replay: nothing
 * is decided again. Memory is current here (no snapshot is behind it), so no fact counts as covered. `packed`:
 * the entry's bytes from the stream, which the journal keeps as they are.
 */
export function applyReplicatedEntry(engine: Engine, entry: JournalEntry, packed?: Uint8Array): ReplicatedApply {
  const covered: Covered = { headers: new Map(), positions: new Map(), entities: new Map() };
  let createdLocation = false;
  const durable = engine.applyReplicated(entry, (step) => {
    for (const fact of entry.facts) {
      if (fact.actor.startsWith('loc:') && 'create' in fact) createdLocation = true;
      replayFact(engine, fact, entry.seq, covered, step);
    }
  }, packed);
  return { durable, createdLocation };
}

/**
 * Readies a follower's recovered engine to decide: ids never repeat those the old leader handed out, and the
 * timers it did not fire (followers never fire timers) are armed.
 */
export function prepareToLead(engine: Engine): void {
  for (const kind of ENTITY_KINDS) engine.ids.floor(kind, newestTime(engine, kind));
  engine.armTimers();
}

/**
 * The journal sequence each stored snapshot covers. Replay decides by these, not by `lastSeq`: the facts of
 * one entry share its sequence, and all of them must apply to an actor the snapshot does not cover.
 */
interface Covered {
  headers: Map<string, number>;
  positions: Map<string, Map<string, number>>;
  /** By actor key (`ord:<id>`, `hld:<id>`). */
  entities: Map<string, number>;
}

function replayFact(engine: Engine, fact: Fact, seq: number, covered: Covered, step?: Step): boolean {
  const [kind, id] = splitKey(fact.actor);
  if (kind === 'loc') {
    if ('create' in fact) {
      if (engine.location(id)) return false;
      const input = (fact.create as { input: { id: string; info: LocationContext['info'] } }).input;
      const entry = engine.spawnLocation(id, locationSnapshot({ input }));
      engine.registry.touch(entry, seq);
      entry.headerDirty = true;
      return true;
    }
    if ('created' in fact) throw notCovered(fact.actor, seq, undefined); // never written for a location
    const entry = engine.location(id);
    if (!entry) throw new Error(`journal fact ${seq} names location ${id}, which does not exist: the data dir is damaged`);
    const event = fact.event as unknown as LocationEvent;
    if (event.type === 'location.configured') {
      if (seq <= (covered.headers.get(id) ?? 0)) return false;
      engine.replay(entry, event, seq, step);
      return true;
    }
    const positions = covered.positions.get(id);
    const open = touchedSkus(event).filter((sku) => seq > (positions?.get(sku) ?? 0));
    if (open.length === 0) return false;
    engine.replay(entry, uncoveredPart(event, open), seq, step);
    return true;
  }
  const entityKind = kindOf(kind);
  const entities = engine.registry.entities(entityKind);
  let entry = entities.get(id);
  if (!entry) {
    const record = engine.store.actors.get(fact.actor);
    if (record && record.seq >= seq) return false;
    if ('created' in fact) throw notCovered(fact.actor, seq, record?.seq);
    if ('create' in fact) {
      const { machine, state } = fact.create as { machine: string; state: StoredState };
      const created = engine.registerEntity(entityKind, id, machine, restore(engine, machine, state));
      engine.registry.touch(created, seq);
      if (step) engine.replayedCreate(created, step.at);
      return true;
    }
    if (!record) throw new Error(`journal fact ${seq} names ${fact.actor}, which does not exist: the data dir is damaged`);
    entry = engine.registerEntity(entityKind, id, record.machine, restore(engine, record.machine, record.snapshot as StoredState));
    entry.lastSeq = record.seq;
    covered.entities.set(fact.actor, record.seq);
  }
  if ('create' in fact) return false;
  const coveredTo = covered.entities.get(fact.actor) ?? 0;
  if ('created' in fact) {
    if (seq <= coveredTo) return false;
    throw notCovered(fact.actor, seq, coveredTo);
  }
  if (seq <= coveredTo) return false;
  engine.replay(entry, fact.event, seq, step);
  return true;
}

/**
 * A `created` fact names the stored snapshot written with it as the entity's state: one that does not cover
 * it (missing, or older) means the store lost a write (or a follower got an embedded journal's entry).
 */
function notCovered(actor: string, seq: number, storedSeq: number | undefined): Error {
  const stored = storedSeq ? `the stored one covers only ${storedSeq}` : 'none is stored';
  return new Error(`journal fact ${seq} creates ${actor} as its stored snapshot, but ${stored}: the data dir is damaged`);
}

function kindOf(prefix: string): EntityKind {
  const kind = (Object.keys(ENTITY_PREFIX) as EntityKind[]).find((k) => ENTITY_PREFIX[k] === prefix);
  if (!kind) throw new Error(`the journal names an unknown actor kind '${prefix}'`);
  return kind;
}

/**
 * The part of an event on positions no snapshot covers (`open`): lines or bulk-load rows of covered SKUs are
 * already in their snapshots. A bulk-load event has up to thousands of rows, hence the Set.
 */
function uncoveredPart(event: LocationEvent, open: string[]): LocationEvent {
  if ('lines' in event) return { ...event, lines: event.lines.filter((l) => open.includes(l.sku)) };
  if (event.type !== 'stock.loaded' || open.length === event.rows.length) return event;
  const keep = new Set(open);
  return { ...event, rows: event.rows.filter((r) => keep.has(r.sku)) };
}

/** A dormant entity snapshot from its stored value and context. */
function restore(engine: Engine, machine: string, state: StoredState): AnyMachineSnapshot {
  return engine.machines.resolve(machine, state.value, state.context as object);
}

/** The creation time of the newest id of a kind, stored or open, so new ids never repeat old ones. */
function newestTime(engine: Engine, kind: EntityKind): number {
  const prefix = ENTITY_PREFIX[kind];
  let newest = 0;
  for (const key of engine.store.actors.getKeys({ start: `${prefix};`, end: `${prefix}:`, reverse: true, limit: 1 })) {
    newest = SortableIds.timeOf(key.slice(4)) ?? 0;
  }
  for (const id of engine.registry.entities(kind).keys()) newest = Math.max(newest, SortableIds.timeOf(id) ?? 0);
  return newest;
}

function splitKey(key: string): [string, string] {
  const i = key.indexOf(':');
  return [key.slice(0, i), key.slice(i + 1)];
}

function mapOf<V>(m: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let inner = m.get(key);
  if (!inner) m.set(key, (inner = new Map()));
  return inner;
}
