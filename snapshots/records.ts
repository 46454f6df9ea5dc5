/**
 * Everything Fulcrum stores, with the schema version each record carries. A reader accepts every version it
 * has ever written (`upgrade*` functions turn old shapes into the current one) and refuses newer ones with a
 * message that says which build wrote them.
 */

/** The version this build writes on every record. */
export const SCHEMA_VERSION = 1;

/** An event applied to an actor, or the creation of one, with everything that was decided. */
export type Fact =
  | { actor: string; event: { type: string; [k: string]: unknown } }
  | { actor: string; create: { machine: string; input: unknown } }
  | { actor: string; create: { machine: string; state: StoredState } }
  /**
   * A creation whose state is the actor's stored snapshot, written in the same transaction as this entry
   * (with `seq` >= this entry's): the state is encoded once, in the snapshot, not again in the journal.
   * Embedded mode only: a cluster journals the state (`create`), as its followers build snapshots from facts.
   */
  | { actor: string; created: { machine: string } };

/** A machine state as stored: its value and context (order machines use no history states or children). */
export interface StoredState {
  value: unknown;
  context: unknown;
}

/** One journal entry: the facts of one command, applied atomically, in the order they were applied. */
export interface JournalEntry {
  v: number;
  seq: number;
  /** Wall-clock time the command ran (ms since epoch), for audits; replay never reads it. */
  at: number;
  facts: Fact[];
}

/** An actor's persisted snapshot with the journal sequence it covers. */
export interface ActorRecord {
  v: number;
  /** The last journal sequence applied to this actor: replay skips facts at or below it. */
  seq: number;
  /** Which machine (and version) rehydrates it, e.g. `order/default@1`. */
  machine: string;
  /** True once the actor reached a final state: it is not rehydrated at start (passivated). */
  final: boolean;
  /** Orders: `StoredState`; locations: XState's persisted snapshot with positions stored apart. */
  snapshot: unknown;
}

/** A stored position of a location; covered by its location's `ActorRecord.seq`. */
export interface PositionRecord {
  v: number;
  /** The journal sequence this position reflects: replay applies only later facts to it. */
  seq: number;
  sellable: number;
  reserved: number;
  shipped: number;
  other?: Record<string, number>;
  introduced: number;
  asOf?: Record<string, string>;
  /** When the units on hand arrived, on average: whole minutes since the epoch; undefined while unknown, absent in older records. */
  receivedMinute?: number;
}

/** A stored reply to a request with an Idempotency-Key. */
export interface IdempotencyRecord {
  v: number;
  bodyHash: string;
  status: number;
  body: unknown;
  at: number;
}

/** A configuration document stored as is (products, pools). */
export interface DocumentRecord<T> {
  v: number;
  doc: T;
}

/** A webhook endpoint: where events go, which ones, and the secret that signs each delivery. */
export interface WebhookEndpointRecord {
  v: number;
  url: string;
  /** Event patterns: an exact type, `prefix.*`, or `*`. */
  events: string[];
  secret: string;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/** An event as the outbox stores it (the engine's `OutboundEvent`). */
export interface StoredOutboundEvent {
  id: string;
  type: string;
  subject: string;
  time: string;
  data: unknown;
}

/**
 * One event waiting for delivery to one endpoint, keyed `[endpoint, nextAt (ms), event id]` so that what is
 * due for an endpoint is one range read; a retry moves the record to its next time.
 */
export interface OutboxRecord {
  v: number;
  event: StoredOutboundEvent;
  /** Failed attempts so far. */
  attempts: number;
  lastError?: string;
  lastStatus?: number;
}

/** A delivery that ran out of attempts, keyed `[endpoint, event id]`, kept until replayed or discarded. */
export interface DeadLetterRecord {
  v: number;
  event: StoredOutboundEvent;
  attempts: number;
  lastError: string;
  lastStatus?: number;
  deadAt: string;
}

/**
 * What happened to one entity in one step, oldest first, keyed `<kind>:<id>/<step seq, zero-padded>`. The
 * step's time and cause are stored once for all its entries (this is written on every step: fewer bytes to
 * encode on the engine's thread).
 */
export interface TimelineRecord {
  v: number;
  /** When the step ran (ms since epoch) and who caused it: an API key's id, `timer`, or `system`. */
  at: number;
  by: string;
  entries: StoredTimelineEntry[];
}

/** One event an entity accepted (or its creation), as stored: the event as applied (with its `at`). */
export type StoredTimelineEntry = Omit<TimelineEntry, 'at' | 'by'>;

/** One event an entity accepted (or its creation), with what it changed and asked for, as a history shows it. */
export interface TimelineEntry {
  /** When the step ran (ISO) and who caused it. */
  at: string;
  by: string;
  /** The event as applied (its time left out), or `{type: 'entity.create', ...}` with the facts it started from. */
  event: { type: string; [k: string]: unknown };
  /** The status after the event, and the one before when it changed. */
  status: string;
  from?: string;
  /** What the entity asked for in the same step: stock moves, webhooks, notifications, sourcing. */
  effects?: Array<{ type: string; [k: string]: unknown }>;
}

/** A configuration or manual stock change, keyed by a gap-free sequence. Never holds a secret. */
export interface AuditRecord {
  v: number;
  seq: number;
  at: string;
  /** The API key's id (never the key), or `config` for a change of the key configuration at start. */
  by: string;
  /** e.g. `pool.put`, `inventory.adjust`, `webhook.delete`. */
  action: string;
  target: { type: string; id: string };
  before: unknown;
  after: unknown;
  /** The reason a stock change gave, when it gave one. */
  reason?: string;
}

/** Throws when a record was written by a newer build, so that nothing is misread. */
export function checkVersion(kind: string, record: { v?: unknown } | undefined): void {
  if (record === undefined) return;
  const v = record.v;
  if (typeof v !== 'number' || v < 1) throw new Error(`stored ${kind} record has no schema version: the data dir is not Fulcrum's or is damaged`);
  if (v > SCHEMA_VERSION) {
    throw new Error(`stored ${kind} record has schema version ${v}, this build reads up to ${SCHEMA_VERSION}: run a newer Fulcrum`);
  }
}
