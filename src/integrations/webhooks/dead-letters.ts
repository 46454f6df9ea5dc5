import { canBeKey, checkVersion, type DeadLetterRecord, type Store, type StoredOutboundEvent } from '../../../snapshots/index.js';
import { deliveryId } from './outbox.js';

/** A dead letter as clients see it. */
export interface DeadLetterView {
  /** `<event id>@<endpoint>`: what `POST /webhooks/dead/:id/replay` takes. */
  id: string;
  endpoint: string;
  event: StoredOutboundEvent;
  attempts: number;
  lastError: string;
  lastStatus?: number;
  deadAt: string;
}

/** One page of dead letters; `next` is the `after` for the following page. */
export interface DeadLetterPage {
  items: DeadLetterView[];
  next?: string;
}

/** Which dead letters to list: by endpoint, after a cursor, at most `limit`. */
export interface DeadLetterQuery {
  endpoint?: string;
  after?: string;
  limit: number;
}

/** Splits a delivery id into endpoint and event id, or undefined when it is not one. */
export function parseDeliveryId(id: string): { endpoint: string; eventId: string } | undefined {
  const at = id.lastIndexOf('@');
  if (at <= 0 || at === id.length - 1) return undefined;
  return { endpoint: id.slice(at + 1), eventId: id.slice(0, at) };
}

/** A stored dead letter, or undefined. */
export function readDeadLetter(store: Store, endpoint: string, eventId: string): DeadLetterRecord | undefined {
  if (!canBeKey(endpoint, eventId)) return undefined;
  const record = store.deadLetters.get([endpoint, eventId]);
  checkVersion('dead letter', record);
  return record;
}

/** Dead letters ordered by endpoint, then event id; one endpoint's are a single range read. */
export function listDeadLetters(store: Store, query: DeadLetterQuery): DeadLetterPage {
  const cursor = query.after === undefined ? undefined : parseDeliveryId(query.after);
  const start: [string, string] | [string] | undefined = cursor ? [cursor.endpoint, cursor.eventId] : query.endpoint !== undefined ? [query.endpoint] : undefined;
  const items: DeadLetterView[] = [];
  let next: string | undefined;
  for (const { key, value } of store.deadLetters.getRange(start ? { start } : {})) {
    const [endpoint, eventId] = key;
    if (query.endpoint !== undefined && endpoint !== query.endpoint) break;
    if (cursor && endpoint === cursor.endpoint && eventId === cursor.eventId) continue;
    if (items.length === query.limit) {
      next = items[items.length - 1]!.id;
      break;
    }
    checkVersion('dead letter', value);
    items.push(deadLetterView(endpoint, eventId, value));
  }
  return next === undefined ? { items } : { items, next };
}

/** The client's view of a stored dead letter. */
export function deadLetterView(endpoint: string, eventId: string, r: DeadLetterRecord): DeadLetterView {
  return {
    id: deliveryId(endpoint, eventId),
    endpoint,
    event: r.event,
    attempts: r.attempts,
    lastError: r.lastError,
    ...(r.lastStatus === undefined ? {} : { lastStatus: r.lastStatus }),
    deadAt: r.deadAt,
  };
}
