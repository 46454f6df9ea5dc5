import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { Config } from './config.js';
import { IdempotencyKeys, openEngine, type Engine, type RunningEngine } from './engine/index.js';
import { ApiKeys, createApp, generateKey, Metrics } from './http/index.js';

export interface ServerOptions extends Partial<Omit<Config, 'dataDir'>> {
  dataDir: string;
  onFatal?: (error: Error) => void;
}

/** A listening Fulcrum server. */
export interface RunningServer {
  url: string;
  port: number;
  engine: Engine;
  running: RunningEngine;
  /** The admin key generated into the data dir when no keys were configured. */
  generatedAdminKey?: string;
  close(): Promise<void>;
}

/** Opens the store, recovers, and serves HTTP. Used by `main.ts` and by tests (port 0). */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const running = openEngine({
    dataDir: options.dataDir,
    ...(options.snapshotIntervalMs !== undefined ? { snapshotIntervalMs: options.snapshotIntervalMs } : {}),
    ...(options.onFatal ? { onFatal: options.onFatal } : {}),
    ...(options.unsafeEarlyAck ? { unsafeEarlyAck: true } : {}),
  });
  const { engine } = running;
  let configured = options.apiKeys ?? [];
  let generatedAdminKey: string | undefined;
  if (configured.length === 0) {
    generatedAdminKey = adminKey(options.dataDir);
    configured = [{ key: generatedAdminKey, role: 'admin' }];
  }
  const metrics = new Metrics();
  const idempotency = new IdempotencyKeys(engine);
  registerGauges(metrics, running);
  const app = createApp({ engine, idempotency, metrics, keys: new ApiKeys(configured), maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024 });

  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 8080, hostname: options.host ?? '127.0.0.1' }, () => resolve(s as Server));
    s.once('error', reject);
  });
  server.keepAliveTimeout = 65_000;
  const sweep = setInterval(() => idempotency.sweep(engine.clock.now()), 3_600_000).unref();
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    engine,
    running,
    ...(generatedAdminKey ? { generatedAdminKey } : {}),
    close: () =>
      (closing ??= (async () => {
        clearInterval(sweep);
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          setTimeout(() => server.closeAllConnections(), 2000).unref();
        });
        metrics.close();
        await running.close();
      })()),
  };
}

/** The admin key stored in the data dir, generated on first start when no keys are configured. */
function adminKey(dataDir: string): string {
  const file = join(dataDir, 'admin.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = generateKey();
  writeFileSync(file, key + '\n', { mode: 0o600 });
  return key;
}

function registerGauges(metrics: Metrics, running: RunningEngine): void {
  const { engine, snapshotter } = running;
  metrics.gauge('fulcrum_orders_placed_total', 'Orders sourced and reserved since start.', () => engine.counters.ordersPlaced);
  metrics.gauge('fulcrum_orders_rejected_total', 'Orders refused for insufficient stock since start.', () => engine.counters.ordersRejected);
  metrics.gauge('fulcrum_journal_steps_total', 'Commands journaled since start.', () => engine.counters.steps);
  metrics.gauge('fulcrum_journal_facts_total', 'Facts journaled since start.', () => engine.counters.facts);
  metrics.gauge('fulcrum_journal_commits_total', 'LMDB transactions that carried journal entries (group commits).', () => engine.journal.commits);
  metrics.gauge('fulcrum_journal_next_seq', 'The next journal sequence.', () => engine.journal.nextSeq);
  metrics.gauge('fulcrum_stock_short_total', 'Counts that fell below reservations since start.', () => engine.counters.stockShortSignals);
  metrics.gauge('fulcrum_live_orders', 'Order actors in memory.', () => engine.registry.orders.size);
  metrics.gauge('fulcrum_live_locations', 'Location actors in memory.', () => engine.registry.locations.size);
  metrics.gauge('fulcrum_dirty_actors', 'Actors changed since their last snapshot.', () => engine.registry.dirty.size);
  metrics.gauge('fulcrum_snapshot_last_pass_ms', 'Duration of the last snapshot pass.', () => snapshotter.stats.lastPassMs);
  metrics.gauge('fulcrum_orders_passivated_total', 'Finished orders moved out of memory since start.', () => snapshotter.stats.passivated);
}
