import { SCHEMA_VERSION, type IdempotencyRecord } from '../../snapshots/index.js';
import type { Engine } from './engine.js';

/** A reply as the first request got it, replayed for repeats of the same Idempotency-Key. */
export interface StoredReply {
  status: number;
  body: unknown;
}

/** How long a key is remembered. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Idempotency keys, scoped by API key. A reply that changed state is stored in the same event turn as the
 * facts it reports, so both land in one LMDB transaction: after a crash either both exist or neither does.
 */
export class IdempotencyKeys {
  private readonly inFlight = new Map<string, { bodyHash: string; done: Promise<StoredReply | undefined> }>();
  private readonly engine: Engine;

  constructor(engine: Engine) {
    this.engine = engine;
  }

  /**
   * The stored reply for a key, if it is still remembered. None while the engine's gate is shut (a cluster's
   * leader whose append the stream refused): its store may hold replies the cluster never acknowledged, and
   * replaying one would acknowledge what was lost. The request then goes on and is refused by the gate.
   */
  stored(scope: string, key: string, now: number): IdempotencyRecord | undefined {
    if (this.engine.gate !== undefined && !this.engine.gate.open) return undefined;
    const record = this.engine.store.idempotency.get(`${scope}\u0000${key}`);
    return record && now - record.at < IDEMPOTENCY_TTL_MS ? record : undefined;
  }

  /** The request currently running with this key, if any. */
  running(scope: string, key: string): { bodyHash: string; done: Promise<StoredReply | undefined> } | undefined {
    return this.inFlight.get(`${scope}\u0000${key}`);
  }

  /** Marks a key as running until `done` settles. */
  begin(scope: string, key: string, bodyHash: string, done: Promise<StoredReply | undefined>): void {
    const k = `${scope}\u0000${key}`;
    this.inFlight.set(k, { bodyHash, done });
    done.finally(() => this.inFlight.delete(k)).catch(() => undefined);
  }

  /** Stores a reply; the returned promise resolves once it is on disk. */
  save(scope: string, key: string, bodyHash: string, reply: StoredReply, now: number): Promise<void> {
    const record: IdempotencyRecord = { v: SCHEMA_VERSION, bodyHash, status: reply.status, body: reply.body, at: now };
    return this.engine.journal.whenFlushed(this.engine.store.idempotency.put(`${scope}\u0000${key}`, record));
  }

  /** Forgets keys older than the TTL; returns how many were removed. */
  sweep(now: number, limit = 10_000): number {
    let removed = 0;
    for (const { key, value } of this.engine.store.idempotency.getRange()) {
      if (now - value.at >= IDEMPOTENCY_TTL_MS) {
        this.engine.store.idempotency.remove(key).catch((e: unknown) => this.engine.fail(e as Error));
        if (++removed >= limit) break;
      }
    }
    return removed;
  }
}
