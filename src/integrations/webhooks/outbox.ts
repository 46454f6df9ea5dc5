import { checkVersion, SCHEMA_VERSION, type DeadLetterRecord, type OutboxRecord, type StoredOutboundEvent } from '../../../snapshots/index.js';
import type { Engine, OutboundEvent, OutboxPort } from '../../engine/index.js';
import type { WebhookEndpoints } from './endpoints.js';

/** An outbox key: `[endpoint, nextAt (ms since epoch), event id]`. */
export type OutboxKey = [string, number, string];

/** A delivery read from the outbox: one event for one endpoint. */
export interface PendingDelivery {
  /** `<event id>@<endpoint>`: one event to one endpoint, the same across retries, restarts and dead letters. */
  id: string;
  endpoint: string;
  key: OutboxKey;
  record: OutboxRecord;
}

/** Why an attempt failed, as kept on the record and shown on a dead letter. */
export interface AttemptFailure {
  error: string;
  status?: number;
}

const END_OF_TIME = Number.MAX_SAFE_INTEGER;
/** Removes per transaction when an endpoint's pending deliveries are purged, so the thread is never held long. */
const PURGE_SLICE = 1000;

/** The delivery id of an event for an endpoint. Endpoint ids cannot contain `@`, so the last one splits it. */
export function deliveryId(endpoint: string, eventId: string): string {
  return `${eventId}@${endpoint}`;
}

/**
 * The persistent outbox: the only writer of pending deliveries and dead letters. `enqueue` runs inside an
 * engine step and only issues puts, so its records land in the same LMDB transaction as the step's facts:
 * after a crash both exist or neither does. A delivery is offered (`due`) only once its own write is flushed,
 * which is the flush of those facts: nothing goes out that a crash could take back.
 */
export class WebhookOutbox implements OutboxPort {
  /** Called when deliveries may have become due (a step's facts were flushed). Set by the dispatcher. */
  onCommitted: () => void = () => undefined;
  /** Deliveries written but not yet flushed, by delivery id. */
  private readonly unflushed = new Set<string>();
  private batch: { written: Promise<boolean>; ids: string[] } | undefined;
  private readonly engine: Engine;
  private readonly endpoints: WebhookEndpoints;

  constructor(engine: Engine, endpoints: WebhookEndpoints) {
    this.engine = engine;
    this.endpoints = endpoints;
  }

  /** Writes one record per enabled endpoint that takes the event; synchronous, inside the step. */
  enqueue(event: OutboundEvent): void {
    const targets = this.endpoints.matching(event.type);
    if (targets.length === 0) return;
    const now = this.engine.clock.now();
    const stored: StoredOutboundEvent = { id: event.id, type: event.type, subject: event.subject, time: event.time, data: event.data };
    for (const e of targets) {
      const written = this.engine.store.outbox.put([e.id, now, event.id], { v: SCHEMA_VERSION, event: stored, attempts: 0 });
      this.holdUntilFlushed(written, deliveryId(e.id, event.id));
    }
  }

  /** The engine flushed a step that enqueued events. */
  committed(): void {
    this.onCommitted();
  }

  /**
   * Deliveries to an endpoint that are due at `now`, earliest first, reading at most `limit` records (flushed
   * ones only). A lazy range read: stop iterating and the read ends.
   */
  *due(endpoint: string, now: number, limit: number): Generator<PendingDelivery> {
    for (const { key, value } of this.engine.store.outbox.getRange({ start: [endpoint], end: [endpoint, now + 1], limit })) {
      const id = deliveryId(endpoint, key[2]);
      if (this.unflushed.has(id)) continue;
      checkVersion('outbox', value);
      yield { id, endpoint, key, record: value };
    }
  }

  /** When the next delivery to an endpoint after `now` is due, if any is waiting. */
  nextDue(endpoint: string, now: number): number | undefined {
    for (const key of this.engine.store.outbox.getKeys({ start: [endpoint, now + 1], end: [endpoint, END_OF_TIME], limit: 1 })) return key[1];
    return undefined;
  }

  /** The delivery is done (the receiver took it, or its endpoint was deleted): the record goes. */
  remove(d: PendingDelivery): Promise<void> {
    return this.settle(this.engine.store.outbox.remove(d.key));
  }

  /** Moves a failed delivery to its next attempt time, in one transaction. */
  reschedule(d: PendingDelivery, attempts: number, nextAt: number, failure: AttemptFailure): Promise<void> {
    const { outbox } = this.engine.store;
    outbox.remove(d.key);
    const record: OutboxRecord = { v: SCHEMA_VERSION, event: d.record.event, attempts, lastError: failure.error, ...status(failure) };
    return this.settle(outbox.put([d.endpoint, nextAt, d.key[2]], record));
  }

  /** Moves a delivery that ran out of attempts to the dead letters, in one transaction. */
  bury(d: PendingDelivery, attempts: number, failure: AttemptFailure): Promise<void> {
    const { outbox, deadLetters } = this.engine.store;
    const dead: DeadLetterRecord = {
      v: SCHEMA_VERSION,
      event: d.record.event,
      attempts,
      lastError: failure.error,
      ...status(failure),
      deadAt: new Date(this.engine.clock.now()).toISOString(),
    };
    outbox.remove(d.key);
    return this.settle(deadLetters.put([d.endpoint, d.key[2]], dead));
  }

  /** Moves a dead letter back into the outbox with a fresh set of attempts, due now, in one transaction. */
  requeue(endpoint: string, eventId: string, dead: DeadLetterRecord): Promise<void> {
    const { outbox, deadLetters } = this.engine.store;
    deadLetters.remove([endpoint, eventId]);
    return this.settle(outbox.put([endpoint, this.engine.clock.now(), eventId], { v: SCHEMA_VERSION, event: dead.event, attempts: 0 }));
  }

  /** Deletes a dead letter for good. */
  discard(endpoint: string, eventId: string): Promise<void> {
    return this.settle(this.engine.store.deadLetters.remove([endpoint, eventId]));
  }

  /**
   * Removes every pending delivery of an endpoint, a slice per transaction, until none is left (an attempt
   * in flight may still move its record once; the next slice takes it). Returns how many were removed.
   */
  async purge(endpoint: string): Promise<number> {
    let removed = 0;
    for (;;) {
      let last: Promise<boolean> | undefined;
      for (const key of this.engine.store.outbox.getKeys({ start: [endpoint], end: [endpoint, END_OF_TIME], limit: PURGE_SLICE })) {
        last = this.engine.store.outbox.remove(key);
        removed++;
      }
      if (!last) return removed;
      await this.settle(last);
    }
  }

  /** Keeps a new delivery out of `due` until the transaction that carries it (and its facts) is flushed. */
  private holdUntilFlushed(written: Promise<boolean>, id: string): void {
    this.unflushed.add(id);
    if (this.batch?.written !== written) {
      const batch = { written, ids: [] as string[] };
      this.batch = batch;
      // A failed write is fatal (the journal's path stops the process); the records then never go out.
      this.engine.journal.whenFlushed(written).then(
        () => {
          for (const held of batch.ids) this.unflushed.delete(held);
        },
        () => undefined,
      );
    }
    this.batch.ids.push(id);
  }

  /** Resolves once a write is on disk (and so visible to the next read); a failed write is fatal and rejects. */
  private settle(written: Promise<boolean>): Promise<void> {
    return this.engine.journal.whenFlushed(written);
  }
}

function status(failure: AttemptFailure): { lastStatus?: number } {
  return failure.status === undefined ? {} : { lastStatus: failure.status };
}
