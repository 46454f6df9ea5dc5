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
    // A symbol key is lmdb-js's own record of msgpackr's shared structures: each node's encoding, not data.
    db.put = (key, value, ...rest) => {
      if (typeof key !== 'symbol') sink()?.([name, key, value]);
      return put(key, value, ...rest);
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
    written.push(value.length === 0 ? db.remove(key) : db.put(key, value[0]));
  }
  return Promise.all(written);
}
