import type { Actor, AnyMachineSnapshot } from 'xstate';
import type { locationMachine } from '../../actors/index.js';

interface EntryBase {
  id: string;
  /** The last journal sequence applied to this actor. */
  lastSeq: number;
  /** The first sequence not yet covered by a stored snapshot; undefined when the actor is clean. */
  dirtySince?: number;
}

/** A live location actor and what of it is not yet snapshotted. */
export interface LocationEntry extends EntryBase {
  kind: 'location';
  actor: Actor<typeof locationMachine>;
  headerDirty: boolean;
  dirtySkus: Set<string>;
}

/** Entities that live as dormant actors: orders and cart holds (fulfilments, returns, transfers later). */
export type EntityKind = 'order' | 'hold';

/** The journal key prefix of each entity kind. */
export const ENTITY_PREFIX: Record<EntityKind, string> = { order: 'ord', hold: 'hld' };

/**
 * An open entity (an order, a hold). Between events the actor is dormant: only its machine snapshot is held, and an event
 * activates it (createActor from the snapshot, send, keep the new snapshot). Creating and starting an XState
 * actor costs ~18 µs and ~4 KB held; a dormant snapshot ~2.5 µs and a fraction of that, which is what lets
 * intake keep up with a flash sale and a million open orders fit in memory.
 */
export interface EntityEntry extends EntryBase {
  kind: EntityKind;
  machine: string;
  snapshot: AnyMachineSnapshot;
  /** Whether the store lists it among open entities (so start-up rehydrates it). */
  listedOpen: boolean;
}

export type OrderEntry = EntityEntry;

export type ActorEntry = LocationEntry | EntityEntry;

/** The live actors by id, and which of them changed since their last snapshot. */
export class Registry {
  readonly locations = new Map<string, LocationEntry>();
  readonly orders = new Map<string, EntityEntry>();
  readonly holds = new Map<string, EntityEntry>();
  readonly dirty = new Set<ActorEntry>();

  /** The map holding open entities of a kind. */
  entities(kind: EntityKind): Map<string, EntityEntry> {
    return kind === 'order' ? this.orders : this.holds;
  }

  /** Records that `entry` took the fact with sequence `seq`. */
  touch(entry: ActorEntry, seq: number): void {
    entry.lastSeq = seq;
    if (entry.dirtySince === undefined) {
      entry.dirtySince = seq;
      this.dirty.add(entry);
    }
  }

  /** The lowest sequence some live actor still needs from the journal, or undefined when all are clean. */
  lowWater(): number | undefined {
    let low: number | undefined;
    for (const e of this.dirty) if (e.dirtySince !== undefined && (low === undefined || e.dirtySince < low)) low = e.dirtySince;
    return low;
  }
}
