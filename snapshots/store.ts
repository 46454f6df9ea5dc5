import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import {
  SCHEMA_VERSION,
  type ActorRecord,
  type AuditRecord,
  type DeadLetterRecord,
  type DocumentRecord,
  type IdempotencyRecord,
  type JournalEntry,
  type OutboxRecord,
  type PositionRecord,
  type TimelineRecord,
  type WebhookEndpointRecord,
} from './records.js';

const STRUCTURES = Symbol.for('fulcrum.structures');

/**
 * Plain MessagePack for databases without shared structures: lmdb-js's default writes inline record
 * definitions with every value, measured 1.6x slower per put (1.72 vs 1.09 us). Values written either way
 * decode the same, so existing data keeps loading.
 */
const PLAIN: object = { encoder: { useRecords: false } };

/** The LMDB environment and its databases. One writer (this process); reads are synchronous. */
export interface Store {
  root: RootDatabase;
  meta: Database<unknown, string>;
  journal: Database<JournalEntry, number>;
  actors: Database<ActorRecord, string>;
  positions: Database<PositionRecord, [string, string]>;
  /** Keys (`ord:<id>`, `hld:<id>`) of entities that are not final, so start-up rehydrates open work without scanning history. */
  openEntities: Database<true, string>;
  products: Database<DocumentRecord<unknown>, string>;
  pools: Database<DocumentRecord<unknown>, string>;
  statuses: Database<DocumentRecord<unknown>, string>;
  /** Purchase limits and sale windows, by id. */
  limits: Database<DocumentRecord<unknown>, string>;
  /** Return policies (windows, reasons, non-returnable products), by id. */
  returnPolicies: Database<DocumentRecord<unknown>, string>;
  /** Supply rules (backorders and pre-orders against inbound), by id. */
  supplyRules: Database<DocumentRecord<unknown>, string>;
  /** Workflow definitions with all their versions, by `<entity>/<name>`. */
  workflows: Database<DocumentRecord<unknown>, string>;
  idempotency: Database<IdempotencyRecord, string>;
  /** Webhook endpoints by id. */
  webhooks: Database<WebhookEndpointRecord, string>;
  /** Webhook deliveries waiting, keyed `[endpoint, nextAt, event id]`; written in the same transaction as their facts. */
  outbox: Database<OutboxRecord, [string, number, string]>;
  /** Webhook deliveries that ran out of attempts, keyed `[endpoint, event id]`. */
  deadLetters: Database<DeadLetterRecord, [string, string]>;
  /** Bulk-load job records, written with each chunk's facts so a restart reports what a cut job made durable. */
  jobs: Database<DocumentRecord<unknown>, string>;
  /** The console's tile layouts, by role. */
  consoleLayouts: Database<DocumentRecord<unknown>, string>;
  /** Sourcing profiles with all their versions, by id. */
  sourcingProfiles: Database<DocumentRecord<unknown>, string>;
  /** Sourcing decisions with their explanations, keyed `<order>/<step seq>/<n>`; written in the step that decided. */
  decisions: Database<DocumentRecord<unknown>, string>;
  /**
   * Each workflow entity's history, keyed `<kind>:<id>/<step seq>`; written in the step, so it is durable with
   * its facts, and never truncated with the journal: it is kept as long as the entity is.
   */
  timeline: Database<TimelineRecord, string>;
  /** Configuration and manual stock changes, by a gap-free sequence; written in the event turn of the change. */
  audit: Database<AuditRecord, number>;
  path: string;
}

/** The store's file in a data dir (LMDB with `noSubdir`: the lock file sits next to it, `fulcrum.lmdb-lock`). */
export const STORE_FILE = 'fulcrum.lmdb';

export interface StoreOptions {
  /**
   * False: commits are not flushed to disk (`.flushed` resolves on commit). Only for a store that is never
   * read after its process ends: a cluster node discards its store at every start and rebuilds it from the
   * journal stream, whose quorum holds what was acknowledged. Default true.
   */
  flushToDisk?: boolean;
  /**
   * Test only, with the unsafe early acknowledgement: each commit starts this many ms after its first write,
   * so that what was acknowledged early is reliably not yet in the file when a crash test kills the process.
   * Without it, the commit usually wins the race against a reply that travels through an HTTP front, and the
   * crash checker's negative control had nothing to catch.
   */
  unsafeCommitDelayMs?: number;
}

