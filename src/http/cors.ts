/**
 * Cross-origin access for storefront pages (`FULCRUM_CORS_ORIGINS`), with Hono's own `cors` middleware:
 * preflights from a configured origin are answered before authentication (they carry no key), and every
 * answer to such an origin, errors included, names it in `Access-Control-Allow-Origin`. Keys travel in the
 * Authorization header, never in cookies, so no credentials mode is needed.
 */
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv } from './app-env.js';

/** Request headers a page may send, and response headers its script may read. */
const ALLOW_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key'];
const EXPOSE_HEADERS = ['Location', 'Retry-After', 'Idempotent-Replayed', 'WWW-Authenticate'];

/** The CORS layer for these origins (exact `scheme://host[:port]` strings, validated by the config). */
export function allowOrigins(origins: readonly string[]): MiddlewareHandler<AppEnv> {
  const answer = cors({
    origin: [...origins],
    allowMethods: ['GET', 'HEAD', 'PUT', 'POST', 'PATCH', 'DELETE'],
    allowHeaders: ALLOW_HEADERS,
    exposeHeaders: EXPOSE_HEADERS,
    maxAge: 600,
  });
  // Only browsers send Origin; skipping the layer without one keeps server-to-server calls (the order path)
  // from paying for a Response built just to carry headers.
  return async function allowOrigins(c, next) {
    if (c.req.header('origin') === undefined) return next();
    return answer(c, next);
  };
}
