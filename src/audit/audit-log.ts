/** The audit log: every configuration change and manual stock change, who made it, when, before and after. */
import { checkVersion, SCHEMA_VERSION, type AuditRecord } from '../../snapshots/index.js';
import type { Engine } from '../engine/index.js';

/** A change to record; the log adds its sequence and time. */
export interface AuditChange {
  by: string;
  action: string;
  target: { type: string; id: string };
  before: unknown;
  after: unknown;
  reason?: string;
}

/** Filters and paging for `GET /audit`, newest first. */
export interface AuditQuery {
  by?: string;
  /** The target's type (`pool`, `inventory`, ...) and, optionally, its id. */
  type?: string;
  id?: string;
  action?: string;
  /** ISO times, inclusive. */
  since?: string;
  until?: string;
  limit: number;
  /** The `nextCursor` of the previous page: the listing continues with older changes. */
  cursor?: number;
}

export interface AuditPage {
  items: Array<Omit<AuditRecord, 'v'>>;
  nextCursor?: number;
}

/** How many records one page may look at, so a rare filter cannot scan the whole log in one request. */
const SCAN_LIMIT = 10_000;

/** Field names whose values are never stored, at any depth: a webhook's signing secret, a key. */
const SECRET_FIELD = /^(secret|password|token|key|apiKey)$/i;

/**
 * The audit log, in its own LMDB database. `record` issues its put at once, so a caller that records in the
 * same event turn as the change's own writes gets both in one transaction: durable together, or neither.
 * Values are stored without secret fields.
 */
export class AuditLog {
  readonly #engine: Engine;
  #next: number;

  constructor(engine: Engine) {
    this.#engine = engine;
    let last = 0;
    for (const key of engine.store.audit.getKeys({ reverse: true, limit: 1 })) last = key;
    this.#next = last + 1;
  }

  /** Records a change now; resolves once it is on disk. A failed write is fatal, as for the journal. */
  record(change: AuditChange): Promise<void> {
    const seq = this.#next++;
    const record: AuditRecord = {
      v: SCHEMA_VERSION,
      seq,
      at: new Date(this.#engine.clock.now()).toISOString(),
      by: change.by,
      action: change.action,
      target: change.target,
      before: withoutSecrets(change.before) ?? null,
      after: withoutSecrets(change.after) ?? null,
      ...(change.reason !== undefined ? { reason: change.reason } : {}),
    };
    // A failed write already stopped the engine (fatal): callers that do not wait must not see a rejection.
    return this.#engine.journal.whenFlushed(this.#engine.store.audit.put(seq, record)).catch(() => undefined);
  }

  /** A page of changes matching the filters, newest first. */
  page(q: AuditQuery): AuditPage {
    const items: AuditPage['items'] = [];
    let scanned = 0;
    let lastSeq: number | undefined;
    let exhausted = true;
    const range = this.#engine.store.audit.getRange({ reverse: true, ...(q.cursor !== undefined ? { start: q.cursor - 1 } : {}) });
    for (const { value } of range) {
      checkVersion('audit', value);
      if (items.length === q.limit || scanned === SCAN_LIMIT) {
        exhausted = false;
        break;
      }
      scanned++;
      lastSeq = value.seq;
      if (q.until !== undefined && value.at > q.until) continue;
      // Sequences grow with time: everything further back is older still.
      if (q.since !== undefined && value.at < q.since) break;
      if (!matches(value, q)) continue;
      const { v: _v, ...item } = value;
      items.push(item);
    }
    return !exhausted && lastSeq !== undefined ? { items, nextCursor: lastSeq } : { items };
  }
}

function matches(r: AuditRecord, q: AuditQuery): boolean {
  return (
    (q.by === undefined || r.by === q.by) &&
    (q.type === undefined || r.target.type === q.type) &&
    (q.id === undefined || r.target.id === q.id) &&
    (q.action === undefined || r.action === q.action)
  );
}

/** A copy of `value` without the fields that may hold a secret. */
export function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!SECRET_FIELD.test(k)) out[k] = withoutSecrets(v);
  return out;
}