/** Opens (creating when missing) the store under `dataDir`, and checks it was written by a compatible build. */
export function openStore(dataDir: string, options: StoreOptions = {}): Store {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, STORE_FILE);
  const root = open({
    path,
    maxDbs: 32,
    // Each write promise resolves on commit and carries `.flushed` for when the commit is on disk: Fulcrum
    // acknowledges only after `.flushed` (with overlappingSync, commit alone survives kill -9 but not power loss).
    separateFlushed: true,
    ...(options.flushToDisk === false ? { noSync: true } : {}),
    // lmdb-js commits each event turn's writes at the turn's end; only without that batching does a commit
    // wait `commitDelay` (then every write of those ms commits together, a turn never split).
    ...(options.unsafeCommitDelayMs ? { eventTurnBatching: false, commitDelay: options.unsafeCommitDelayMs, txnStartThreshold: 1e9 } : {}),
  });
  const store: Store = {
    root,
    meta: root.openDB<unknown, string>({ name: 'meta', ...PLAIN }),
    // Encoding runs on the engine's thread for every write, so it is chosen by measurement: plain MessagePack
    // for the journal (inline records were 1.6x slower per entry), shared structures for snapshots (half the
    // bytes of plain, same speed) where many records share a shape.
    journal: root.openDB<JournalEntry, number>({ name: 'journal', ...PLAIN }),
    actors: root.openDB<ActorRecord, string>({ name: 'actors', sharedStructuresKey: STRUCTURES }),
    positions: root.openDB<PositionRecord, [string, string]>({ name: 'positions', sharedStructuresKey: STRUCTURES }),
    openEntities: root.openDB<true, string>({ name: 'open-entities', ...PLAIN }),
    products: root.openDB<DocumentRecord<unknown>, string>({ name: 'products', ...PLAIN }),
    pools: root.openDB<DocumentRecord<unknown>, string>({ name: 'pools', ...PLAIN }),
    statuses: root.openDB<DocumentRecord<unknown>, string>({ name: 'statuses', ...PLAIN }),
    workflows: root.openDB<DocumentRecord<unknown>, string>({ name: 'workflows', ...PLAIN }),
    limits: root.openDB<DocumentRecord<unknown>, string>({ name: 'limits', ...PLAIN }),
    returnPolicies: root.openDB<DocumentRecord<unknown>, string>({ name: 'return-policies', ...PLAIN }),
    supplyRules: root.openDB<DocumentRecord<unknown>, string>({ name: 'supply-rules', ...PLAIN }),
    idempotency: root.openDB<IdempotencyRecord, string>({ name: 'idempotency', ...PLAIN }),
    webhooks: root.openDB<WebhookEndpointRecord, string>({ name: 'webhooks', ...PLAIN }),
    outbox: root.openDB<OutboxRecord, [string, number, string]>({ name: 'outbox', ...PLAIN }),
    deadLetters: root.openDB<DeadLetterRecord, [string, string]>({ name: 'dead-letters', ...PLAIN }),
    jobs: root.openDB<DocumentRecord<unknown>, string>({ name: 'jobs', ...PLAIN }),
    consoleLayouts: root.openDB<DocumentRecord<unknown>, string>({ name: 'console-layouts', ...PLAIN }),
    sourcingProfiles: root.openDB<DocumentRecord<unknown>, string>({ name: 'sourcing-profiles', ...PLAIN }),
    // One record per order placed, on the engine's thread: shared structures, as for snapshots.
    decisions: root.openDB<DocumentRecord<unknown>, string>({ name: 'decisions', sharedStructuresKey: STRUCTURES }),
    // Written on every step that moves an entity and kept as long as it is, the largest database of a store
    // that has taken orders for a while: shared structures, as for decisions (221 bytes an entry against 404
    // plain, in a soak's mix). Entries written plain (by builds before shared structures) read as objects too.
    timeline: root.openDB<TimelineRecord, string>({ name: 'timeline', sharedStructuresKey: STRUCTURES, encoder: { mapsAsObjects: true } } as never),
    audit: root.openDB<AuditRecord, number>({ name: 'audit', ...PLAIN }),
    path,
  };
  const version = store.meta.get('schemaVersion');
  if (version === undefined) {
    store.meta.putSync('schemaVersion', SCHEMA_VERSION);
  } else if (typeof version !== 'number' || version > SCHEMA_VERSION) {
    root.close();
    throw new Error(`data dir ${dataDir} was written with schema version ${String(version)}; this build reads up to ${SCHEMA_VERSION}`);
  }
  return store;
}

/** The longest key LMDB stores (lmdb-js's default build), in bytes. */
export const MAX_KEY_BYTES = 1978;

/**
 * Whether a key made of these strings can exist in the store. A longer one was never written, and looking
 * it up throws in lmdb-js (its key buffer overflows) instead of missing: check ids that come from outside
 * (a URL) before reading by them.
 */
export function canBeKey(...parts: string[]): boolean {
  let bytes = parts.length - 1;
  for (const part of parts) bytes += Buffer.byteLength(part);
  return bytes <= MAX_KEY_BYTES;
}

/** Waits for every write issued so far to be flushed, then closes the environment. */
export async function closeStore(store: Store): Promise<void> {
  await store.root.flushed;
  await store.root.close();
}
