import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunningServer } from '../../src/server.js';
import { orderBody, shipOrderHttp } from '../helpers/server.js';
import { api, atsOf, FeedSocket, sleep, startFeedServer, stockOf } from './feed-socket.js';

const WINDOW_MS = 100;
// Fan-out on the engine's thread here; feed-processes.test.ts and feed-limits.test.ts run it in a feed process.
const PROCESSES = 0;
const t = suite<{ server: RunningServer; stop: () => Promise<void> }>('the live feed: snapshot, then every committed change (in-process fan-out)');

t.before(async (ctx) => {
  const { server, stop } = await startFeedServer({ windowMs: WINDOW_MS, processes: PROCESSES });
  ctx.server = server;
  ctx.stop = stop;
  for (const [id, lat, lon] of [['BER', 52.52, 13.4], ['HAM', 53.55, 9.99]] as const) {
    assert.is((await api(server, 'PUT', `/locations/${id}`, { name: id, geo: { lat, lon }, country: 'DE' })).status, 201);
  }
  for (const sku of ['A', 'B', 'C']) await api(server, 'PUT', `/products/${sku}`, { name: sku });
  await api(server, 'PUT', '/inventory/BER/A', { onHand: 50 });
  await api(server, 'PUT', '/inventory/HAM/A', { onHand: 30 });
  await api(server, 'PUT', '/inventory/BER/B', { onHand: 5 });
});
t.after(async (ctx) => ctx.stop());

t('a subscriber gets a snapshot, then each committed change, and ends on GET /availability', async ({ server }) => {
  const ws = await FeedSocket.open(server.url);
  ws.send({ op: 'subscribe', pool: 'default', skus: ['A', 'B'], id: 'first' });
  const snapshot = await ws.next((m) => m.type === 'snapshot');
  assert.is(snapshot.id, 'first');
  assert.equal(snapshot.items.map((i: any) => [i.sku, i.ats]), [['A', 80], ['B', 5]]);
  let seq = snapshot.items[0].seq;

  const changes: Array<() => Promise<unknown>> = [
    () => api(server, 'POST', '/orders', orderBody('A', 3)),
    () => api(server, 'PUT', '/inventory/HAM/A', { onHand: 40 }),
    () => api(server, 'POST', '/inventory/BER/A/adjust', { delta: -5, reason: 'damaged' }),
    () => api(server, 'POST', '/orders', orderBody('A', 2)),
  ];
  for (const change of changes) {
    await change();
    const update = await ws.next(stockOf('A'));
    assert.is(update.pool, 'default');
    assert.is(update.ats, await atsOf(server, 'A'), 'each update carries the value GET /availability gives');
    assert.ok(update.seq > seq, `seq grows per key (${update.seq} > ${seq})`);
    assert.type(update.ts, 'number');
    seq = update.seq;
  }
  await sleep(WINDOW_MS * 2);
  assert.equal(ws.received.filter(stockOf('B')), [], 'B did not change, so nothing was sent for it');
  assert.is(await atsOf(server, 'A'), 80 - 3 + 10 - 5 - 2);
  await ws.close();
});

t('changes within one window go out as one update per key with the latest value, in one frame', async () => {
  // A server of its own with a long window, so that a dozen HTTP changes surely fall into one.
  const window = 500;
  const { server, stop } = await startFeedServer({ windowMs: window, processes: PROCESSES });
  try {
    await api(server, 'PUT', '/locations/BER', { name: 'BER', geo: { lat: 52.52, lon: 13.4 }, country: 'DE' });
    for (const sku of ['B', 'B2']) await api(server, 'PUT', `/products/${sku}`, { name: sku });
    const ws = await FeedSocket.open(server.url);
    ws.send({ op: 'subscribe', pool: 'default', skus: ['B', 'B2'] });
    await ws.next((m) => m.type === 'snapshot');
    await api(server, 'PUT', '/inventory/BER/B', { onHand: 5 });
    const opened = await ws.next(stockOf('B'));
    const before = await encodes(server);
    const frames = ws.frames;
    // That window just went out: these changes all fall into the next one.
    for (let i = 0; i < 10; i++) await api(server, 'POST', '/inventory/BER/B/adjust', { delta: 1, reason: 'found' });
    await api(server, 'PUT', '/inventory/BER/B2', { onHand: 3 });
    const update = await ws.next(stockOf('B'), window * 3);
    const other = await ws.next(stockOf('B2'));
    await sleep(window * 1.5);
    assert.equal(ws.received.filter((m) => m.type === 'stock'), [], 'one update per key for the eleven changes');
    assert.is(ws.frames - frames, 1, 'both keys in one frame');
    assert.is(update.ats, 15, 'the latest value wins');
    assert.is(other.ats, 3);
    assert.ok(update.seq >= opened.seq + 10, 'its seq is the last change`s journal position');
    assert.is((await encodes(server)) - before, 4, 'each key encoded once per format for the window');
    await ws.close();
  } finally {
    await stop();
  }
});

