import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request, startProcess, stop, treeCpuMicros } from '../lib/processes.js';
import type { FromBenchServer } from '../feed/protocol.js';
import { fulcrumApi, orderBody, seedNetwork, SITES } from '../lib/fulcrum-api.js';
import { burst, type BurstResult } from './burst.js';

type Loop = Extract<FromBenchServer, { t: 'loop' }>;

/** One overload run: a server with the given in-flight bound under far more concurrent requests. */
export interface OverloadRun {
  maxInFlight: number;
  connections: number;
  result: BurstResult;
  loop: { p50: number; p99: number; max: number };
  /** `fulcrum_http_shed_total` after the burst. */
  shed: number;
}

export interface OverloadOptions {
  requests: number;
  connections: number;
  /** The in-flight bounds to compare, each on a fresh server: a low one that sheds, the default that does not. */
  bounds: number[];
  admin: string;
  storefront: string;
}

/**
 * Load shedding under overload: the same burst of order requests (each for a SKU with plenty of stock, so
 * every request the server takes succeeds) against fresh servers that differ only in their in-flight
 * bound. With a bound far below the connections, the excess gets 503 at once; the engine's event-loop
 * delay and the latency of the requests taken show what the bound buys against the default bound, under
 * which every request queues.
 */
export async function overload(o: OverloadOptions): Promise<OverloadRun[]> {
  const runs: OverloadRun[] = [];
  for (const maxInFlight of o.bounds) {
    const dataDir = mkdtempSync(join(tmpdir(), 'fulcrum-overload-'));
    const server = await startProcess(fileURLToPath(new URL('../feed/fulcrum-server.js', import.meta.url)), ['--data-dir', dataDir, '--port', '0', '--max-in-flight', String(maxInFlight)], {
      // No rate limit: refusals here come from the in-flight bound alone.
      env: { FULCRUM_API_KEYS: `${o.admin}:admin,${o.storefront}:storefront`, FULCRUM_RATE_LIMITS: 'storefront:0' },
    });
    try {
      const api = fulcrumApi(server.url, o.admin);
      await seedNetwork(api, ['OVER-1'], SITES.map(([location]) => ({ location, sku: 'OVER-1', onHand: 10_000_000 })));
      const pid = server.child.pid!;
      let n = 0;
      const body = () => orderBody(`over-${n++}`, [{ sku: 'OVER-1', qty: 1 }]);
      // A warm-up so that both servers have compiled their hot paths before the measured burst.
      await burst({ url: server.url, key: o.storefront, requests: Math.min(2_000, o.requests), connections: Math.min(100, o.connections), bodyFor: body });
      server.child.send({ t: 'loop-reset' });
      const shedBefore = await api.metric('fulcrum_http_shed_total');
      const result = await burst({ url: server.url, key: o.storefront, requests: o.requests, connections: o.connections, serverCpu: () => treeCpuMicros(pid), bodyFor: body });
      const loop = await request<Loop>(server.child, { t: 'loop-read' }, 'loop');
      runs.push({ maxInFlight, connections: o.connections, result, loop, shed: (await api.metric('fulcrum_http_shed_total')) - shedBefore });
    } finally {
      await stop(server);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return runs;
}
