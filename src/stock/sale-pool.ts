/**
 * Which pool a sale draws on. The pool follows the channel (the pool whose `channel` names it; `default` when
 * none does), so a web order gets the web pool's locations and buffers without having to name it. A key bound
 * to channels (`FULCRUM_API_KEYS` `key:storefront:web|b2c`) sells only on those channels and their pools.
 */
import { DomainError } from '../domain/errors.js';
import type { AvailabilityIndex } from './availability-index.js';

/** The channel and pool a sale runs on. */
export interface SalePool {
  channel: string;
  pool: string;
}

/** What a sale asks for, and the channels its key may sell on (undefined: any). */
export interface SaleAsk {
  channel?: string;
  pool?: string;
  /** The channels the caller's key is bound to; the first is its channel when the sale names none. */
  sellsOn?: readonly string[];
}

/** The pool that serves a channel: the one whose `channel` names it, else `default`. */
export function poolForChannel(index: AvailabilityIndex, channel: string): string {
  return index.poolOfChannel(channel)?.id ?? 'default';
}

/**
 * Resolves an order's channel and pool. The channel is the one given, else the explicit pool's own channel,
 * else the key's first bound channel, else `default`. An explicit pool must agree with it: a pool dedicated
 * to another channel, or any pool but the channel's own when the channel has one, is a contradiction (400);
 * a bound key may name only its channels and their pools (403). An unknown pool is left for the reference
 * check to report with the other unknown names.
 */
export function salePool(index: AvailabilityIndex, ask: SaleAsk): SalePool {
  const named = ask.pool === undefined ? undefined : index.pool(ask.pool);
  const channel = ask.channel ?? named?.channel ?? ask.sellsOn?.[0] ?? 'default';
  if (ask.sellsOn && !ask.sellsOn.includes(channel)) {
    throw new DomainError('forbidden', `this key sells on ${list(ask.sellsOn)} only, not on channel '${channel}'`, [
      { path: 'channel', message: `must be one of ${list(ask.sellsOn)}` },
    ]);
  }
  const own = index.poolOfChannel(channel)?.id;
  if (ask.pool === undefined || !named) return { channel, pool: ask.pool ?? own ?? 'default' };
  checkBinding(index, ask.pool, ask.sellsOn);
  const agrees = named.channel === undefined ? own === undefined || own === named.id : named.channel === channel;
  if (!agrees) {
    const expected = own ?? 'default';
    throw new DomainError('invalid_request', `pool '${ask.pool}' does not serve channel '${channel}': ${channel} sales draw on pool '${expected}'`, [
      { path: 'pool', message: `must be '${expected}' for channel '${channel}', or left out` },
    ]);
  }
  return { channel, pool: ask.pool };
}

/**
 * The pool a cart hold draws on: the one given, else the pool of the key's first bound channel, else
 * `default`; a bound key may hold stock only in its channels' pools (403).
 */
export function holdPool(index: AvailabilityIndex, ask: Omit<SaleAsk, 'channel'>): string {
  const pool = ask.pool ?? (ask.sellsOn?.[0] === undefined ? 'default' : poolForChannel(index, ask.sellsOn[0]));
  if (index.pool(pool)) checkBinding(index, pool, ask.sellsOn);
  return pool;
}

/** Refuses (403) a pool that none of a bound key's channels draws on. */
function checkBinding(index: AvailabilityIndex, pool: string, sellsOn: readonly string[] | undefined): void {
  if (!sellsOn) return;
  const allowed = [...new Set(sellsOn.map((c) => poolForChannel(index, c)))];
  if (allowed.includes(pool)) return;
  throw new DomainError('forbidden', `this key sells on ${list(sellsOn)} only (pools ${allowed.join(', ')}), not on pool '${pool}'`, [
    { path: 'pool', message: `must be one of ${allowed.join(', ')}` },
  ]);
}

function list(channels: readonly string[]): string {
  return channels.length === 1 ? `channel '${channels[0]}'` : `channels ${channels.map((c) => `'${c}'`).join(', ')}`;
}
