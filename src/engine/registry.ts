import type { AnyMachineSnapshot } from 'xstate';
import type { LocationSnapshot } from '../../actors/index.js';

interface EntryBase {
  id: string;
  /** The last journal sequence applied to this actor. */
  lastSeq: number;
  /** The first sequence not yet covered by a stored snapshot; undefined when the actor is clean. */
  dirtySince?: number;
}

/**
 * A live location and what of it is not yet snapshotted. Like an entity, it is held as its machine snapshot
 * and events go through the machine's pure transition (`Engine.send`), without a running XState actor.
 */
export interface LocationEntry extends EntryBase {
  kind: 'location';
  snapshot: LocationSnapshot;
  headerDirty: boolean;
  dirtySkus: Set<string>;
}

/** Entities that live as dormant actors. */
export type EntityKind = 'order' | 'hold' | 'fulfilment' | 'return' | 'transfer' | 'alert' | 'inbound';

/** The journal key prefix of each entity kind. */
export const ENTITY_PREFIX: Record<EntityKind, string> = { order: 'ord', hold: 'hld', fulfilment: 'ful', return: 'ret', transfer: 'trf', alert: 'alr', inbound: 'inb' };

export const ENTITY_KINDS = Object.keys(ENTITY_PREFIX) as EntityKind[];

/** The journal key of an actor: `loc:<id>`, `ord:<id>`, `hld:<id>`. */
export function actorKey(entry: ActorEntry): string {
  return entry.kind === 'location' ? `loc:${entry.id}` : `${ENTITY_PREFIX[entry.kind]}:${entry.id}`;
}

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
  private readonly byKind = new Map<EntityKind, Map<string, EntityEntry>>(ENTITY_KINDS.map((k) => [k, new Map()]));
  readonly orders = this.byKind.get('order')!;
  readonly holds = this.byKind.get('hold')!;
  readonly dirty = new Set<ActorEntry>();

  /** The map holding open entities of a kind. */
  entities(kind: EntityKind): Map<string, EntityEntry> {
    return this.byKind.get(kind)!;
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
