import type { MiddlewareHandler } from 'hono';
import { DomainError } from '../domain/errors.js';
import type { AppEnv } from './app-env.js';

/** How many requests are being worked on now, and how many were shed since start. */
export interface InFlight {
  current: number;
  shed: number;
}

/**
 * Bounded work in flight: past `max` requests being processed (parsed and waiting for the engine or the
 * disk), new ones get `503 unavailable` with `Retry-After` at once instead of queueing until clients time
 * out. The engine's thread then only ever holds a bounded backlog and stays responsive; reads of health and
 * metrics are never shed.
 */
export function shedLoad(max: number, counter: InFlight): MiddlewareHandler<AppEnv> {
  return async function shedLoad(c, next) {
    if (counter.current >= max) {
      counter.shed++;
      c.header('Retry-After', '1');
      throw new DomainError('unavailable', `the server is at its limit of ${max} requests in flight; retry in a second`);
    }
    counter.current++;
    try {
      await next();
    } finally {
      counter.current--;
    }
  };
}