t('every subscriber of a key gets the same update, encoded once', async ({ server }) => {
  const sockets = await Promise.all(Array.from({ length: 20 }, () => FeedSocket.open(server.url)));
  for (const ws of sockets) ws.send({ op: 'subscribe', pool: 'default', skus: ['C'] });
  await Promise.all(sockets.map((ws) => ws.next((m) => m.type === 'snapshot')));
  const before = await encodes(server);
  await api(server, 'PUT', '/inventory/HAM/C', { onHand: 7 });
  const updates = await Promise.all(sockets.map((ws) => ws.next(stockOf('C'))));
  assert.ok(updates.every((u) => u.ats === 7 && u.seq === updates[0]!.seq));
  assert.is((await encodes(server)) - before, 2);
  await Promise.all(sockets.map((ws) => ws.close()));
});

t('a whole-pool subscription lists every product, then sends changes to any of them', async ({ server }) => {
  const ws = await FeedSocket.open(server.url);
  ws.send({ op: 'subscribe', pool: 'default', skus: '*' });
  const snapshot = await ws.next((m) => m.type === 'snapshot');
  assert.equal(snapshot.items.map((i: any) => i.sku).sort(), ['A', 'B', 'C']);
  await api(server, 'POST', '/inventory/HAM/C/adjust', { delta: 2, reason: 'found' });
  assert.is((await ws.next(stockOf('C'))).ats, await atsOf(server, 'C'));
  ws.send({ op: 'unsubscribe', pool: 'default' });
  await sleep(20);
  await api(server, 'POST', '/inventory/HAM/C/adjust', { delta: 2, reason: 'found' });
  await sleep(WINDOW_MS * 3);
  assert.equal(ws.received.filter(stockOf('C')), [], 'nothing after unsubscribing');
  await ws.close();
});

t('MessagePack with the fulcrum.msgpack subprotocol, both ways', async ({ server }) => {
  const ws = await FeedSocket.open(server.url, { protocol: 'fulcrum.msgpack' });
  assert.is(ws.ws.protocol, 'fulcrum.msgpack');
  ws.send({ op: 'subscribe', pool: 'default', skus: ['A'] });
  const snapshot = await ws.next((m) => m.type === 'snapshot');
  assert.is(snapshot.items[0].ats, await atsOf(server, 'A'));
  await api(server, 'POST', '/orders', orderBody('A', 1));
  const update = await ws.next(stockOf('A'));
  assert.is(update.ats, await atsOf(server, 'A'));
  assert.ok(update.seq > snapshot.items[0].seq);
  await ws.close();
});

t('bad messages get an error frame in the HTTP envelope and the connection stays', async ({ server }) => {
  const ws = await FeedSocket.open(server.url);
  ws.ws.send('not json at all');
  let e = await ws.next((m) => m.type === 'error');
  assert.is(e.error.type, 'invalid_request');
  assert.match(e.error.message, /not valid JSON/);
  ws.ws.send(Buffer.from([0xc1, 0xff, 0x00]));
  e = await ws.next((m) => m.type === 'error');
  assert.match(e.error.message, /not valid MessagePack/);
  ws.send({ op: 'watch', pool: 5 });
  e = await ws.next((m) => m.type === 'error');
  assert.is(e.error.type, 'invalid_request');
  assert.equal(e.error.details.map((d: any) => d.path).sort(), ['op', 'pool']);
  ws.send({ op: 'subscribe', pool: 'nowhere', skus: ['A'], id: 7 });
  e = await ws.next((m) => m.type === 'error');
  assert.equal([e.error.type, e.id], ['not_found', 7]);
  ws.send({ op: 'subscribe', pool: 'default', skus: ['A', 'NOPE'] });
  e = await ws.next((m) => m.type === 'error');
  assert.is(e.error.type, 'not_found');
  assert.equal(e.error.details, [{ path: 'skus[1]', message: "no product 'NOPE'" }]);
  ws.send({ op: 'subscribe', pool: 'default', skus: ['A'] });
  assert.is((await ws.next((m) => m.type === 'snapshot')).items[0].sku, 'A', 'still served after the errors');
  await ws.close();
});

t('a frame over the size limit closes the connection with 1009', async ({ server }) => {
  const ws = await FeedSocket.open(server.url);
  ws.ws.send(JSON.stringify({ op: 'subscribe', pool: 'default', skus: Array.from({ length: 2000 }, (_, i) => `SKU-${i}`) }));
  assert.is((await ws.closed).code, 1009);
});

