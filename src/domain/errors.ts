/** The kinds of failure the domain reports; the edge (HTTP, WebSocket) maps each to a status or frame. */
export type ErrorType =
  | 'invalid_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'invalid_state'
  | 'insufficient_stock'
  | 'preorder_closed'
  | 'idempotency_mismatch'
  | 'payload_too_large'
  | 'request_timeout'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

/** One problem with an input, located by its field path (`lines[2].qty`). */
export interface ErrorDetail {
  path?: string;
  message: string;
  [extra: string]: unknown;
}

/** The one error type of Fulcrum: a type the client can branch on, a message a person can act on. */
export class DomainError extends Error {
  readonly type: ErrorType;
  readonly details: ErrorDetail[];

  constructor(type: ErrorType, message: string, details: ErrorDetail[] = []) {
    super(message);
    this.name = 'DomainError';
    this.type = type;
    this.details = details;
  }
}

/** Formats a path of keys and indexes as `lines[2].qty`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}
