/** The HTTP side of auth: every request authenticated by its bearer key, each route allowing a permission. */
import type { Context, MiddlewareHandler, Next } from 'hono';
import { DomainError } from '../domain/errors.js';
import type { AppEnv } from './app-env.js';
import { bearer, can, type ApiKeys, type Permission } from '../auth/index.js';
import { accessDoc } from './openapi/access.js';
import { documented } from './openapi/describe.js';

/**
 * Authenticates every request it guards; 401 when the key is missing or unknown. This and the other
 * pass-through checks on every request are plain functions returning `next()`, not async ones awaiting it:
 * hono's compose awaits each layer anyway, and an async wrapper added a promise and a microtask per layer.
 */
export function authenticate(keys: ApiKeys): MiddlewareHandler<AppEnv> {
  return function authenticate(c, next) {
    const header = c.req.header('authorization');
    const secret = bearer(header);
    if (!secret) {
      throw new DomainError('unauthorized', header ? 'the Authorization header must be "Bearer <key>"' : 'missing API key: send "Authorization: Bearer <key>"');
    }
    const principal = keys.lookup(secret);
    if (!principal) throw new DomainError('unauthorized', 'unknown API key');
    c.set('principal', principal);
    return next();
  };
}

/** Refuses (403) a request whose key's role lacks the permission. */
export function allow(permission: Permission): MiddlewareHandler<AppEnv> {
  // The route's description in the OpenAPI document takes its security, roles and refusals from here.
  return documented(function allow(c: Context<AppEnv>, next: Next) {
    const p = c.get('principal');
    if (!can(p, permission)) throw new DomainError('forbidden', `a ${p.role} key may not do this (needs ${permission})`);
    return next();
  }, accessDoc(permission));
}