t('upgrades without a valid key are refused with 401 before any WebSocket exists', async ({ server }) => {
  for (const options of [{ key: null }, { key: 'not-a-key-at-all' }]) {
    const refused = await refusal(server.url, options);
    assert.is(refused.status, 401);
    assert.is(refused.body.error.type, 'unauthorized');
  }
  const wrongPath = await fetch(`${server.url}/wsx`, { headers: { connection: 'upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } }).catch((e: Error) => e);
  assert.ok(wrongPath instanceof Error || wrongPath.status === 404, 'no feed outside /ws');
});

t('browsers authenticate with ?token=, and storefront keys may subscribe', async ({ server }) => {
  const ws = await FeedSocket.open(server.url, { key: null, token: 'test-storefront-key1' });
  ws.send({ op: 'subscribe', pool: 'default', skus: ['A'] });
  assert.is((await ws.next((m) => m.type === 'snapshot')).items[0].sku, 'A');
  await ws.close();
});

t('returned units: not on sale while received, on the feed the moment inspection restocks them, and when refurbished ones are released', async ({ server }) => {
  // A product of its own, last in the suite, so the other tests' figures and product lists stay as they expect.
  await api(server, 'PUT', '/products/R', { name: 'R' });
  await api(server, 'PUT', '/inventory/BER/R', { onHand: 10 });
  const placed = (await api(server, 'POST', '/orders', orderBody('R', 2))).body;
  await shipOrderHttp((m, path, b) => api(server, m, path, b), placed.id);
  const ws = await FeedSocket.open(server.url);
  ws.send({ op: 'subscribe', pool: 'default', skus: ['R'] });
  const before = (await ws.next((m) => m.type === 'snapshot')).items[0].ats;
  assert.is(before, 8);
  const ret = (await api(server, 'POST', '/returns', { orderId: placed.id, lines: [{ sku: 'R', qty: 2 }], reason: 'too_big', method: 'store', dropOffLocation: 'HAM' })).body;
  assert.is((await api(server, 'POST', `/returns/${ret.id}/events`, { type: 'received' })).status, 200);
  await sleep(WINDOW_MS * 2);
  assert.equal(ws.received.filter(stockOf('R')), [], 'units waiting for inspection are not for sale');
  assert.is((await api(server, 'POST', `/returns/${ret.id}/events`, { type: 'inspected', lines: [{ sku: 'R', qty: 1, outcome: 'restock' }, { sku: 'R', qty: 1, outcome: 'refurbish' }] })).status, 200);
  assert.is((await ws.next(stockOf('R'))).ats, 9, 'the restocked unit is on the feed at once');
  assert.is(await atsOf(server, 'R'), 9);
  assert.is((await api(server, 'POST', `/returns/${ret.id}/events`, { type: 'refurbishment.completed' })).status, 200);
  assert.is((await api(server, 'POST', '/inventory/HAM/R/move', { from: 'refurbished', to: 'sellable', qty: 1, reason: 'released after refurbishment' })).status, 200);
  assert.is((await ws.next(stockOf('R'))).ats, 10, 'the released unit too');
  await ws.close();
});

t('future buckets: a SKU under a supply rule carries them in its snapshot and in each change, pre-orders included', async ({ server }) => {
  await api(server, 'PUT', '/products/F', { name: 'F' });
  await api(server, 'PUT', '/supply-rules/f', { skus: ['F'], mode: 'preorder' });
  const expectedAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
  assert.is((await api(server, 'PUT', '/inbound/PO-F', { location: 'HAM', lines: [{ sku: 'F', qty: 5 }], expectedAt, kind: 'asn' })).status, 201);
  const ws = await FeedSocket.open(server.url);
  ws.send({ op: 'subscribe', pool: 'default', skus: ['F', 'A'] });
  const snapshot = await ws.next((m) => m.type === 'snapshot');
  assert.equal(snapshot.items.find((i: any) => i.sku === 'F').future, [{ qty: 5, from: expectedAt }]);
  assert.is(snapshot.items.find((i: any) => i.sku === 'A').future, undefined, 'no rule, no future');
  assert.is((await api(server, 'POST', '/orders', orderBody('F', 2))).status, 201);
  const update = await ws.next(stockOf('F'));
  assert.equal([update.ats, update.future], [0, [{ qty: 3, from: expectedAt }]], 'a pre-order changes the future, not ATS');
  await api(server, 'POST', '/inbound/PO-F/receipts', { receiptId: 'r', lines: [{ sku: 'F', qty: 5 }] });
  const arrived = await ws.next(stockOf('F'));
  assert.equal([arrived.ats, arrived.future], [3, []], 'the 3 nobody waited for are on sale');
  await ws.close();
});

t.run();

async function encodes(server: RunningServer): Promise<number> {
  return server.feed.stats().source.pieceEncodes;
}

/** Tries to open the feed and returns the HTTP refusal. */
async function refusal(url: string, options: { key?: string | null }): Promise<{ status: number; body: any }> {
  const { default: WebSocket } = await import('ws');
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`, options.key ? { headers: { authorization: `Bearer ${options.key}` } } : {});
    ws.on('open', () => reject(new Error('the upgrade was accepted')));
    ws.on('error', () => undefined);
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) }));
    });
  });
}
