import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { DEFAULT_BACKTEST_MAX_ORDERS, type Config } from './config.js';
import { IdempotencyKeys } from './engine/index.js';
import { attachFeed, type Feed, type FeedOptions } from './feed/index.js';
import { AuditLog } from './audit/index.js';
import { ApiKeys, generateKey, type ConfiguredKey } from './auth/index.js';
import {
  answerHalfClosedClients,
  answerMalformedRequests,
  capConnectionsPerAddress,
  createApp,
  DEFAULT_BODY_TIMEOUT_MS,
  DEFAULT_CONNECTION_CAPS,
  DEFAULT_RATE_LIMITS,
  HttpFronts,
  Metrics,
  unreadableRequest,
  type InFlight,
  type Lifecycle,
  type Receiving,
  type RefusedConnections,
} from './http/index.js';
import { Webhooks, type DeliverySettings } from './integrations/index.js';
import { openFulcrum, type Fulcrum, type RunningFulcrum } from './fulcrum/index.js';
import { loadPlugins } from './sdk/index.js';
import { storeStats, type StoreStats } from '../snapshots/index.js';
import { LookAheadSolver, PluginRegistry, SourcingPool, SourcingProfiles, type SourcingPoolOptions } from './sourcing/index.js';
import { BulkJobs } from './bulk/index.js';
import { Backups } from './backups/index.js';
import { ConsoleAssets, ConsoleLayouts } from './console/index.js';
import { fileURLToPath } from 'node:url';
import { Backtests, type BacktestsOptions } from './lab/index.js';
import { BUILT_IN_RULES, RuleRegistry, WorkflowCatalog } from './workflows/index.js';
import type { ClusterHooks } from './cluster/index.js';

export interface ServerOptions extends Partial<Omit<Config, 'dataDir'>> {
  dataDir: string;
  onFatal?: (error: Error) => void;
  /** Feed tuning beyond the two settings (limits, thresholds); tests shorten them. */
  feed?: Partial<FeedOptions>;
  /** Webhook delivery tuning beyond the settings (per-endpoint concurrency, jitter); tests shorten it. */
  webhooks?: DeliverySettings;
  /** Sourcing pool tuning beyond the worker count (queue, timeouts, inline threshold); tests shrink it. */
  sourcing?: Omit<SourcingPoolOptions, 'workers'>;
  /** Cluster mode: this server is one node's, in the role its cluster node gives it (see `src/cluster`). */
  cluster?: ClusterHooks;
  /** Backtest tuning beyond the order limit (chunk size, replay worker); tests shrink it. */
  backtests?: Omit<BacktestsOptions, 'maxOrders'>;
}

/** A listening Fulcrum server. */
export interface RunningServer {
  url: string;
  port: number;
  fulcrum: Fulcrum;
  running: RunningFulcrum;
  /** Experimental HTTP front processes' ids (`httpFronts > 0`), else empty. */
  httpFronts: number[];
  /** The live stock feed at `/ws`. */
  feed: Feed;
  /** Outbound webhooks: endpoints, outbox, delivery. */
  webhooks: Webhooks;
  /** Solves the look-ahead LP of the active profile's strategies that have the term (`refresh()` solves now). */
  lookAhead: LookAheadSolver;
  /** The admin key generated into the data dir when no keys were configured. */
  generatedAdminKey?: string;
  /** Every route the HTTP app serves, middleware included: the OpenAPI contract test checks each is described. */
  routes: ReadonlyArray<{ method: string; path: string }>;
  /**
   * A cluster follower's server becomes its leader's in place: starts what only the deciding node runs
   * (webhook delivery, the key configuration record, idempotency sweeps). Call once its engine's gate is open.
   */
  lead(): Promise<void>;
  close(): Promise<void>;
}

/** Connections waiting to be accepted; the kernel caps it at net.core.somaxconn (4096 here). */
const LISTEN_BACKLOG = 4096;

