import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Committed } from '../engine/index.js';
import type { AppEnv } from './env.js';

/**
 * Replies to a command once its facts are durable: nothing is acknowledged before the flush. An
 * idempotent reply is stored in the same event turn as the facts, so both share one LMDB transaction.
 */
export async function reply<T>(c: Context<AppEnv>, status: ContentfulStatusCode, committed: Committed<T>): Promise<Response> {
  const saved = c.get('idempotency')?.save(status, committed.value);
  // Both at once: in a cluster either can be refused (the leader lost its lease), and neither may be left
  // unawaited when the other fails.
  await Promise.all([committed.durable, saved]);
  return c.json(committed.value as object, status);
}
