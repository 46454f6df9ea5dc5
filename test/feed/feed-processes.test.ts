import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunningServer } from '../../src/server.js';
import { orderBody } from '../helpers/server.js';
import { children } from '../helpers/processes.js';
import { api, atsOf, FeedSocket, sleep, startFeedServer, stockOf } from './feed-socket.js';

const t = suite<{ server: RunningServer; stop: () => Promise<void> }>('the live feed with feed processes owning the sockets');

t.before(async (ctx) => {
  const { server, stop } = await startFeedServer({ windowMs: 20, processes: 2 });
  ctx.server = server;
  ctx.stop = stop;
  await api(server, 'PUT', '/locations/BER', { name: 'BER', geo: { lat: 52.52, lon: 13.4 }, country: 'DE' });
  await api(server, 'PUT', '/products/A', { name: 'A' });
  await api(server, 'PUT', '/inventory/BER/A', { onHand: 100 });
});
t.after(async (ctx) => ctx.stop());

t('sockets handed to feed processes get snapshots and committed changes in both formats', async ({ server }) => {
  const sockets = await Promise.all([
    FeedSocket.open(server.url),
    FeedSocket.open(server.url),
    FeedSocket.open(server.url, { protocol: 'fulcrum.msgpack' }),
    FeedSocket.open(server.url, { protocol: 'fulcrum.msgpack' }),
  ]);
  for (const ws of sockets) ws.send({ op: 'subscribe', pool: 'default', skus: ['A'] });
  for (const ws of sockets) assert.is((await ws.next((m) => m.type === 'snapshot')).items[0].ats, 100);
  for (let i = 1; i <= 3; i++) {
    await api(server, 'POST', '/orders', orderBody('A', 1));
    for (const ws of sockets) assert.is((await ws.next(stockOf('A'))).ats, await atsOf(server, 'A'));
  }
  // Feed processes report their counters every 250 ms.
  const deadline = Date.now() + 2_000;
  while (server.feed.stats().fanOut.messagesSent < 12 && Date.now() < deadline) await sleep(20);
  const { fanOut, source } = server.feed.stats();
  assert.is(fanOut.clients, 4, 'the feed processes report their clients');
  assert.is(fanOut.messagesSent, 12, 'three updates to each of four clients');
  assert.is(source.pieceEncodes, source.windows * 2, 'each window encoded once per format in the main process');
  await Promise.all(sockets.map((ws) => ws.close()));
});

t('errors from the engine side reach the client through its feed process', async ({ server }) => {
  const ws = await FeedSocket.open(server.url);
  ws.send({ op: 'subscribe', pool: 'default', skus: ['NOPE'], id: 1 });
  const e = await ws.next((m) => m.type === 'error');
  assert.equal([e.error.type, e.id, e.error.details[0].path], ['not_found', 1, 'skus[0]']);
  await ws.close();
});

t('closing the server closes every client with 1001', async () => {
  const { server, stop } = await startFeedServer({ processes: 1 });
  const ws = await FeedSocket.open(server.url);
  await stop();
  assert.is((await ws.closed).code, 1001);
});

t('a server closed while a dead feed process waits to be replaced starts no replacement (it would outlive the server)', async () => {
  // The suite's own server has feed processes too: only this server's count.
  const others = new Set(children('feed-process.js'));
  const mine = () => children('feed-process.js').filter((pid) => !others.has(pid));
  const { stop } = await startFeedServer({ processes: 1 });
  const [feed] = mine();
  assert.ok(feed, 'the feed process runs');
  process.kill(feed!, 'SIGKILL');
  // Its /proc entry goes (a zombie has no command line) a moment before the server hears of the exit.
  while (mine().length > 0) await sleep(10);
  await sleep(300);
  await stop();
  // The replacement would start one second after the death.
  await sleep(1_500);
  assert.equal(mine(), []);
});

t.run();
