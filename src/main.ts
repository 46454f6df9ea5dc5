import { ConfigError, loadConfig, usage } from './config.js';
import { restoreBackup } from './backups/index.js';
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
  if (config.restoreFrom) {
    const restored = await restoreBackup(config.restoreFrom, config.dataDir);
    console.log(`fulcrum: restored backup ${config.restoreFrom} (journal sequence ${restored.manifest.journalSeq}, taken ${restored.manifest.startedAt}) into ${config.dataDir}`);
  }
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
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`fulcrum: ${signal}: finishing requests, writing snapshots, closing the store`);
    server.close().then(
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

main().catch((e: unknown) => {
  console.error('fulcrum: failed to start:', e instanceof Error ? e.message : e);
  process.exit(1);
});
