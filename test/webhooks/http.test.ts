import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startServer, type RunningServer } from '../../src/server.js';
import { KEYS } from '../helpers/server.js';
import { tempDataDir } from '../helpers/tmp.js';
import { emitEvents, registerEmitter } from './helpers/emitter.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
import { SECRET } from './helpers/world.js';

interface Harness {
  server: RunningServer;
  receiver: Receiver;
  call(method: string, path: string, body?: unknown, key?: string): Promise<{ status: number; body: any }>;
}

/** An in-process server with fast webhook delivery, a receiver, and the test emitter machine registered. */
async function withServer(answer: Receiver['answer'], settings: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number }, body: (h: Harness) => Promise<void>): Promise<void> {
  const tmp = tempDataDir();
  const receiver = await startReceiver(answer);
  const server = await startServer({
    dataDir: tmp.dir,
    port: 0,
    apiKeys: [{ key: KEYS.admin, role: 'admin' }, { key: KEYS.ops, role: 'ops' }],
    onFatal: (e) => { throw e; },
    webhooks: { baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 1000, ...settings },
  });
  registerEmitter(server.fulcrum);
  const call: Harness['call'] = async (method, path, payload, key = KEYS.admin) => {
    const res = await fetch(server.url + path, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  try {
    await body({ server, receiver, call });
  } finally {
    await server.close();
    await receiver.close();
    tmp.cleanup();
  }
}

const endpoint = (url: string, extra: Record<string, unknown> = {}) => ({ url, events: ['order.*'], secret: SECRET, ...extra });

test('PUT creates (201) then replaces (200) an endpoint; reads never show the secret', () =>
  withServer(() => 200, {}, async ({ receiver, call }) => {
    const created = await call('PUT', '/webhooks/erp', endpoint(receiver.url));
    assert.is(created.status, 201);
    assert.equal(Object.keys(created.body).sort(), ['createdAt', 'enabled', 'events', 'id', 'updatedAt', 'url']);
    assert.equal({ id: created.body.id, url: created.body.url, events: created.body.events, enabled: created.body.enabled }, { id: 'erp', url: receiver.url, events: ['order.*'], enabled: true });
    const replaced = await call('PUT', '/webhooks/erp', endpoint(receiver.url, { events: ['*'], enabled: false }));
    assert.is(replaced.status, 200);
    assert.is(replaced.body.createdAt, created.body.createdAt);
    const one = await call('GET', '/webhooks/erp');
    assert.equal({ events: one.body.events, enabled: one.body.enabled }, { events: ['*'], enabled: false });
    const list = await call('GET', '/webhooks');
    assert.equal(list.body.items.map((e: { id: string }) => e.id), ['erp']);
    assert.not.match(JSON.stringify([created.body, replaced.body, one.body, list.body]), SECRET);
    assert.is((await call('GET', '/webhooks/nope')).status, 404);
  }));

test('bad endpoint bodies get 400 with the path of every problem, and nothing is stored', () =>
  withServer(() => 200, {}, async ({ call }) => {
    const bad = await call('PUT', '/webhooks/erp', { url: 'ftp://example.com/x', events: ['order.', '*'], secret: 'short', extra: 1 });
    assert.is(bad.status, 400);
    const paths = bad.body.error.details.map((d: { path: string }) => d.path).sort();
    assert.equal(paths, ['(body)', 'events[0]', 'secret', 'url']);
    assert.is((await call('PUT', '/webhooks/erp', { url: 'https://example.com', events: [], secret: SECRET })).body.error.details[0].path, 'events');
    assert.is((await call('PUT', '/webhooks/dead', endpoint('https://example.com'))).status, 400, "'dead' is reserved");
    assert.is((await call('PUT', '/webhooks/has%20space', endpoint('https://example.com'))).status, 400);
    assert.equal((await call('GET', '/webhooks')).body.items, []);
  }));

test('only keys with the config permission manage webhooks and dead letters', () =>
  withServer(() => 200, {}, async ({ receiver, call }) => {
    assert.is((await call('PUT', '/webhooks/erp', endpoint(receiver.url), KEYS.ops)).status, 403);
    assert.is((await call('GET', '/webhooks', undefined, KEYS.ops)).status, 403);
    assert.is((await call('GET', '/webhooks/dead', undefined, KEYS.ops)).status, 403);
    assert.is((await call('POST', '/webhooks/dead/1.1@erp/replay', undefined, KEYS.ops)).status, 403);
  }));

test('dead letters are listed in pages, replayed over HTTP and delivered once the receiver recovers', () =>
  withServer(() => 500, { maxAttempts: 2 }, async ({ server, receiver, call }) => {
    assert.is((await call('PUT', '/webhooks/erp', endpoint(receiver.url))).status, 201);
    await emitEvents(server.fulcrum, 't', [{ event: 'order.shipped' }, { event: 'order.delivered' }]).durable;
    await receiver.waitFor(() => server.webhooks.dispatcher.stats.deadLettered === 2 && server.webhooks.dispatcher.inFlightCount === 0);
    const first = await call('GET', '/webhooks/dead?limit=1');
    assert.is(first.body.items.length, 1);
    assert.ok(first.body.next);
    const second = await call('GET', `/webhooks/dead?limit=1&after=${encodeURIComponent(first.body.next)}`);
    assert.is(second.body.items.length, 1);
    assert.is(second.body.next, undefined);
    const dead = [first.body.items[0], second.body.items[0]];
    assert.equal(dead.map((d) => d.event.type).sort(), ['order.delivered', 'order.shipped']);
    assert.equal(dead.map((d) => [d.attempts, d.lastStatus, d.endpoint]), [[2, 500, 'erp'], [2, 500, 'erp']]);
    assert.is((await call('GET', '/webhooks/dead?endpoint=other')).body.items.length, 0);

    receiver.answer = () => 200;
    const replayed = await call('POST', `/webhooks/dead/${encodeURIComponent(dead[0].id)}/replay`);
    assert.is(replayed.status, 202);
    assert.equal({ id: replayed.body.id, status: replayed.body.status }, { id: dead[0].id, status: 'pending' });
    await receiver.waitFor(() => server.webhooks.dispatcher.stats.delivered === 1);
    assert.equal([receiver.received[4]!.id, receiver.received[4]!.headers['fulcrum-attempt']], [dead[0].event.id, '1']);
    assert.is((await call('POST', `/webhooks/dead/${encodeURIComponent(dead[0].id)}/replay`)).status, 404, 'replayed once');
    assert.is((await call('DELETE', `/webhooks/dead/${encodeURIComponent(dead[1].id)}`)).status, 200, 'discarded');
    assert.equal((await call('GET', '/webhooks/dead')).body.items, []);
    assert.is((await call('POST', '/webhooks/dead/no-such@erp/replay')).status, 404);
    assert.match(await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${KEYS.admin}` } })).text(), /fulcrum_webhook_dead_letters_total 2/);
  }));

test('deleting an endpoint drops its pending deliveries; its dead letters cannot be replayed until it exists again', () =>
  withServer(() => 503, { maxAttempts: 1, baseDelayMs: 60_000, maxDelayMs: 60_000 }, async ({ server, receiver, call }) => {
    await call('PUT', '/webhooks/erp', endpoint(receiver.url));
    await emitEvents(server.fulcrum, 'a', [{ event: 'order.shipped' }]).durable;
    await receiver.waitFor(() => server.webhooks.dispatcher.stats.deadLettered === 1);
    await call('PUT', '/webhooks/erp', endpoint(receiver.url, { enabled: false }));
    await emitEvents(server.fulcrum, 'b', [{ event: 'order.shipped' }]).durable;
    assert.is([...server.fulcrum.engine.store.outbox.getKeys()].length, 0, 'a disabled endpoint gets nothing queued');
    await call('PUT', '/webhooks/erp', endpoint(receiver.url, { enabled: true }));
    await server.webhooks.stop(); // keeps what follows pending
    await emitEvents(server.fulcrum, 'c', [{ event: 'order.shipped' }, { event: 'order.delivered' }]).durable;
    assert.is([...server.fulcrum.engine.store.outbox.getKeys()].length, 2);

    const deleted = await call('DELETE', '/webhooks/erp');
    assert.equal(deleted.body, { id: 'erp', deleted: true, droppedDeliveries: 2 });
    assert.is([...server.fulcrum.engine.store.outbox.getKeys()].length, 0);
    assert.is((await call('GET', '/webhooks/erp')).status, 404);
    assert.is((await call('DELETE', '/webhooks/erp')).status, 404);
    const [dead] = (await call('GET', '/webhooks/dead')).body.items;
    const refused = await call('POST', `/webhooks/dead/${encodeURIComponent(dead.id)}/replay`);
    assert.is(refused.status, 409);
    assert.match(refused.body.error.message, /no longer exists/);
  }));

test.run();
