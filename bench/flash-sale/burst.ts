import autocannon from 'autocannon';

/** What one burst of order requests produced. */
export interface BurstResult {
  requests: number;
  /** From the first request (connections included) to the last reply. */
  seconds: number;
  requestsPerSecond: number;
  /** 201s per second over the whole burst. */
  ordersPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  /** Count per HTTP status. */
  statuses: Record<string, number>;
  /** Count per error type of the non-2xx replies (`insufficient_stock`, `unavailable`, ...). */
  errorTypes: Record<string, number>;
  /** Socket errors and timeouts. */
  errors: number;
  /**
   * Latency by HTTP status (from the request's setup to its reply, ms): p50 / p99 / max, leaving out each
   * connection's first request, which also waits for its connection to be accepted (`firstRequests`).
   */
  latencyByStatus: Record<string, { p50: number; p99: number; max: number }>;
  /** Latency of each connection's first request, whatever its status. */
  firstRequests: { p50: number; p99: number; max: number };
  /** Every 201: the order id and its lines as the reply gave them. */
  created: Array<{ id: string; lines: Array<{ sku: string; qty: number }> }>;
  /** Time from the burst's start to the last 201 (when the stock sold out, in the flash sale). */
  lastCreatedMs: number;
  /** Server CPU (user + system) per request, microseconds, when `serverCpu` is given. */
  serverCpuPerRequestUs: number;
}

export interface BurstOptions {
  url: string;
  key: string;
  requests: number;
  connections: number;
  /** The body of the i-th request. */
  bodyFor: (i: number) => string;
  /** The server's CPU time so far, microseconds. */
  serverCpu?: () => number;
}

/**
 * `requests` order requests over `connections` keep-alive connections, all issued at once: each connection
 * sends its share back to back (no pipelining), so `connections` are in flight at any moment. autocannon
 * measures each request from its write to its complete reply; the replies are parsed to count 201s per SKU
 * and the error types of the refusals.
 */
export async function burst(o: BurstOptions): Promise<BurstResult> {
  let issued = 0;
  const created: BurstResult['created'] = [];
  const errorTypes: Record<string, number> = {};
  let lastCreatedMs = 0;
  let lastReplyMs = 0;
  const byStatus = new Map<number, number[]>();
  const firsts: number[] = [];
  const cpu0 = o.serverCpu?.() ?? 0;
  const started = Date.now();
  const result = await autocannon({
    url: o.url,
    connections: o.connections,
    amount: o.requests,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: '/orders',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${o.key}` },
        setupRequest: (req, context) => {
          // autocannon resets a connection's context after each request; the first `connections` requests
          // set up are the connections' first ones.
          const c = context as { sentAt?: number; index?: number };
          c.sentAt = performance.now();
          c.index = issued;
          return { ...req, body: o.bodyFor(issued++) };
        },
        onResponse: (status, body, context) => {
          lastReplyMs = Date.now() - started;
          const c = context as { sentAt?: number; index?: number };
          const took = performance.now() - (c.sentAt ?? performance.now());
          if ((c.index ?? 0) < o.connections) firsts.push(took);
          else {
            let list = byStatus.get(status);
            if (!list) byStatus.set(status, (list = []));
            list.push(took);
          }
          const reply = JSON.parse(body);
          if (status === 201) {
            created.push({ id: reply.id, lines: reply.lines.map((l: { sku: string; qty: number }) => ({ sku: l.sku, qty: l.qty })) });
            lastCreatedMs = Date.now() - started;
          } else {
            const type = reply?.error?.type ?? `status ${status}`;
            errorTypes[type] = (errorTypes[type] ?? 0) + 1;
          }
        },
      },
    ],
  });
  const cpu = o.serverCpu ? o.serverCpu() - cpu0 : NaN;
  // autocannon's own duration is rounded up to its once-a-second ticker when it stops after `amount`.
  const seconds = lastReplyMs / 1000;
  const statuses: Record<string, number> = {};
  for (const [code, s] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = (s as { count: number }).count;
  const requests = result.requests.total;
  return {
    requests,
    seconds,
    requestsPerSecond: requests / seconds,
    ordersPerSecond: created.length / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    statuses,
    errorTypes,
    errors: result.errors + result.timeouts,
    created,
    latencyByStatus: Object.fromEntries([...byStatus].map(([status, xs]) => [String(status), percentiles(xs)])),
    firstRequests: percentiles(firsts),
    lastCreatedMs,
    serverCpuPerRequestUs: cpu / Math.max(1, requests),
  };
}

function percentiles(xs: number[]): { p50: number; p99: number; max: number } {
  const sorted = Float64Array.from(xs).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN };
}
