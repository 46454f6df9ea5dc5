import { hostname } from 'node:os';
import { restoreBackup } from './backups/index.js';
import { ClusterNode } from './cluster/index.js';
import { ConfigError, loadConfig, usage, type Config } from './config.js';
import { DomainError } from './domain/errors.js';
import { loadDemo } from './demo.js';
import { httpCaller, loadDemoActivity } from './demo-activity.js';
import { startServer } from './server.js';

/** Process entry: config -> open store -> recover -> serve. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.argv.slice(2), process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`fulcrum: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  if (config.help) {
    console.log(usage());
    return;
  }
  if (config.unsafeEarlyAck) {
    console.error('fulcrum: WARNING: FULCRUM_UNSAFE_EARLY_ACK=1 acknowledges before the commit: acknowledged orders WILL be lost on a crash. Test use only.');
  }
  let restoredFrom: { clusterSeq: number | null } | undefined;
  if (config.restoreFrom) {
    const restored = await restoreBackup(config.restoreFrom, config.dataDir);
    const stream = restored.manifest.clusterSeq !== undefined ? `, journal stream sequence ${restored.manifest.clusterSeq}` : '';
    console.log(`fulcrum: restored backup ${config.restoreFrom} (journal sequence ${restored.manifest.journalSeq}${stream}, taken ${restored.manifest.startedAt}) into ${config.dataDir}`);
    restoredFrom = { clusterSeq: restored.manifest.clusterSeq ?? null };
  }
  if (config.natsUrls) return runClusterNode({ ...config, natsUrls: config.natsUrls }, restoredFrom);
  const server = await startServer(config);
  const { fulcrum, running } = server;
  const r = running.recovery;
  console.log(`fulcrum: data dir ${config.dataDir} (recovered ${r.locations} locations, ${r.openOrders} open orders, ${r.factsReplayed} journal facts in ${r.ms} ms)`);
  if (config.demo) {
    if (fulcrum.engine.registry.locations.size > 0) {
      console.log('fulcrum: --demo skipped: the data dir already holds a network');
    } else {
      const demo = await loadDemo(fulcrum);
      console.log(`fulcrum: demo network loaded: ${demo.locations} locations, ${demo.products} SKUs (${demo.sampleSkus.join(', ')}, ...), pools ${demo.pools.join(', ')}`);
      const adminKey = server.generatedAdminKey ?? config.apiKeys.find((k) => k.role === 'admin')?.key;
      if (adminKey && config.demoActivity) {
        const activity = await loadDemoActivity(httpCaller(server.url, adminKey));
        console.log(`fulcrum: demo activity: ${activity.orders.length} orders (pre-orders waiting on inbound among them), ${activity.returns.length} returns, ${activity.alerts} open alert`);
      }
    }
  }
  console.log(`fulcrum: listening on ${server.url} (console: ${server.url}/console)`);
  if (server.generatedAdminKey) {
    console.log(`fulcrum: no FULCRUM_API_KEYS set; an admin key was generated and stored in ${config.dataDir}/admin.key`);
    console.log(`fulcrum: authenticate with:  -H "Authorization: Bearer ${server.generatedAdminKey}"`);
  } else {
    console.log(`fulcrum: authenticate with "Authorization: Bearer <key>" using a key from FULCRUM_API_KEYS`);
  }
  stopOnSignals(() => server.close(), (signal) => console.log(`fulcrum: ${signal}: finishing requests, writing snapshots, closing the store`));
}

/** SIGINT and SIGTERM close cleanly once (`close`), then exit 0; a failed close exits 1. */
function stopOnSignals(close: () => Promise<void>, announce: (signal: string) => void): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    announce(signal);
    close().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error('fulcrum: shutdown failed:', e);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/**
 * Cluster mode: this process is one node. The node owns the server's life: it starts it as a follower,
 * reopens it as the leader when it takes the lease, and rebuilds it from the stream when it steps down.
 */
async function runClusterNode(config: Config & { help: boolean; natsUrls: string[] }, restoredFrom: { clusterSeq: number | null } | undefined): Promise<void> {
  const nodeId = config.nodeId || `${hostname()}:${config.port}`;
  const log = (message: string) => console.log(`fulcrum[${nodeId}]: ${message}`);
  let announced = false;
  const node: ClusterNode = new ClusterNode({
    natsUrls: config.natsUrls,
    nodeId,
    dataDir: config.dataDir,
    port: config.port,
    leaseTtlMs: config.clusterLeaseMs,
    publishTimeoutMs: config.clusterPublishTimeoutMs,
    publishWindow: config.clusterPublishWindow,
    snapshotIntervalMs: config.clusterSnapshotMs,
    snapshotsKept: config.clusterSnapshotsKept,
    ...(restoredFrom ? { restoredFrom } : {}),
    unsafeEarlyAck: config.unsafeClusterAck,
    log,
    serve: async (cluster, port) => {
      const server = await startServer({ ...config, port, cluster });
      if (!announced) {
        announced = true;
        log(`listening on ${server.url} as a follower; NATS at ${config.natsUrls.join(',')}`);
        if (server.generatedAdminKey) log(`no FULCRUM_API_KEYS set; authenticate with:  -H "Authorization: Bearer ${server.generatedAdminKey}" (each node generates its own: set FULCRUM_API_KEYS for a cluster)`);
      }
      return server;
    },
    onLeading: async (served) => {
      if (!config.demo || served.fulcrum.engine.registry.locations.size > 0) return;
      const demo = await loadDemo((served as Awaited<ReturnType<typeof startServer>>).fulcrum);
      log(`demo network loaded: ${demo.locations} locations, ${demo.products} SKUs, pools ${demo.pools.join(', ')}`);
    },
  });
  // A batch the stream refused rejects every promise that waited on it; one of them left unawaited (a reply
  // that failed on another of its promises first) is expected here, not a reason to stop. Anything else is.
  process.on('unhandledRejection', (e) => {
    if (e instanceof DomainError && e.type === 'unavailable') return;
    console.error('fulcrum: unhandled rejection:', e);
    process.exit(70);
  });
  if (config.unsafeClusterAck) console.error('fulcrum: WARNING: FULCRUM_UNSAFE_CLUSTER_ACK=1 acknowledges before the quorum holds a write: acknowledged orders WILL be lost on failover. Test use only.');
  await node.start();
  stopOnSignals(() => node.stop(), (signal) => log(`${signal}: stopping`));
}

main().catch((e: unknown) => {
  console.error('fulcrum: failed to start:', e instanceof Error ? e.message : e);
  process.exit(1);
});
