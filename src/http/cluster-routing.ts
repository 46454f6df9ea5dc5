import type { Context, MiddlewareHandler } from 'hono';
import type { ClusterView } from '../cluster/index.js';
import { DomainError } from '../domain/errors.js';
import type { AppEnv } from './env.js';

/** How long a read that asks for a journal sequence waits for this node to apply it. */
const MIN_SEQ_WAIT_MS = 5000;

/** Marks a write a follower forwarded. */
const FORWARDED = 'fulcrum-forwarded';

/** Request headers not passed on to the leader: hop-by-hop ones, and those `fetch` sets itself. */
const HOP_HEADERS = new Set(['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'upgrade', 'expect']);

/**
 * Cluster mode at the edge: clients see one API whichever node they call.
 * - A write (any method but GET, HEAD, OPTIONS) sent to a follower is forwarded to the leader, and the
 *   leader's answer is returned as it is; between leaders it gets 503 with Retry-After. A backup is the
 *   exception: it copies the store of the node it is sent to (a follower's names the stream sequence it covers).
 * - Every answer carries `Fulcrum-Applied-Seq`: the journal stream sequence this node had applied (the
 *   leader: had acknowledged by a quorum) when it answered; after a write it covers that write.
 * - A read with `Fulcrum-Min-Seq: N` waits until this node applied N (up to 5 s, then 503): a client reads
 *   its own writes from any node by sending the sequence its write's answer carried.
 */
export function routeInCluster(view: ClusterView): MiddlewareHandler<AppEnv> {
  return async function routeInCluster(c, next) {
    const method = c.req.method;
    if (view.role === 'follower' && method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS' && !servedLocally(c.req.path)) return forward(c, view);
    const min = c.req.header('fulcrum-min-seq');
    if (min !== undefined) {
      if (!/^\d{1,15}$/.test(min)) throw new DomainError('invalid_request', 'Fulcrum-Min-Seq must be a journal stream sequence (a whole number)', [{ path: 'Fulcrum-Min-Seq', message: 'not a whole number' }]);
      if (!(await view.waitForSeq(Number(min), MIN_SEQ_WAIT_MS))) {
        throw new DomainError('unavailable', `this node has applied the journal up to ${view.appliedSeq()}, not yet ${min}; retry, or read from the leader`);
      }
    }
    await next();
    c.res.headers.set('Fulcrum-Applied-Seq', String(view.appliedSeq()));
  };
}

/** Requests about this node's own store, which no other node can answer: backups. */
function servedLocally(path: string): boolean {
  return path === '/ops/backups' || path.startsWith('/ops/backups/');
}

async function forward(c: Context<AppEnv>, view: ClusterView): Promise<Response> {
  const leader = view.leaderUrl();
  if (!leader) throw new DomainError('unavailable', 'the cluster has no leader right now (an election is under way); retry');
  // Forwarded once only: two followers that disagree about the leader for a moment must not bounce a write.
  if (c.req.header(FORWARDED) !== undefined) throw new DomainError('unavailable', 'this node is not the leader any more; retry');
  const headers = new Headers();
  c.req.raw.headers.forEach((value, name) => {
    if (!HOP_HEADERS.has(name)) headers.set(name, value);
  });
  headers.set(FORWARDED, '1');
  const url = new URL(c.req.url);
  let res: Response;
  try {
    res = await fetch(leader + url.pathname + url.search, { method: c.req.method, headers, body: await c.req.raw.arrayBuffer(), redirect: 'manual' });
  } catch (e) {
    throw new DomainError('unavailable', `the leader at ${leader} did not answer (${(e as Error).message}); retry`);
  }
  const out = new Headers(res.headers);
  // fetch decoded the body; its length and encoding headers no longer describe it.
  out.delete('content-encoding');
  out.delete('content-length');
  out.delete('transfer-encoding');
  out.set('Fulcrum-Forwarded-To', leader);
  return new Response(await res.arrayBuffer(), { status: res.status, headers: out });
}