/** Opens the store, recovers, and serves HTTP. Used by `main.ts` and by tests (port 0). */

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const rules = new RuleRegistry(BUILT_IN_RULES);
  const plugins = options.plugins ? await loadPlugins(options.plugins) : [];
  for (const plugin of plugins) {
    for (const rule of plugin.rules ?? []) rules.add(rule, `plugin ${plugin.name}`, plugin.name);
  }
  let workflows: WorkflowCatalog | undefined;
  let workflowsReady: Promise<void> = Promise.resolve();
  const running = openFulcrum({
    dataDir: options.dataDir,
    // Workflow machines must be registered before recovery: stored entities name the version they run.
    prepare: ({ engine }) => {
      options.cluster?.prepare(engine);
      workflows = new WorkflowCatalog(engine, rules);
      workflowsReady = workflows.load(new Date(engine.clock.now()).toISOString());
      engine.workflows = workflows;
    },
    ...(options.snapshotIntervalMs !== undefined ? { snapshotIntervalMs: options.snapshotIntervalMs } : {}),
    ...(options.onFatal ? { onFatal: options.onFatal } : {}),
    ...(options.unsafeEarlyAck ? { unsafeEarlyAck: true } : {}),
    // A cluster node rebuilds its store from the journal stream at every start, so a flush to its own disk
    // protects nothing: what it acknowledges is held by the stream's quorum (and committed here).
    ...(options.cluster ? { flushToDisk: false } : {}),
  });
  const { fulcrum } = running;
  const { engine } = fulcrum;
  // A follower only applies what its leader decided and wrote: it delivers no webhooks, sweeps no keys and
  // records no configuration of its own.
  let decides = options.cluster === undefined || options.cluster.role === 'leader';
  await workflowsReady;
  const sourcingProfiles = new SourcingProfiles(fulcrum, new PluginRegistry(plugins));
  await sourcingProfiles.load(new Date(engine.clock.now()).toISOString());
  let configured = options.apiKeys ?? [];
  let generatedAdminKey: string | undefined;
  if (configured.length === 0) {
    generatedAdminKey = adminKey(options.dataDir);
    configured = [{ key: generatedAdminKey, role: 'admin' }];
  }
  const metrics = new Metrics();
  const inFlight: InFlight = { current: 0, shed: 0 };
  metrics.gauge('fulcrum_http_in_flight', 'Requests being processed now.', () => inFlight.current);
  metrics.counter('fulcrum_http_shed_total', 'Requests refused with 503 because too many were in flight.', () => inFlight.shed);
  const receiving: Receiving = { current: 0, timedOut: 0 };
  metrics.gauge('fulcrum_http_bodies_receiving', 'Request bodies still arriving (they hold no in-flight slot).', () => receiving.current);
  metrics.counter('fulcrum_http_body_timeouts_total', 'Requests answered 408 because their body did not arrive in time, since start.', () => receiving.timedOut);
  const refused: RefusedConnections = { perKey: 0, perAddress: 0 };
  metrics.counter('fulcrum_http_connections_refused_per_key_total', 'Connections refused with 429: their API key had its cap of connections open, since start.', () => refused.perKey);
  metrics.counter('fulcrum_http_connections_refused_per_address_total', 'Connections refused with 429: their address had its cap of connections open, since start.', () => refused.perAddress);
  const idempotency = new IdempotencyKeys(engine);
  registerGauges(metrics, running);
  const webhooks = new Webhooks(engine, {
    maxAttempts: options.webhookMaxAttempts,
    baseDelayMs: options.webhookRetryBaseMs,
    maxDelayMs: options.webhookRetryMaxMs,
    timeoutMs: options.webhookTimeoutMs,
    concurrency: options.webhookConcurrency,
    ...options.webhooks,
  });
  engine.outbox = webhooks.outbox;
  if (decides) webhooks.start();
  const delivery = webhooks.dispatcher.stats;
  metrics.counter('fulcrum_webhook_deliveries_total', 'Webhook deliveries a receiver accepted (2xx) since start.', () => delivery.delivered);
  metrics.counter('fulcrum_webhook_failed_attempts_total', 'Webhook attempts that failed (non-2xx, timeout, network) since start.', () => delivery.failedAttempts);
  metrics.counter('fulcrum_webhook_dead_letters_total', 'Webhook deliveries that ran out of attempts since start.', () => delivery.deadLettered);
  const bulk = new BulkJobs(fulcrum, { maxBatchBytes: options.maxBatchBytes ?? 1024 ** 3 });
  // Wall time, not the engine's clock: a backup's times are when it was taken on this machine.
  const backups = new Backups({ source: engine.store.root, dataDir: options.dataDir, now: Date.now });
  const keys = new ApiKeys(configured);
  const audit = new AuditLog(engine);
  if (decides) await recordKeyConfiguration(audit, engine, keys, configured);
  const sourcingPool = new SourcingPool({ ...options.sourcing, ...(options.sourcingWorkers !== undefined ? { workers: options.sourcingWorkers } : {}) });
  const pooled = () => sourcingPool.stats;
  metrics.counter('fulcrum_sourcing_inline_total', 'Problems of large orders that turned out small enough to solve on the engine thread, since start.', () => pooled().inline);
  metrics.counter('fulcrum_sourcing_pooled_total', 'Sourcing problems solved by a worker since start.', () => pooled().pooled);
  metrics.counter('fulcrum_sourcing_fallbacks_total', 'Pooled problems answered with the greedy plan (worker crash or timeout) since start.', () => pooled().fallbacks);
  metrics.counter('fulcrum_sourcing_shed_total', 'Orders refused with 503 because the sourcing queue was full, since start.', () => pooled().shed);
  const lookAhead = new LookAheadSolver(fulcrum);
  lookAhead.start();
  metrics.counter('fulcrum_sourcing_lookahead_failures_total', 'Look-ahead LP solves that failed or timed out since start (the previous future values stay).', () => lookAhead.failures);
  metrics.gauge('fulcrum_sourcing_lookahead_solve_seconds', 'Time the worker spent on the last look-ahead LP that answered (every SKU and scenario of one strategy).', () => lookAhead.lastSolveMs / 1000);
  const backtests = new Backtests(fulcrum, sourcingProfiles, { ...options.backtests, maxOrders: options.backtestMaxOrders ?? DEFAULT_BACKTEST_MAX_ORDERS });
  const sourcing = { profiles: sourcingProfiles, pool: sourcingPool, backtests };
  const lifecycle: Lifecycle = { draining: false };
  // The console's bundle sits beside the compiled server (dist/console, built by `npm run build`).
  const assets = new ConsoleAssets(fileURLToPath(new URL('../console/', import.meta.url)));
  for (const plugin of plugins) {
    if (plugin.console) assets.add(`plugins/${plugin.name}.js`, readFileSync(plugin.console.script));
  }
  const consoleDeps = { assets, layouts: new ConsoleLayouts(engine) };
  const app = createApp({ fulcrum, audit, idempotency, metrics, bulk, backups, keys, webhooks, sourcing, console: consoleDeps, ...(options.cluster ? { cluster: options.cluster.view } : {}), corsOrigins: options.corsOrigins ?? [], maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024, workflows: { catalog: workflows!, rules }, rateLimits: options.rateLimits ?? DEFAULT_RATE_LIMITS, maxInFlight: options.maxInFlight ?? 4096, inFlight,
    body: { timeoutMs: options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS, receiving },
    connections: { maxPerKey: options.maxConnectionsPerKey ?? DEFAULT_CONNECTION_CAPS.perKey, refused },
  }, lifecycle);

  // What `serve` builds, plus what it cannot pass on: an answer in the envelope for requests the adapter
  // cannot read, and those without a Host header (Node's own check would answer them with a bare 400).
  const host = options.host ?? '127.0.0.1';
  const listener = getRequestListener(app.fetch, { hostname: host, errorHandler: unreadableRequest });
  const server = createServer({ requireHostHeader: false }, listener);
  server.keepAliveTimeout = 65_000;
  answerMalformedRequests(server);
  answerHalfClosedClients(server);
  const maxPerAddress = options.maxConnectionsPerAddress ?? DEFAULT_CONNECTION_CAPS.perAddress;
  // Experimental: fronts parse HTTP in their own processes and the engine's process only serves the app.
  // The HTTP server above then never listens: the feed stays attached to it, and upgrades a front hands back
  // are emitted on it.
  let fronts: HttpFronts | undefined;
  if (options.httpFronts) {
    const caps = new EventEmitter();
    capConnectionsPerAddress(caps, maxPerAddress, refused);
    fronts = await HttpFronts.start({ count: options.httpFronts, listener, maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024, maxBatchBytes: options.maxBatchBytes ?? 1024 ** 3, body: { timeoutMs: options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS, receiving }, onConnection: (socket) => caps.emit('connection', socket), onUpgrade: (request, socket, head) => server.emit('upgrade', request, socket, head) });
    const f = fronts;
    metrics.gauge('fulcrum_http_fronts_alive', 'HTTP front processes running and ready (experimental `--http-fronts`).', () => f.alive);
    metrics.counter('fulcrum_http_fronts_restarts_total', 'HTTP front processes that exited and were replaced, since start.', () => f.stats.restarts);
    metrics.counter('fulcrum_http_fronts_requests_forwarded_total', 'Requests the HTTP fronts forwarded to this process, since start.', () => f.stats.forwarded);
    metrics.counter('fulcrum_http_fronts_ipc_messages_in_total', 'IPC messages received from the HTTP fronts (requests arrive batched per event-loop turn), since start.', () => f.stats.messagesIn);
    metrics.counter('fulcrum_http_fronts_ipc_messages_out_total', 'IPC messages of replies sent to the HTTP fronts (batched per event-loop turn), since start.', () => f.stats.messagesOut);
  } else {
    capConnectionsPerAddress(server, maxPerAddress, refused);
  }
  const listening = fronts?.server ?? server;
  // Everything is in place before the port opens: a client that connects at all (a `/health` check, then
  // a feed connection) finds the feed attached, never the plain HTTP app answering its upgrade with 401.
  const feed = await attachFeed({ server, fulcrum, keys, metrics, origins: options.corsOrigins ?? [], options: { windowMs: options.feedWindowMs, processes: options.feedProcesses, ...options.feed } });
  try {
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      // A flash sale opens thousands of connections at once: past the listen backlog (Node's default 511)
      // the kernel drops the handshakes and clients wait 1 s, then 3 s, for their retransmits.
      listening.listen({ port: options.port ?? 8080, host, backlog: LISTEN_BACKLOG }, () => resolve());
    });
  } catch (e) {
    await feed.close();
    await fronts?.close();
    throw e;
  }
  const sweep = setInterval(() => decides && idempotency.sweep(engine.clock.now()), 3_600_000).unref();
  const port = (listening.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    fulcrum,
    running,
    get httpFronts() {
      return fronts?.pids ?? [];
    },
    feed,
    webhooks,
    lookAhead,
    ...(generatedAdminKey ? { generatedAdminKey } : {}),
    routes: app.routes.map(({ method, path }) => ({ method, path })),
    lead: async () => {
      if (decides) return;
      decides = true;
      webhooks.start();
      await recordKeyConfiguration(audit, engine, keys, configured);
    },
    close: () =>
      (closing ??= (async () => {
        lifecycle.draining = true;
        clearInterval(sweep);
        await feed.close();
        // Running bulk loads stop first (they end `interrupted`), so no chunk is applied while the store closes.
        await bulk.close();
        if (fronts) await fronts.close();
        else {
          await new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeIdleConnections();
            setTimeout(() => server.closeAllConnections(), 2000).unref();
          });
        }
        // No request waits on a worker any more: sourcing problems still running finish, then the threads stop.
        await sourcingPool.close();
        await lookAhead.close();
        await backtests.close();
        // Attempts in flight are cut short and stay in the outbox; outcomes already decided are written first.
        await webhooks.stop();
        // A backup still copying reads the store through LMDB: it finishes before the store closes.
        await backups.close();
        metrics.close();
        await running.close();
      })()),
  };
}

