import { createServer as createTcpServer, connect, type AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import { startServer } from '../../src/server.js';
import { freePort } from '../../src/cli/nats-servers.js';
import { KEYS, startTestServer } from '../helpers/server.js';
import { tempDataDir } from '../helpers/tmp.js';

/**
 * Readiness as an orchestrator or a storefront sees it: once `/health` (or `/health/ready`) says 200,
 * everything the server offers works, the feed included; while it shuts down it says 503 with Retry-After
 * and `/health/live` still says the process is alive.
 */

const ROUNDS = 12;

/** Polls `path` every millisecond until it answers 200 (connection refused and other statuses mean "not yet"). */
async function firstOk(url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

/** Opens `/ws` and reports 'open', or the HTTP status and body the upgrade was refused with. */
function openFeed(url: string): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`, { headers: { authorization: `Bearer ${KEYS.storefront}` } });
    ws.once('open', () => {
      ws.terminate();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(`${res.statusCode} ${body}`));
      ws.terminate();
    });
    ws.once('error', (e) => resolve(`error ${e.message}`));
  });
}

test(`a feed connection opened the moment /health or /health/ready first answers 200 is accepted (${ROUNDS} starts)`, async () => {
  for (let round = 0; round < ROUNDS; round++) {
    const tmp = tempDataDir();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const check = round % 2 === 0 ? '/health' : '/health/ready';
    const starting = startServer({ dataDir: tmp.dir, port, apiKeys: [{ key: KEYS.storefront, role: 'storefront' }] });
    try {
      await firstOk(url + check);
      assert.is(await openFeed(url), 'open', `start ${round + 1}: the feed refused a connection after ${check} said 200`);
    } finally {
      await (await starting).close();
      tmp.cleanup();
    }
  }
});

test('/health/live and /health/ready answer without a key and say what they check', async () => {
  const s = await startTestServer();
  try {
    const live = await s.call('GET', '/health/live', undefined, { key: null });
    assert.is(live.status, 200);
    assert.is(live.body.status, 'live');
    const ready = await s.call('GET', '/health/ready', undefined, { key: null });
    assert.is(ready.status, 200);
    assert.is(ready.body.status, 'ready');
    assert.is(ready.body.feed, 'accepting');
    assert.type(ready.body.journalSeq, 'number');
    assert.is((await s.call('GET', '/health', undefined, { key: null })).body.status, 'ok', '/health keeps its answer');
  } finally {
    await s.stop();
  }
});

test('while the server shuts down, /health/ready and /health answer 503 with Retry-After and /health/live 200', async () => {
  const s = await startTestServer();
  // Connections opened before the shutdown, as a load balancer's checks would be.
  const ask = async (path: string) => {
    const socket = connect(s.server.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    return () =>
      new Promise<string>((resolve) => {
        let reply = '';
        socket.on('data', (d: Buffer) => (reply += d.toString()));
        socket.on('close', () => resolve(reply));
        socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      });
  };
  const [ready, health, live] = await Promise.all([ask('/health/ready'), ask('/health'), ask('/health/live')]);
  const closing = s.stop();
  const replies = await Promise.all([ready(), health(), live()]);
  await closing;
  for (const reply of replies.slice(0, 2)) {
    assert.match(reply, /^HTTP\/1\.1 503/);
    assert.match(reply, /retry-after: 1/i);
    assert.match(reply, /"status":"draining"/);
  }
  assert.match(replies[2]!, /^HTTP\/1\.1 200/);
});

test.run();
