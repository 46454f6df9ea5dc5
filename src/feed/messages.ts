import type { FutureBucket } from '../domain/supply.js';
import { z } from 'zod';
import { DomainError, formatPath, type ErrorDetail, type ErrorType } from '../domain/errors.js';
import type { AlertView } from '../alerts/index.js';
import { ID_PATTERN, ID_RULE } from '../domain/ids.js';

const Id = z.string().regex(ID_PATTERN, ID_RULE);

/**
 * Every message of the `/ws` feed, both directions, in one place. A server frame carries one message, or a
 * JSON array (MessagePack array) of `stock` messages when a client has several changed SKUs at once.
 */

/** Subprotocol that switches every frame, both ways, to MessagePack. */
export const MSGPACK_PROTOCOL = 'fulcrum.msgpack';
/** Subprotocol a client may name to ask for JSON explicitly (the default). */
export const JSON_PROTOCOL = 'fulcrum.json';

export type Format = 'json' | 'msgpack';

/** Close codes the feed uses besides ws's own (1007 invalid UTF-8, 1009 message too big). */
export const CLOSE = {
  /** The server is shutting down. */
  goingAway: 1001,
  /** The client did not read its updates for too long, or let too many bytes pile up. */
  tooSlow: 4008,
  /** Too many messages per second, or too many subscriptions. */
  tooMany: 4029,
} as const;

/** The most SKUs one subscribe or unsubscribe message may name (the frame limit bounds it anyway). */
export const MAX_SKUS_PER_MESSAGE = 500;

/**
 * The alerts channel (`{"op": "subscribe", "channel": "alerts"}`) travels through the feed as this
 * pseudo-pool; real pool ids start with a letter or digit, so it cannot collide.
 */
export const ALERTS_CHANNEL = '#alerts';

const ClientMessageSchema = z.strictObject({
  op: z.enum(['subscribe', 'unsubscribe']),
  pool: Id.optional(),
  channel: z.literal('alerts').optional(),
  skus: z.union([z.literal('*'), z.array(Id).min(1, 'give at least one SKU, or omit skus for the whole pool').max(MAX_SKUS_PER_MESSAGE)]).optional(),
  /** Echoed in the snapshot or error that answers the message, so a client can match them. */
  id: z.union([z.string().max(64), z.number().int()]).optional(),
});

/** A client message after validation; `skus: null` means the whole pool (or channel). */
export interface ClientMessage {
  op: 'subscribe' | 'unsubscribe';
  pool: string;
  skus: string[] | null;
  id?: string | number;
}

/** One SKU's availability in a snapshot; `seq` is the journal position the value reflects. */
export interface SnapshotItem {
  sku: string;
  ats: number;
  seq: number;
  /** For a SKU under a supply rule on the pool: promisable units against inbound, by date. */
  future?: FutureBucket[];
}

/** The answer to a subscribe: the current values (a whole-pool snapshot may span several messages). */
export interface SnapshotMessage {
  type: 'snapshot';
  pool: string;
  items: SnapshotItem[];
  id?: string | number;
}

/** A committed change: the latest value of one key in its window. `ts` is the commit time (epoch ms). */
export interface StockMessage {
  type: 'stock';
  pool: string;
  sku: string;
  ats: number;
  seq: number;
  ts: number;
  /** Present for a SKU under a supply rule on the pool: its promisable future buckets as of this change. */
  future?: FutureBucket[];
}

/** An alert raised or changed (alerts channel): the alert as `GET /alerts/:id` shows it. */
export interface AlertMessage {
  type: 'alert';
  alert: AlertView;
  seq: number;
  ts: number;
}

/** The answer to subscribing to the alerts channel: the alerts not yet resolved. */
export interface AlertSnapshotMessage {
  type: 'snapshot';
  channel: 'alerts';
  items: AlertView[];
  id?: string | number;
}

/** The same envelope as HTTP errors. */
export interface ErrorMessage {
  type: 'error';
  error: { type: ErrorType; message: string; details: ErrorDetail[] };
  id?: string | number;
}

export type ServerMessage = SnapshotMessage | StockMessage | AlertMessage | AlertSnapshotMessage | ErrorMessage;

/** Validates a decoded client message; throws `invalid_request` naming each bad field. */
export function parseClientMessage(value: unknown): ClientMessage {
  const parsed = ClientMessageSchema.safeParse(value);
  if (!parsed.success) {
    throw new DomainError(
      'invalid_request',
      'the message is not valid: send {"op": "subscribe" | "unsubscribe", "pool": "...", "skus": [...] | "*"} or {"op": "subscribe", "channel": "alerts"}',
      parsed.error.issues.map((i) => ({ path: formatPath(i.path) || '(message)', message: i.message })),
    );
  }
  const { op, pool, channel, skus, id } = parsed.data;
  if ((pool === undefined) === (channel === undefined)) {
    throw new DomainError('invalid_request', 'give either "pool" (stock) or "channel": "alerts"', [{ path: pool === undefined ? 'pool' : 'channel', message: 'exactly one of pool and channel' }]);
  }
  if (channel !== undefined) return { op, pool: ALERTS_CHANNEL, skus: null, ...(id !== undefined ? { id } : {}) };
  const message: ClientMessage = { op, pool: pool!, skus: skus === undefined || skus === '*' ? null : [...new Set(skus)] };
  if (id !== undefined) message.id = id;
  return message;
}

/** The error message for a domain error (or any error, as `internal`). */
export function errorMessage(e: unknown, id?: string | number): ErrorMessage {
  const error =
    e instanceof DomainError
      ? { type: e.type, message: e.message, details: e.details }
      : { type: 'internal' as const, message: 'internal error', details: [] };
  return id === undefined ? { type: 'error', error } : { type: 'error', error, id };
}

/** Picks the subprotocol from those a client offers: MessagePack if asked for, else JSON; none means JSON. */
export function chooseProtocol(offered: ReadonlySet<string>): string | false {
  if (offered.has(MSGPACK_PROTOCOL)) return MSGPACK_PROTOCOL;
  if (offered.has(JSON_PROTOCOL)) return JSON_PROTOCOL;
  return false;
}