/**
 * Records the key configuration (ids, roles, channel bindings; never the keys) in the audit log when it
 * differs from the one the last start recorded: keys are configured at start, so that is when they change.
 */
async function recordKeyConfiguration(audit: AuditLog, engine: Fulcrum['engine'], keys: ApiKeys, configured: ReadonlyArray<ConfiguredKey>): Promise<void> {
  const after = configured
    .map((k) => ({ id: keys.lookup(k.key)!.keyId, role: k.role, ...(k.channels ? { channels: [...k.channels] } : {}) }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const before = (engine.store.meta.get('audit.keys') as unknown) ?? null;
  if (JSON.stringify(before) === JSON.stringify(after)) return;
  const recorded = audit.record({ by: 'config', action: 'keys.configure', target: { type: 'keys', id: 'api-keys' }, before, after });
  await Promise.all([recorded, engine.journal.whenFlushed(engine.store.meta.put('audit.keys', after))]);
}

/** The admin key stored in the data dir, generated on first start when no keys are configured. */
function adminKey(dataDir: string): string {
  const file = join(dataDir, 'admin.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = generateKey();
  writeFileSync(file, key + '\n', { mode: 0o600 });
  return key;
}

function registerGauges(metrics: Metrics, running: RunningFulcrum): void {
  const { fulcrum, snapshotter } = running;
  const { engine, orders } = fulcrum;
  metrics.counter('fulcrum_orders_placed_total', 'Orders sourced and reserved since start.', () => orders.counters.ordersPlaced);
  metrics.counter('fulcrum_orders_rejected_total', 'Orders refused for insufficient stock since start.', () => orders.counters.ordersRejected);
  metrics.counter('fulcrum_journal_steps_total', 'Commands journaled since start.', () => engine.counters.steps);
  metrics.counter('fulcrum_journal_facts_total', 'Facts journaled since start.', () => engine.counters.facts);
  metrics.counter('fulcrum_journal_commits_total', 'LMDB transactions that carried journal entries (group commits).', () => engine.journal.commits);
  metrics.gauge('fulcrum_journal_next_seq', 'The next journal sequence.', () => engine.journal.nextSeq);
  for (const [q, label] of [[0.5, 'p50'], [0.99, 'p99']] as const) {
    metrics.gauge(`fulcrum_journal_flush_${label}_seconds`, `Time from a group commit's first append to its flush to disk, ${label} of the last 4,096 commits.`, () => engine.journal.flushTimes.quantile(q) / 1000);
  }
  engine.journal.onFlushed = metrics.histogram(
    'fulcrum_journal_flush_seconds',
    "Time from a group commit's first append to its flush to disk: the floor under an acknowledgement's latency.",
    [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  );
  fulcrum.sourcing.onSolved = metrics.histogram('fulcrum_sourcing_solve_seconds', "Time the optimizer spent on one problem (an order's strategy), inline or in a worker.", [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 1]);
  metrics.counter('fulcrum_stock_short_total', 'Counts that fell below reservations since start.', () => engine.counters.stockShortSignals);
  metrics.gauge('fulcrum_live_orders', 'Order actors in memory.', () => engine.registry.orders.size);
  metrics.gauge('fulcrum_live_locations', 'Location actors in memory.', () => engine.registry.locations.size);
  metrics.gauge('fulcrum_dirty_actors', 'Actors changed since their last snapshot.', () => engine.registry.dirty.size);
  metrics.gauge('fulcrum_snapshot_last_pass_seconds', 'Duration of the last snapshot pass.', () => snapshotter.stats.lastPassMs / 1000);
  metrics.counter('fulcrum_orders_passivated_total', 'Finished orders moved out of memory since start.', () => snapshotter.stats.passivated);
  // The store's size: every finished order keeps its record, decision and timeline (about 1.4 KB), and nothing
  // removes them yet, so an operator watches the disk here. One reading of LMDB's statistics per scrape.
  let read: { at: number; stats: StoreStats } | undefined;
  const stats = () => {
    if (read === undefined || Date.now() - read.at > 1_000) read = { at: Date.now(), stats: storeStats(engine.store) };
    return read.stats;
  };
  metrics.gauge('fulcrum_store_file_bytes', "The LMDB file's size on disk (grown ahead of use, never shrunk).", () => stats().fileBytes);
  metrics.gauge('fulcrum_store_used_bytes', 'The LMDB pages written so far, free ones included.', () => stats().usedBytes);
  metrics.labeledGauge('fulcrum_store_records', 'Records in each of the store\'s databases.', 'db', () => stats().databases.map((d) => [d.name, d.records] as const));
  metrics.labeledGauge('fulcrum_store_bytes', "The bytes of each of the store's databases' pages.", 'db', () => stats().databases.map((d) => [d.name, d.bytes] as const));
}
