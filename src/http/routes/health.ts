import { Hono, type Context } from 'hono';
import type { AppDeps, AppEnv } from '../env.js';
import { describe } from '../openapi/describe.js';
import { Health } from '../replies.js';

/** Where the server is in its life, as the health endpoints report it. */
export interface Lifecycle {
  /** Set when shutdown begins: no new work should be routed here, though requests still get answers. */
  draining: boolean;
}

/**
 * The health endpoints, served before authentication so that orchestrators and load balancers need no key.
 * - `/health/live`: the process can still do its job; 503 only after a fatal storage error (restart it).
 * - `/health/ready`: send traffic here. The server listens only once HTTP, the feed and the sourcing
 *   workers are set up, so the first 200 means a feed connection will be taken too; 503 with
 *   `Retry-After` while it shuts down or after a fatal error.
 * - `/health`: kept for existing checks; it answers like `/health/ready`, with the same body as before.
 */
export function healthRoutes({ fulcrum, cluster }: Pick<AppDeps, 'fulcrum' | 'cluster'>, lifecycle: Lifecycle): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { engine } = fulcrum;
  const notReady = (): { status: 'failed'; error: string } | { status: 'draining' } | { status: 'not_ready'; cluster: object } | undefined => {
    const failure = engine.failure;
    if (failure) return { status: 'failed', error: failure.message };
    if (lifecycle.draining) return { status: 'draining' };
    // A cluster node still catching up with the stream, about to reopen, or a leader that lost its lease.
    return cluster && !cluster.ready() ? { status: 'not_ready', cluster: cluster.status() } : undefined;
  };
  const unavailable = (c: Context<AppEnv>, body: object) => {
    c.header('Retry-After', '1');
    return c.json(body, 503);
  };
  app.get('/live', describe({ summary: 'Liveness', description: 'No key needed. 503 only after a fatal storage error: restart the process.', replies: { 200: { description: 'Live', schema: Health }, 503: { description: 'Failed', schema: Health } } }), (c) => {
    const failure = engine.failure;
    return failure ? c.json({ status: 'failed', error: failure.message }, 503) : c.json({ status: 'live' });
  });
  app.get('/ready', describe({ summary: 'Readiness', description: 'No key needed. 200 once HTTP, the feed and the workers are ready; 503 with `Retry-After` while shutting down or after a fatal error.', replies: { 200: { description: 'Ready', schema: Health }, 503: { description: 'Not ready', schema: Health } } }), (c) => {
    const problem = notReady();
    if (problem) return unavailable(c, problem);
    // In a cluster: role, leader, applied stream sequence and lag (`src/cluster`).
    return c.json({ status: 'ready', journalSeq: engine.journal.nextSeq - 1, feed: 'accepting', ...(cluster ? { cluster: cluster.status() } : {}) });
  });
  app.get('/', describe({ summary: 'Health (as readiness)', description: 'No key needed; answers like `/health/ready`.', replies: { 200: { description: 'Ready', schema: Health }, 503: { description: 'Not ready', schema: Health } } }), (c) => {
    const problem = notReady();
    if (problem) return unavailable(c, problem);
    return c.json({ status: 'ok', journalSeq: engine.journal.nextSeq - 1, orders: engine.registry.orders.size });
  });
  return app;
}
