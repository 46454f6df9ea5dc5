import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_FEED_OPTIONS } from './feed/index.js';
import { BINDABLE_ROLES, ROLES, type ConfiguredKey, type Role } from './auth/index.js';
import { DEFAULT_BODY_TIMEOUT_MS, DEFAULT_CONNECTION_CAPS, parseRateLimits, type RateLimits } from './http/index.js';
import { DEFAULT_DELIVERY, DEFAULT_RETRY } from './integrations/index.js';

/** Every setting of the server, validated at start. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  apiKeys: ConfiguredKey[];
  demo: boolean;
  /** With `demo`: also orders, pre-orders on inbound, an alert and returns, made through the API, so every console screen shows something. */
  demoActivity: boolean;
  /** Origins whose pages may call the API and open the feed from a browser; empty: no CORS, any WebSocket Origin. */
  corsOrigins: string[];
  maxBodyBytes: number;
  /** Largest body of a bulk load (`POST /inventory/batch`), which streams and so is not held in memory. */
  maxBatchBytes: number;
  snapshotIntervalMs: number;
  /** Requests per second per API key, by role (token buckets). */
  rateLimits: RateLimits;
  /** Requests processed at once before new ones are shed with 503 (a request counts once its body has arrived). */
  maxInFlight: number;
  /** A request body must arrive whole within this time after the headers, or the request gets 408. */
  bodyTimeoutMs: number;
  /** Connections one API key may have open at once; past it a new connection gets 429. */
  maxConnectionsPerKey: number;
  /** Connections one client address may have open at once; past it a new connection gets 429 and is closed. */
  maxConnectionsPerAddress: number;
  /** A directory of plugin modules (`*.js`, each `export default definePlugin({...})`) loaded at start. */
  plugins: string | undefined;
  /** Live stock feed: changes to one (pool, SKU) within this window go out as one update. */
  feedWindowMs: number;
  /** Live stock feed: processes that own the WebSocket clients; 0 fans out on the engine's thread. */
  feedProcesses: number;
  /** Experimental: processes that parse HTTP and read bodies for the engine's process; 0 = none (default). */
  httpFronts: number;
  /** Webhooks: one delivery attempt may take this long before it counts as failed. */
  webhookTimeoutMs: number;
  /** Webhooks: attempts per delivery, the first included, before it becomes a dead letter. */
  webhookMaxAttempts: number;
  /** Webhooks: the ceiling of the first retry wait (it doubles per attempt, with full jitter). */
  webhookRetryBaseMs: number;
  /** Webhooks: no retry wait is longer than this. */
  webhookRetryMaxMs: number;
  /** Webhooks: attempts in flight at once, over all endpoints. */
  webhookConcurrency: number;
  /** Sourcing: worker threads that solve large sourcing problems off the engine's thread. */
  sourcingWorkers: number;
  /** A backup directory to restore into the (new or empty) data dir before starting; `--restore-from`, flag only. */
  restoreFrom: string | undefined;
  /** Sourcing lab: most orders one backtest may replay (`POST /sourcing/backtests`); a longer period gets 409. */
  backtestMaxOrders: number;
  /** Test-only negative control (FULCRUM_UNSAFE_EARLY_ACK=1): acknowledge before the commit. Never in production. */
  unsafeEarlyAck: boolean;
  /** Cluster mode when set: the NATS servers (with JetStream) that hold the journal stream and the lease. */
  natsUrls: string[] | undefined;
  /** Cluster mode: this node's name, unique in the cluster. */
  nodeId: string;
  /** Cluster mode: how long the leader's lease lasts without renewal; takeover after a crash takes about this long. */
  clusterLeaseMs: number;
  /** Cluster mode: how long an append may wait for the quorum's ack before the leader steps down. */
  clusterPublishTimeoutMs: number;
  /** Cluster mode: how many journal appends may wait for their quorum acks at once (later turns batch meanwhile). */
  clusterPublishWindow: number;
  /** Cluster mode: how often a follower uploads a store snapshot for new and long-lost nodes to start from. */
  clusterSnapshotMs: number;
  /** Cluster mode: how many snapshots the object store keeps; the journal stream is trimmed behind the oldest. */
  clusterSnapshotsKept: number;
  /** Test-only negative control (FULCRUM_UNSAFE_CLUSTER_ACK=1): acknowledge before the quorum holds a write. */
  unsafeClusterAck: boolean;
}

/** Orders one backtest may replay by default: twice the 100,000 of the benchmark's 60-second goal. */
export const DEFAULT_BACKTEST_MAX_ORDERS = 200_000;

/** A setting with a bad value; the message names the setting and says what it accepts. */
export class ConfigError extends Error {}

