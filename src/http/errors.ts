import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DomainError, type ErrorType } from '../domain/errors.js';

const STATUS: Record<ErrorType, ContentfulStatusCode> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  invalid_state: 409,
  insufficient_stock: 409,
  preorder_closed: 409,
  idempotency_mismatch: 422,
  payload_too_large: 413,
  request_timeout: 408,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/** Every error type with its HTTP status, as the OpenAPI document lists them. */
export const ERROR_STATUSES: Readonly<Record<ErrorType, ContentfulStatusCode>> = STATUS;

/** The HTTP status for a domain error type. */
export function statusOf(type: ErrorType): ContentfulStatusCode {
  return STATUS[type];
}

/** Turns any error into the envelope `{error: {type, message, details}}`; unknown errors become a bare 500. */
export function errorResponse(c: Context, err: unknown): Response {
  if (err instanceof DomainError) {
    const res = c.json({ error: { type: err.type, message: err.message, details: err.details } }, statusOf(err.type));
    if (err.type === 'unauthorized') res.headers.set('WWW-Authenticate', 'Bearer');
    // Unavailable is temporary by definition (a cluster between leaders, a store shutting down): say when to retry.
    if (err.type === 'unavailable' && !res.headers.has('Retry-After')) res.headers.set('Retry-After', '1');
    // The rest of an oversized or late body is still on its way: close the connection rather than let the
    // client reuse it.
    if (err.type === 'payload_too_large' || err.type === 'request_timeout') res.headers.set('Connection', 'close');
    return res;
  }
  if (bodyCutShort(err)) {
    return errorResponse(c, new DomainError('invalid_request', 'the request body ended before it was complete: the client closed the connection'));
  }
  console.error('unexpected error serving', c.req.method, c.req.path, err);
  return c.json({ error: { type: 'internal', message: 'internal error; the request may not have been applied', details: [] } }, 500);
}

/**
 * Reading the body failed because the client closed the connection before sending all of it (fewer bytes
 * than its Content-Length, a chunked body without its last chunk): the client's fault, not the server's,
 * even though no one is left to read the 400.
 */
function bodyCutShort(err: unknown): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === 'ECONNRESET';
}
