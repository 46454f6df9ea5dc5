import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { DomainError } from '../domain/errors.js';
import { bearer, can, type ApiKeys } from '../auth/index.js';

/** The path of the feed's WebSocket endpoint. */
export const FEED_PATH = '/ws';

/** Whether an upgrade request may join the feed, and if not, the HTTP status and error to answer with. */
export type UpgradeVerdict = { ok: true; role: string } | { ok: false; status: 401 | 403 | 404; error: DomainError };

/**
 * Checks the path, the origin and the key of an upgrade request before any WebSocket exists: the key from
 * `Authorization: Bearer`, or `?token=` for browsers, whose WebSocket API cannot set headers. WebSockets are
 * not bound by CORS, so with `origins` configured a browser page from any other origin is refused (403);
 * clients that send no Origin (servers, not browsers) are not affected, nor are Fulcrum's own pages (the
 * console at `/console`), whose origin is the host they were served from.
 */
export function checkUpgrade(req: IncomingMessage, keys: ApiKeys, origins: readonly string[] = []): UpgradeVerdict {
  const url = new URL(req.url ?? '/', 'http://feed.invalid');
  if (url.pathname !== FEED_PATH) return { ok: false, status: 404, error: new DomainError('not_found', `no WebSocket endpoint at ${url.pathname}; the feed is at ${FEED_PATH}`) };
  const origin = req.headers.origin;
  if (origins.length > 0 && origin !== undefined && !origins.includes(origin) && !sameOrigin(origin, req.headers.host)) {
    return { ok: false, status: 403, error: new DomainError('forbidden', `pages from ${origin} may not open the feed; allowed origins are set by FULCRUM_CORS_ORIGINS`, [{ path: 'origin', message: 'not an allowed origin' }]) };
  }
  const header = req.headers.authorization;
  const secret = bearer(header) ?? url.searchParams.get('token') ?? undefined;
  if (!secret) {
    const message = header ? 'the Authorization header must be "Bearer <key>"' : 'missing API key: send "Authorization: Bearer <key>" or ?token=<key>';
    return { ok: false, status: 401, error: new DomainError('unauthorized', message) };
  }
  const principal = keys.lookup(secret);
  if (!principal) return { ok: false, status: 401, error: new DomainError('unauthorized', 'unknown API key') };
  if (!can(principal, 'feed')) return { ok: false, status: 403, error: new DomainError('forbidden', `a ${principal.role} key may not subscribe to the feed`) };
  return { ok: true, role: principal.role };
}

/** The header that carries the authenticated role to the fan-out (set by the server, never trusted from a client). */
export const ROLE_HEADER = 'x-fulcrum-role';

const REASONS = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' } as const;

/** Answers an upgrade request with a plain HTTP error in the usual envelope, then closes the socket. */
export function refuseUpgrade(socket: Duplex, status: keyof typeof REASONS, error: DomainError): void {
  const body = JSON.stringify({ error: { type: error.type, message: error.message, details: error.details } });
  const head = [
    `HTTP/1.1 ${status} ${REASONS[status]}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    ...(status === 401 ? ['WWW-Authenticate: Bearer'] : []),
  ];
  socket.on('error', () => undefined);
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
  // A peer that never closes its side must not keep the socket.
  setTimeout(() => socket.destroy(), 1000).unref();
}

/** Whether a page's origin is this server itself (its host as the request names it), over http or https. */
function sameOrigin(origin: string, host: string | undefined): boolean {
  return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
}