interface Setting {
  flag: string;
  env: string;
  help: string;
}

const SETTINGS = {
  port: { flag: 'port', env: 'FULCRUM_PORT', help: 'TCP port to listen on (default 8080, or PORT when set; 0 picks a free one)' },
  host: { flag: 'host', env: 'FULCRUM_HOST', help: 'address to bind (default 127.0.0.1; 0.0.0.0 for all interfaces)' },
  dataDir: { flag: 'data-dir', env: 'FULCRUM_DATA_DIR', help: 'where the LMDB store lives (default ./data, created on first start)' },
  apiKeys: { flag: 'api-keys', env: 'FULCRUM_API_KEYS', help: 'key:role[:channel|channel],... with roles admin, ops, storefront, publishable; a storefront or publishable key may be bound to channels (key:storefront:web|b2c)' },
  corsOrigins: { flag: 'cors-origins', env: 'FULCRUM_CORS_ORIGINS', help: 'origins whose pages may call the API from a browser, e.g. https://shop.example.com,https://www.example.com; WebSocket upgrades from other origins get 403' },
  maxBodyBytes: { flag: 'max-body-bytes', env: 'FULCRUM_MAX_BODY_BYTES', help: 'largest request body (default 1048576)' },
  maxBatchBytes: { flag: 'max-batch-bytes', env: 'FULCRUM_MAX_BATCH_BYTES', help: 'largest bulk load body, streamed (default 1073741824)' },
  rateLimits: { flag: 'rate-limits', env: 'FULCRUM_RATE_LIMITS', help: 'role:perSecond[:burst],... per API key (default ops, storefront and publishable 10000/s, admin unlimited; 0 = unlimited)' },
  maxInFlight: { flag: 'max-in-flight', env: 'FULCRUM_MAX_IN_FLIGHT', help: 'requests processed at once before new ones get 503 (default 4096)' },
  bodyTimeoutMs: { flag: 'body-timeout-ms', env: 'FULCRUM_BODY_TIMEOUT_MS', help: 'time a request body has to arrive whole after its headers before 408 (default 5000)' },
  maxConnectionsPerKey: { flag: 'max-connections-per-key', env: 'FULCRUM_MAX_CONNECTIONS_PER_KEY', help: 'connections one API key may have open at once; past it 429 (default 4096)' },
  maxConnectionsPerAddress: { flag: 'max-connections-per-address', env: 'FULCRUM_MAX_CONNECTIONS_PER_ADDRESS', help: 'connections one client address may have open at once, feed included; past it 429 (default 16384)' },
  plugins: { flag: 'plugins', env: 'FULCRUM_PLUGINS', help: 'a directory of plugin modules (workflow bricks, sourcing terms) to load' },
  snapshotIntervalMs: { flag: 'snapshot-interval-ms', env: 'FULCRUM_SNAPSHOT_INTERVAL_MS', help: 'how often changed actors are snapshotted (default 1000)' },
  feedWindowMs: { flag: 'feed-window-ms', env: 'FULCRUM_FEED_WINDOW_MS', help: 'live feed: coalescing window per (pool, SKU) (default 50)' },
  feedProcesses: { flag: 'feed-processes', env: 'FULCRUM_FEED_PROCESSES', help: 'live feed: processes owning the WebSocket clients; 0 = in-process (default 1)' },
  httpFronts: { flag: 'http-fronts', env: 'FULCRUM_HTTP_FRONTS', help: 'experimental: processes parsing HTTP for the engine\'s process (bulk uploads stream through them; not in cluster mode); 0 = none (default 0)' },
  webhookTimeoutMs: { flag: 'webhook-timeout-ms', env: 'FULCRUM_WEBHOOK_TIMEOUT_MS', help: 'webhooks: time allowed per delivery attempt (default 10000)' },
  webhookMaxAttempts: { flag: 'webhook-max-attempts', env: 'FULCRUM_WEBHOOK_MAX_ATTEMPTS', help: 'webhooks: attempts before a delivery is dead-lettered (default 16)' },
  webhookRetryBaseMs: { flag: 'webhook-retry-base-ms', env: 'FULCRUM_WEBHOOK_RETRY_BASE_MS', help: 'webhooks: first retry wait ceiling, doubling per attempt (default 1000)' },
  webhookRetryMaxMs: { flag: 'webhook-retry-max-ms', env: 'FULCRUM_WEBHOOK_RETRY_MAX_MS', help: 'webhooks: longest retry wait (default 600000)' },
  webhookConcurrency: { flag: 'webhook-concurrency', env: 'FULCRUM_WEBHOOK_CONCURRENCY', help: 'webhooks: attempts in flight at once (default 16)' },
  natsUrl: { flag: 'nats-url', env: 'FULCRUM_NATS_URL', help: 'cluster mode: NATS server URLs with JetStream, comma-separated (nats://127.0.0.1:4222,...); unset: one process' },
  nodeId: { flag: 'node-id', env: 'FULCRUM_NODE_ID', help: 'cluster mode: this node\'s name, unique in the cluster (default: host name and port)' },
  clusterLeaseMs: { flag: 'cluster-lease-ms', env: 'FULCRUM_CLUSTER_LEASE_MS', help: 'cluster mode: leader lease length; takeover after a crash takes about this long (default 3000)' },
  clusterPublishTimeoutMs: { flag: 'cluster-publish-timeout-ms', env: 'FULCRUM_CLUSTER_PUBLISH_TIMEOUT_MS', help: 'cluster mode: time an append waits for its quorum ack before the leader steps down (default 2000)' },
  clusterPublishWindow: { flag: 'cluster-publish-window', env: 'FULCRUM_CLUSTER_PUBLISH_WINDOW', help: 'cluster mode: journal appends waiting for their quorum acks at once; later turns join one batch meanwhile (default 2)' },
  clusterSnapshotMs: { flag: 'cluster-snapshot-ms', env: 'FULCRUM_CLUSTER_SNAPSHOT_MS', help: 'cluster mode: how often a follower uploads a store snapshot new nodes start from (default 30000)' },
  clusterSnapshotsKept: { flag: 'cluster-snapshots-kept', env: 'FULCRUM_CLUSTER_SNAPSHOTS_KEPT', help: 'cluster mode: snapshots kept; the journal stream is trimmed behind the oldest (default 3, at least 2)' },
  sourcingWorkers: { flag: 'sourcing-workers', env: 'FULCRUM_SOURCING_WORKERS', help: 'sourcing: worker threads for large sourcing problems (default: CPU cores)' },
  backtestMaxOrders: { flag: 'backtest-max-orders', env: 'FULCRUM_BACKTEST_MAX_ORDERS', help: 'sourcing lab: most orders one backtest may replay (default 200000)' },
} satisfies Record<string, Setting>;

