import type { MiddlewareHandler } from 'hono';
import { DomainError } from '../domain/errors.js';
import type { Role } from '../auth/index.js';
import type { AppEnv } from './app-env.js';

/** Requests per second a key of a role may make, and the burst it may spend at once (0 = unlimited). */
export type RateLimits = Record<Role, { perSecond: number; burst: number }>;

export const DEFAULT_RATE_LIMITS: RateLimits = {
  admin: { perSecond: 0, burst: 0 },
  ops: { perSecond: 10_000, burst: 20_000 },
  storefront: { perSecond: 10_000, burst: 20_000 },
  // Every visitor of a page shares its publishable key, so its bucket is the whole page's traffic.
  publishable: { perSecond: 10_000, burst: 20_000 },
};

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per API key: a key over its rate gets `429 rate_limited` with `Retry-After`, and nothing it
 * sent is processed, so one misbehaving client cannot starve the others. Checked after authentication and
 * before the body is read.
 */
export function rateLimit(limits: RateLimits, now: () => number = () => performance.now()): MiddlewareHandler<AppEnv> {
  const buckets = new Map<string, Bucket>();
  return function rateLimit(c, next) {
    const p = c.get('principal');
    const limit = limits[p.role];
    if (limit.perSecond <= 0) return next();
    const t = now();
    let b = buckets.get(p.keyId);
    if (!b) buckets.set(p.keyId, (b = { tokens: limit.burst, at: t }));
    b.tokens = Math.min(limit.burst, b.tokens + ((t - b.at) / 1000) * limit.perSecond);
    b.at = t;
    if (b.tokens < 1) {
      const wait = Math.max(1, Math.ceil((1 - b.tokens) / limit.perSecond));
      c.header('Retry-After', String(wait));
      throw new DomainError('rate_limited', `this API key is limited to ${limit.perSecond} requests per second; retry after ${wait} s`);
    }
    b.tokens -= 1;
    return next();
  };
}

/** Parses `role:perSecond[:burst],...` (e.g. `storefront:500:1000,ops:2000`) over the defaults. */
export function parseRateLimits(text: string | undefined, name: string): RateLimits {
  const limits: RateLimits = structuredClone(DEFAULT_RATE_LIMITS);
  if (!text) return limits;
  for (const [i, part] of text.split(',').entries()) {
    const m = /^\s*(admin|ops|storefront|publishable):(\d+)(?::(\d+))?\s*$/.exec(part);
    if (!m) throw new Error(`${name}: entry ${i + 1} must be role:perSecond[:burst] with role admin, ops, storefront or publishable, got '${part}'`);
    const perSecond = Number(m[2]);
    limits[m[1] as Role] = { perSecond, burst: m[3] !== undefined ? Number(m[3]) : perSecond * 2 };
  }
  return limits;
}
