import autocannon from 'autocannon';
import type { Mode } from './workload.js';

/**
 * One timed load against one intake server: autocannon over `connections` keep-alive connections, the
 * server's CPU read from /proc around it.
 */
/** `fulcrum-fronts`: the same server started with `--http-fronts N` (experimental), beside the default one. */
export type TargetName = 'bare' | 'fulcrum' | 'fulcrum-fronts' | 'postgres';

export interface Target {
  name: TargetName;
  url: string;
  /** CPU microseconds used so far by everything serving this target (for the peer: Node and PostgreSQL). */
  cpuMicros(): number;
  /** Optional further CPU counters read around the same load (e.g. the main process alone), per request in `Run.cpuMore`. */
  cpuMore?: Record<string, () => number>;
}

export interface Run {
  /** The workload: a mode of the main section, or the network section's `small` / `large`. */
  mode: Mode | 'small' | 'large';
  target: TargetName;
  rps: number;
  p50: number;
  p99: number;
  /** 2xx answers: acknowledged orders. */
  ok: number;
  non2xx: number;
  errors: number;
  cpuUsPerReq: number;
  /** `Target.cpuMore`'s counters, µs per request. */
  cpuMore?: Record<string, number>;
  requests: number;
}

export interface LoadOptions {
  connections: number;
  seconds: number;
  headers: Record<string, string>;
  /** Requests per second over all connections (autocannon's `overallRate`); unset: as fast as answers come. */
  rate?: number;
}

/**
 * `POST /orders` for `seconds`. One body is sent as is (autocannon builds the request once); several are
 * handed out round robin over all connections, so that the requests in flight at any moment are for
 * different SKUs (per-connection cycling would start every connection on the same SKU in lock step).
 */
export async function load(target: Target, mode: Run['mode'], bodies: readonly string[], options: LoadOptions): Promise<Run> {
  const headers = { 'content-type': 'application/json', ...options.headers };
  let next = 0;
  const request =
    bodies.length === 1
      ? { body: bodies[0]! }
      : { requests: [{ method: 'POST' as const, setupRequest: (req: autocannon.Request) => ({ ...req, body: bodies[next++ % bodies.length]! }) }] };
  const more = Object.entries(target.cpuMore ?? {});
  const more0 = more.map(([, read]) => read());
  const cpu0 = target.cpuMicros();
  const result = await autocannon({ url: `${target.url}/orders`, method: 'POST', connections: options.connections, duration: options.seconds, headers, ...request, ...(options.rate ? { overallRate: options.rate } : {}) });
  const cpu = target.cpuMicros() - cpu0;
  const requests = result.requests.total;
  const cpuMore = more.length > 0 ? Object.fromEntries(more.map(([name, read], i) => [name, (read() - more0[i]!) / Math.max(1, requests)])) : undefined;
  return {
    mode,
    target: target.name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    cpuUsPerReq: cpu / Math.max(1, requests),
    ...(cpuMore ? { cpuMore } : {}),
    requests,
  };
}
