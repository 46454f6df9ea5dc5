import { asBinary } from 'lmdb';
import { Packr } from 'msgpackr';
import type { Store } from './store.js';

/**
 * The databases a cluster replicates write by write: what the leader writes beside its journal (configuration,
 * idempotency replies, timelines, sourcing decisions, the outbox, the audit log). The journal travels as
 * entries; actors, positions and the open list are snapshots each node writes from the facts it applied;
 * `meta` is the node's own.
 */
export const REPLICATED_DATABASES = [
  'products',
  'pools',
  'statuses',
  'limits',
  'returnPolicies',
  'supplyRules',
  'workflows',
  'webhooks',
  'sourcingProfiles',
  'idempotency',
  'outbox',
  'deadLetters',
  'jobs',
  'decisions',
  'timeline',
  'audit',
] as const satisfies ReadonlyArray<keyof Store>;

export type ReplicatedDatabase = (typeof REPLICATED_DATABASES)[number];

/**
 * Databases whose records modules also hold in memory, loaded at start: a follower that receives a write to
 * one reopens its engine from disk so that its reads use the new configuration.
 */
export const CONFIGURATION_DATABASES: ReadonlySet<ReplicatedDatabase> = new Set(['products', 'pools', 'statuses', 'limits', 'returnPolicies', 'supplyRules', 'workflows', 'webhooks', 'sourcingProfiles']);

/** One write: `[database, key, value]` puts, `[database, key]` removes. */
export type ReplicatedWrite = [db: ReplicatedDatabase, key: unknown, value?: unknown];

/**
 * The replicated databases whose values the store encodes as plain MessagePack (`store.ts`'s `PLAIN`, no
 * shared structures): the same bytes mean the same value in every node's store, so a value travels and is
 * stored as the bytes the leader encoded once. `decisions` and `timeline` use shared structures, each store its
 * own, so their values travel as values.
 */
export const PACKED_DATABASES: ReadonlySet<ReplicatedDatabase> = new Set(REPLICATED_DATABASES.filter((db) => db !== 'decisions' && db !== 'timeline'));

/** A value as the bytes a plain database stores (what `packPlain` gives): LMDB keeps them as they are. */
export class PackedValue {
  constructor(readonly bytes: Uint8Array) {}
}

// The encoding lmdb-js gives a database opened with `PLAIN` (`useRecords: false`). Results stay valid after
// later packs (msgpackr starts a new buffer when one is full), so LMDB may commit them later.
const plain = new Packr({ useRecords: false });

/** Encodes a value as the journal and the plain databases store it. */
export function packPlain(value: unknown): Uint8Array {
  return plain.pack(value);
}

/** What an LMDB put of stored bytes takes. */
export function storedBytes(bytes: Uint8Array): unknown {
  return asBinary(bytes);
}

type Writable = { put(key: unknown, value: unknown, ...rest: unknown[]): Promise<boolean>; remove(key: unknown, ...rest: unknown[]): Promise<boolean> };

/**
 * Makes every put and remove on the replicated databases of `store` also go to `sink()` while it returns one
 * (a cluster's leader); the write itself is unchanged. Installed once, when a cluster node opens its store.
 */
export function captureWrites(store: Store, sink: () => ((write: ReplicatedWrite) => void) | undefined): void {
  for (const name of REPLICATED_DATABASES) {
    const db = store[name] as unknown as Writable;
    const put = db.put.bind(db);
    const remove = db.remove.bind(db);
    const packed = PACKED_DATABASES.has(name);
    // A symbol key is lmdb-js's own record of msgpackr's shared structures: each node's encoding, not data.
    db.put = (key, value, ...rest) => {
      const to = typeof key === 'symbol' ? undefined : sink();
      if (!to) return put(key, value, ...rest);
      if (!packed) {
        to([name, key, value]);
        return put(key, value, ...rest);
      }
      // Encoded once, for this store and for the stream.
      const bytes = plain.pack(value);
      to([name, key, new PackedValue(bytes)]);
      return put(key, asBinary(bytes), ...rest);
    };
    db.remove = (key, ...rest) => {
      if (typeof key !== 'symbol') sink()?.([name, key]);
      return remove(key, ...rest);
    };
  }
}

/** Applies a leader's writes on a follower; resolves once they are committed. */
export function applyWrites(store: Store, writes: readonly ReplicatedWrite[]): Promise<unknown> {
  const written: Array<Promise<boolean>> = [];
  for (const [name, key, ...value] of writes) {
    if (!REPLICATED_DATABASES.includes(name)) throw new Error(`a replicated write names database '${name}', which this build does not replicate`);
    const db = store[name] as unknown as Writable;
    if (value[0] instanceof PackedValue && !PACKED_DATABASES.has(name)) throw new Error(`a replicated write carries stored bytes for database '${name}', which keeps its own encoding`);
    written.push(value.length === 0 ? db.remove(key) : db.put(key, value[0] instanceof PackedValue ? asBinary(value[0].bytes) : value[0]));
  }
  return Promise.all(written);
}
