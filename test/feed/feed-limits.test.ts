import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { countStock, upsertLocation, upsertProduct } from '../../src/stock/index.js';
import { CLOSE } from '../../src/feed/index.js';
import type { RunningServer } from '../../src/server.js';
import { api, FeedSocket, sleep, startFeedServer, stockOf } from './feed-socket.js';

const WINDOW_MS = 20;
const SLOW_CLOSE_MS = 300;
/** Enough SKUs that a few whole-pool snapshots outgrow what the kernel buffers for a client that never reads. */
const SKUS = 4000;
const t = suite<{ server: RunningServer; stop: () => Promise<void> }>('the live feed protects itself (one feed process, the default)');

t.before(async (ctx) => {
  const { server, stop } = await startFeedServer({
    windowMs: WINDOW_MS,
    maxKeysPerClient: 5,
    messageBurst: 60,
    skipAboveBytes: 16 * 1024,
    slowCloseMs: SLOW_CLOSE_MS,
    maxBufferedBytes: 256 * 1024 * 1024,
    closeGraceMs: 10_000,
  });
  ctx.server = server;
  ctx.stop = stop;
  const { fulcrum } = server;
  await upsertLocation(fulcrum, 'BER', { name: 'Berlin', type: 'warehouse', geo: { lat: 52.52, lon: 13.4 }, country: 'DE', capabilities: [], tags: [], status: 'active' }).durable;
  let last: Promise<void> = Promise.resolve();
  for (let i = 0; i < SKUS; i++) last = upsertProduct(fulcrum, { sku: `S${i}`, name: `S${i}`, attributes: {} }).durable;
  await last;
  await countStock(fulcrum, 'BER', 'S0', { onHand: 10 }).durable;
});
t.after(async (ctx) => ctx.stop());

t('a flood of messages gets rate_limited, then a close with 4029', async ({ server }) => {
  const ws = await FeedSocket.open(server.url);
  for (let i = 0; i < 500; i++) ws.send({ op: 'unsubscribe', pool: 'default', skus: ['S1'] });
  const e = await ws.next((m) => m.type === 'error');
  assert.is(e.error.type, 'rate_limited');
  assert.is((await ws.closed).code, CLOSE.tooMany);
});

t('subscribing past the key limit gets an error, then a close with 4029', async ({ server }) => {
  const ws = await FeedSocket.open(server.url);
  ws.send({ op: 'subscribe', pool: 'default', skus: ['S1', 'S2', 'S3'] });
  await ws.next((m) => m.type === 'snapshot');
  ws.send({ op: 'subscribe', pool: 'default', skus: ['S4', 'S5', 'S6'], id: 'too-many' });
  const e = await ws.next((m) => m.type === 'error');
  assert.equal([e.error.type, e.id], ['rate_limited', 'too-many']);
  assert.match(e.error.message, /at most 5 keys/);
  assert.is((await ws.closed).code, CLOSE.tooMany);
});

t('a client that never reads does not slow the others, and is closed with 4008', async ({ server }) => {
  const healthy = await FeedSocket.open(server.url);
  healthy.send({ op: 'subscribe', pool: 'default', skus: ['S0'] });
  await healthy.next((m) => m.type === 'snapshot');

  const stalled = await FeedSocket.open(server.url);
  (stalled.ws as unknown as { _socket: { pause(): void } })._socket.pause();
  // Whole-pool snapshots pile up unread until the kernel buffers are full and the server has to buffer.
  for (let i = 0; i < 50; i++) stalled.send({ op: 'subscribe', pool: 'default' });
  await sleep(500);

  const slowBefore = server.feed.stats().fanOut.closedSlow;
  const lags: number[] = [];
  for (let i = 1; i <= 10; i++) {
    const started = Date.now();
    await api(server, 'PUT', '/inventory/BER/S0', { onHand: 10 + i });
    const update = await healthy.next(stockOf('S0'));
    lags.push(Date.now() - started);
    assert.is(update.ats, 10 + i);
  }
  assert.ok(Math.max(...lags) < 250, `the healthy client got each update within a window or so (${lags.join(', ')} ms)`);

  const deadline = Date.now() + 5_000;
  while (server.feed.stats().fanOut.closedSlow === slowBefore && Date.now() < deadline) await sleep(20);
  assert.is(server.feed.stats().fanOut.closedSlow, slowBefore + 1, 'the stalled client was closed as too slow');
  (stalled.ws as unknown as { _socket: { resume(): void } })._socket.resume();
  const closed = await stalled.closed;
  assert.is(closed.code, CLOSE.tooSlow);
  assert.match(closed.reason, /too slow/);
  await healthy.close();
});

t('a peer that stops answering pings is cut off; one that answers stays', async () => {
  const { server, stop } = await startFeedServer({ heartbeatMs: 100 });
  try {
    const alive = await FeedSocket.open(server.url);
    const dead = await FeedSocket.open(server.url, { autoPong: false });
    const closed = await dead.closed;
    assert.is(closed.code, 1006, 'terminated without a close handshake');
    // The feed process reports its counters every 250 ms.
    const deadline = Date.now() + 2_000;
    while (server.feed.stats().fanOut.closedDead === 0 && Date.now() < deadline) await sleep(20);
    assert.is(server.feed.stats().fanOut.closedDead, 1);
    assert.is(alive.ws.readyState, alive.ws.OPEN);
    await alive.close();
  } finally {
    await stop();
  }
});

t.run();