/** The usage text printed for `--help`. */
export function usage(): string {
  const lines = ['Usage: npm start -- [options]', '', 'Each option can also be set by its environment variable; a flag wins over the variable.', ''];
  for (const s of Object.values(SETTINGS)) lines.push(`  --${s.flag.padEnd(22)} ${s.env.padEnd(30)} ${s.help}`);
  lines.push(`  --${'demo'.padEnd(22)} ${''.padEnd(30)} load a demo network (12 locations, 300 SKUs, 2 pools) into an empty data dir`);
  lines.push(`  --${'restore-from'.padEnd(22)} ${''.padEnd(30)} restore a backup (npm run backup) into the data dir, which must be new or empty, then start on it`);
  lines.push(`  --${'demo-activity'.padEnd(22)} ${''.padEnd(30)} with --demo: also orders, pre-orders waiting on inbound, an alert and returns (for the console at /console)`);
  lines.push(`  --${'help'.padEnd(22)}`);
  return lines.join('\n');
}

/** Reads flags and environment; throws ConfigError naming the first bad setting. */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): Config & { help: boolean } {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    throw new ConfigError(`${(e as Error).message}\n\n${usage()}`);
  }
  const { values } = parsed;
  const pick = (s: Setting): { value: string | undefined; name: string } => {
    const flag = values[s.flag as keyof typeof values];
    if (typeof flag === 'string') return { value: flag, name: `--${s.flag}` };
    return { value: env[s.env], name: s.env };
  };
  const pickOr = (s: Setting, fallback: string): { value: string | undefined; name: string } => {
    const own = pick(s);
    return own.value !== undefined ? own : { value: env[fallback], name: fallback };
  };
  const config = {
    help: values.help === true,
    demo: values.demo === true || values['demo-activity'] === true,
    demoActivity: values['demo-activity'] === true,
    // PORT, the variable platforms set, is honoured when FULCRUM_PORT and --port are absent.
    port: integer(pickOr(SETTINGS.port, 'PORT'), 8080, 0, 65535),
    host: text(pick(SETTINGS.host), '127.0.0.1'),
    dataDir: resolve(text(pick(SETTINGS.dataDir), './data')),
    apiKeys: apiKeys(pick(SETTINGS.apiKeys)),
    corsOrigins: origins(pick(SETTINGS.corsOrigins)),
    maxBodyBytes: integer(pick(SETTINGS.maxBodyBytes), 1024 * 1024, 1024, 1024 * 1024 * 1024),
    maxBatchBytes: integer(pick(SETTINGS.maxBatchBytes), 1024 ** 3, 1024, 1024 ** 4),
    snapshotIntervalMs: integer(pick(SETTINGS.snapshotIntervalMs), 1000, 10, 3_600_000),
    plugins: optionalDir(pick(SETTINGS.plugins)),
    rateLimits: rates(pick(SETTINGS.rateLimits)),
    maxInFlight: integer(pick(SETTINGS.maxInFlight), 4096, 1, 1_000_000),
    bodyTimeoutMs: integer(pick(SETTINGS.bodyTimeoutMs), DEFAULT_BODY_TIMEOUT_MS, 100, 600_000),
    maxConnectionsPerKey: integer(pick(SETTINGS.maxConnectionsPerKey), DEFAULT_CONNECTION_CAPS.perKey, 1, 1_000_000),
    maxConnectionsPerAddress: integer(pick(SETTINGS.maxConnectionsPerAddress), DEFAULT_CONNECTION_CAPS.perAddress, 1, 1_000_000),
    feedWindowMs: integer(pick(SETTINGS.feedWindowMs), DEFAULT_FEED_OPTIONS.windowMs, 1, 60_000),
    feedProcesses: integer(pick(SETTINGS.feedProcesses), DEFAULT_FEED_OPTIONS.processes, 0, 64),
    httpFronts: integer(pick(SETTINGS.httpFronts), 0, 0, 64),
    webhookTimeoutMs: integer(pick(SETTINGS.webhookTimeoutMs), DEFAULT_DELIVERY.timeoutMs, 1, 600_000),
    webhookMaxAttempts: integer(pick(SETTINGS.webhookMaxAttempts), DEFAULT_RETRY.maxAttempts, 1, 1000),
    webhookRetryBaseMs: integer(pick(SETTINGS.webhookRetryBaseMs), DEFAULT_RETRY.baseDelayMs, 1, 86_400_000),
    webhookRetryMaxMs: retryMax(pick(SETTINGS.webhookRetryMaxMs), pick(SETTINGS.webhookRetryBaseMs)),
    webhookConcurrency: integer(pick(SETTINGS.webhookConcurrency), DEFAULT_DELIVERY.concurrency, 1, 10_000),
    sourcingWorkers: integer(pick(SETTINGS.sourcingWorkers), availableParallelism(), 1, 256),
    restoreFrom: typeof values['restore-from'] === 'string' && values['restore-from'] !== '' ? resolve(values['restore-from']) : undefined,
    backtestMaxOrders: integer(pick(SETTINGS.backtestMaxOrders), DEFAULT_BACKTEST_MAX_ORDERS, 1, 10_000_000),
    unsafeEarlyAck: env.FULCRUM_UNSAFE_EARLY_ACK === '1',
    natsUrls: natsUrls(pick(SETTINGS.natsUrl)),
    nodeId: text(pick(SETTINGS.nodeId), ''),
    clusterLeaseMs: integer(pick(SETTINGS.clusterLeaseMs), 3000, 1500, 600_000),
    clusterPublishTimeoutMs: integer(pick(SETTINGS.clusterPublishTimeoutMs), 2000, 100, 600_000),
    clusterPublishWindow: integer(pick(SETTINGS.clusterPublishWindow), 2, 1, 10_000),
    clusterSnapshotMs: integer(pick(SETTINGS.clusterSnapshotMs), 30_000, 500, 86_400_000),
    // Two at least: a node still downloading the newest snapshot when the next lands keeps the stream after it.
    clusterSnapshotsKept: integer(pick(SETTINGS.clusterSnapshotsKept), 3, 2, 1000),
    unsafeClusterAck: env.FULCRUM_UNSAFE_CLUSTER_ACK === '1',
  };
  // A follower forwards writes to its leader from the request it received; that path has not been built for
  // the fronts' stand-in requests, so the two are refused together rather than half working.
  if (config.httpFronts > 0 && config.natsUrls) throw new ConfigError(`--${SETTINGS.httpFronts.flag} (experimental) is not supported in cluster mode (${SETTINGS.natsUrl.env} set); leave one of them unset`);
  return config;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      ...Object.fromEntries(Object.values(SETTINGS).map((s) => [s.flag, { type: 'string' as const }])),
      demo: { type: 'boolean' },
      'restore-from': { type: 'string' },
      'demo-activity': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** The longest retry wait, which must not be below the first one. */
