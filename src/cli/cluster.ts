import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startNatsCluster } from './nats-servers.js';

/**
 * `npm run cluster`: three NATS servers and three Fulcrum nodes on loopback, the first leader loading the
 * demo network; prints each node's URL and the API key. Ctrl-C stops everything. Kill the leader's process
 * (its pid is printed) and watch another node take over.
 */
const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));
const KEY = process.env.FULCRUM_API_KEYS ? undefined : 'cluster-demo-admin-key';

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'fulcrum-cluster-'));
  const nats = await startNatsCluster(3, join(root, 'nats'));
  console.log(`NATS JetStream servers: ${nats.urls}`);
  const nodes: Array<{ id: string; port: number; child: ChildProcess; exited: Promise<unknown> }> = [];
  for (const id of ['node-1', 'node-2', 'node-3']) {
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN, '--data-dir', join(root, id), '--port', String(port), '--demo'], {
      env: { ...process.env, FULCRUM_NATS_URL: nats.urls, FULCRUM_NODE_ID: id, ...(KEY ? { FULCRUM_API_KEYS: `${KEY}:admin` } : {}) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    // Watched from the start: a node the user killed (the tour's `kill -9`) has exited long before Ctrl-C, and
    // a child killed by a signal keeps `exitCode` null, so asking then would wait for an exit already past.
    nodes.push({ id, port, child, exited: new Promise((r) => child.once('exit', r)) });
  }
  await new Promise((r) => setTimeout(r, 1500));
  console.log('\nFulcrum nodes (writes to any node go to the leader; GET /health/ready shows roles):');
  for (const n of nodes) console.log(`  ${n.id}  http://127.0.0.1:${n.port}  pid ${n.child.pid}`);
  if (KEY) console.log(`\nAPI key:  -H "Authorization: Bearer ${KEY}"`);
  console.log(`Data under ${root}. Try:  curl -s http://127.0.0.1:${nodes[0]!.port}/health/ready | jq .cluster`);
  console.log('Then kill -9 the leader\'s pid and ask again. Ctrl-C stops everything.\n');
  const stop = async () => {
    for (const n of nodes) n.child.kill('SIGTERM');
    await Promise.all(nodes.map((n) => n.exited));
    await nats.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((e: unknown) => {
  console.error('cluster:', e instanceof Error ? e.message : e);
  process.exit(1);
});