function retryMax(s: { value: string | undefined; name: string }, base: { value: string | undefined; name: string }): number {
  const max = integer(s, DEFAULT_RETRY.maxDelayMs, 1, 7 * 86_400_000);
  const first = integer(base, DEFAULT_RETRY.baseDelayMs, 1, 86_400_000);
  if (max < first) throw new ConfigError(`${s.name} (${max}) must not be below ${base.name} (${first})`);
  return max;
}

function integer(s: { value: string | undefined; name: string }, fallback: number, min: number, max: number): number {
  if (s.value === undefined || s.value === '') return fallback;
  if (!/^\d+$/.test(s.value.trim())) throw new ConfigError(`${s.name} must be a whole number from ${min} to ${max}, got '${s.value}'`);
  const n = Number(s.value.trim());
  if (n < min || n > max) throw new ConfigError(`${s.name} must be from ${min} to ${max}, got ${n}`);
  return n;
}

function rates(s: { value: string | undefined; name: string }): RateLimits {
  try {
    return parseRateLimits(s.value, s.name);
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
}

function natsUrls(s: { value: string | undefined; name: string }): string[] | undefined {
  if (s.value === undefined || s.value === '') return undefined;
  const urls = s.value.split(',').map((u) => u.trim());
  for (const url of urls) {
    if (!/^(nats|tls):\/\/[^\s/]+(:\d+)?$/.test(url)) throw new ConfigError(`${s.name} must list NATS URLs like nats://127.0.0.1:4222, comma-separated; '${url}' is not one`);
  }
  return urls;
}

function optionalDir(s: { value: string | undefined; name: string }): string | undefined {
  if (s.value === undefined || s.value === '') return undefined;
  const dir = resolve(s.value);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ConfigError(`${s.name} must name a directory of plugin modules; '${dir}' is not one`);
  return dir;
}

function text(s: { value: string | undefined; name: string }, fallback: string): string {
  if (s.value === undefined || s.value === '') return fallback;
  if (s.value.trim() !== s.value) throw new ConfigError(`${s.name} has leading or trailing spaces: '${s.value}'`);
  return s.value;
}

/**
 * Parses `key:role[:channel|channel...]` entries. The role is the last part that names one, so a key may
 * itself contain ':'; what follows the role binds a storefront or publishable key to channels.
 */
function apiKeys(s: { value: string | undefined; name: string }): ConfiguredKey[] {
  if (s.value === undefined || s.value.trim() === '') return [];
  return s.value.split(',').map((entry, i) => {
    const parts = entry.trim().split(':');
    const bound = parts.length >= 3 && ROLES.includes(parts.at(-2) as Role) && !ROLES.includes(parts.at(-1) as Role);
    const channels = bound ? parts.pop()!.split('|') : undefined;
    const role = parts.pop() ?? '';
    const key = parts.join(':');
    if (parts.length === 0 || key === '') throw new ConfigError(`${s.name}: entry ${i + 1} must be key:role or key:role:channel|channel, got '${redact(entry)}'`);
    if (!ROLES.includes(role as Role)) throw new ConfigError(`${s.name}: entry ${i + 1} has role '${role}'; roles are ${ROLES.join(', ')}`);
    if (key.length < 12 || /\s/.test(key)) throw new ConfigError(`${s.name}: entry ${i + 1} has a key shorter than 12 characters or with spaces; use a long random key`);
    if (channels === undefined) return { key, role: role as Role };
    if (!BINDABLE_ROLES.includes(role as Role)) {
      throw new ConfigError(`${s.name}: entry ${i + 1} binds a ${role} key to channels; only ${BINDABLE_ROLES.join(' and ')} keys can be bound (admin and ops keys sell on every channel)`);
    }
    const bad = channels.find((c) => !/^[^\s|,:]{1,100}$/.test(c));
    if (bad !== undefined) throw new ConfigError(`${s.name}: entry ${i + 1} has channel '${bad}'; channels are 1 to 100 characters without spaces, separated by '|'`);
    return { key, role: role as Role, channels: [...new Set(channels)] };
  });
}

/** Parses comma-separated origins, each exactly `scheme://host[:port]` as a browser sends it in `Origin`. */
function origins(s: { value: string | undefined; name: string }): string[] {
  if (s.value === undefined || s.value.trim() === '') return [];
  return s.value.split(',').map((entry, i) => {
    const origin = entry.trim();
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      throw new ConfigError(`${s.name}: entry ${i + 1} must be an origin such as https://shop.example.com (scheme, host and port only, no path or trailing slash), got '${origin}'`);
    }
    return origin;
  });
}

function redact(entry: string): string {
  const parts = entry.trim().split(':');
  return parts.length < 2 ? '***' : `***:${parts.at(-1)}`;
}
