import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { verifySignature } from '../../src/integrations/webhooks/index.js';
import { tempDataDir } from '../helpers/tmp.js';
import { emitEvents } from './helpers/emitter.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
import { addEndpoint, openWebhookWorld, SECRET, type WebhookWorld } from './helpers/world.js';

/** Runs `body` against a fresh data dir and receiver, then stops everything. */
async function withWorld(answer: Receiver['answer'], settings: Parameters<typeof openWebhookWorld>[1], body: (w: WebhookWorld, r: Receiver) => Promise<void>): Promise<void> {
  const tmp = tempDataDir();
  const receiver = await startReceiver(answer);
  const world = openWebhookWorld(tmp.dir, settings);
  try {
    await body(world, receiver);
  } finally {
    await world.close();
    await receiver.close();
    tmp.cleanup();
  }
}

function pendingCount(w: WebhookWorld): number {
  return [...w.fulcrum.engine.store.outbox.getKeys()].length;
}

async function settled(w: WebhookWorld, r: Receiver): Promise<void> {
  await r.waitFor(() => w.webhooks.dispatcher.inFlightCount === 0 && pendingCount(w) === 0);
}

test('a receiver failing the first 3 times gets the event on the 4th attempt, signed and CloudEvents-shaped', () =>
  withWorld((_, n) => (n < 3 ? 500 : 200), {}, async (w, r) => {
    await addEndpoint(w, 'erp', r.url);
    await emitEvents(w.fulcrum, 't1', [{ event: 'order.shipped', data: { parcel: 'P1' } }]).durable;
    await r.waitFor(() => r.received.length === 4);
    await settled(w, r);
    assert.equal(r.received.map((x) => x.headers['fulcrum-attempt']), ['1', '2', '3', '4']);
    assert.is(new Set(r.received.map((x) => x.id)).size, 1, 'one id across every retry');
    const last = r.received[3]!;
    const event = JSON.parse(last.body);
    assert.equal(
      { specversion: event.specversion, id: event.id, source: event.source, type: event.type, subject: event.subject, datacontenttype: event.datacontenttype, data: event.data },
      { specversion: '1.0', id: last.id, source: 'fulcrum', type: 'order.shipped', subject: 'transfer/t1', datacontenttype: 'application/json', data: { parcel: 'P1' } },
    );
    assert.match(event.id, /^\d+\.1$/, 'the id is <journal seq>.<n>');
    assert.ok(!Number.isNaN(Date.parse(event.time)));
    assert.match(String(last.headers['content-type']), /^application\/cloudevents\+json/);
    const signature = String(last.headers['fulcrum-signature']);
    assert.match(signature, new RegExp(`^t=${last.headers['fulcrum-timestamp']},v1=[0-9a-f]{64}$`));
    assert.ok(verifySignature(SECRET, signature, last.body, 300), 'the signature verifies over the raw body');
    assert.not.ok(verifySignature(SECRET, signature, last.body.replace('P1', 'P2'), 300), 'a tampered body does not');
    assert.equal({ ...w.webhooks.dispatcher.stats }, { delivered: 1, failedAttempts: 3, deadLettered: 0 });
  }));

test('a lost response is retried, and a receiver deduping by id processes every event exactly once', async () => {
  const processed = new Map<string, number>();
  // Processes an event, then loses the answer (connection closed, or no answer until the timeout); a repeat of
  // an id already processed is acknowledged without processing it again.
  const answer: Receiver['answer'] = (req, n) => {
    if (processed.has(req.id)) return 200;
    processed.set(req.id, (processed.get(req.id) ?? 0) + 1);
    return n % 2 === 0 && req.id.endsWith('.1') ? 'hang' : 'drop';
  };
  await withWorld(answer, { timeoutMs: 150 }, async (w, r) => {
    await addEndpoint(w, 'erp', r.url);
    const a = emitEvents(w.fulcrum, 'a', [{ event: 'order.shipped' }, { event: 'order.delivered' }]);
    const b = emitEvents(w.fulcrum, 'b', [{ event: 'order.shipped' }, { event: 'payment.requested' }, { event: 'order.delivered' }]);
    await Promise.all([a.durable, b.durable]);
    await r.waitFor(() => processed.size === 5 && r.received.length >= 10);
    await settled(w, r);
    assert.equal([...processed.values()], [1, 1, 1, 1, 1], 'each id processed once');
    for (const id of processed.keys()) assert.ok(r.received.filter((x) => x.id === id).length >= 2, `${id} was delivered again after its answer was lost`);
    assert.is(w.webhooks.dispatcher.stats.delivered, 5);
  });
});

test('endpoints get only the events their filters take; a disabled endpoint gets none', async () => {
  const tmp = tempDataDir();
  const [orders, payments, everything, off] = await Promise.all([startReceiver(), startReceiver(), startReceiver(), startReceiver()]);
  const w = openWebhookWorld(tmp.dir);
  try {
    await addEndpoint(w, 'orders', orders.url, ['order.*']);
    await addEndpoint(w, 'payments', payments.url, ['payment.requested', 'payment.captured']);
    await addEndpoint(w, 'all', everything.url, ['*']);
    await addEndpoint(w, 'off', off.url, ['*'], false);
    const types = ['order.shipped', 'order.line.cancelled', 'orders.archived', 'payment.requested', 'payment.refunded'];
    await emitEvents(w.fulcrum, 'x', types.map((event) => ({ event }))).durable;
    // Counted by distinct event id: at least once means an answer slower than the timeout on a loaded machine
    // comes again (this test once saw 6 requests for 5 events); what must hold is which events each one got.
    await everything.waitFor(() => everything.distinct().length === 5 && orders.distinct().length === 2 && payments.distinct().length === 1);
    await everything.waitFor(() => w.webhooks.dispatcher.inFlightCount === 0);
    const typesOf = (r: Receiver) => r.distinct().map((x) => JSON.parse(x.body).type).sort();
    assert.equal(typesOf(orders), ['order.line.cancelled', 'order.shipped']);
    assert.equal(typesOf(payments), ['payment.requested']);
    assert.equal(typesOf(everything), [...types].sort());
    assert.is(off.received.length, 0);
  } finally {
    await w.close();
    await Promise.all([orders, payments, everything, off].map((r) => r.close()));
    tmp.cleanup();
  }
});

test('an event is not offered for delivery before the step that raised it is flushed', () =>
  withWorld(() => 'hang', {}, async (w, r) => {
    await addEndpoint(w, 'erp', r.url);
    const due = () => [...w.webhooks.outbox.due('erp', Date.now() + 60_000, 10)].length;
    const step = emitEvents(w.fulcrum, 't', [{ event: 'order.shipped' }]);
    assert.is(due(), 0, 'not offered while its write is in flight');
    await step.durable;
    assert.is(due(), 1, 'offered once durable');
    await r.waitFor(() => r.received.length === 1);
  }));

test('a permanently failing receiver: dead letter after the last attempt; a replay delivers once it recovers', () =>
  withWorld(() => 503, { maxAttempts: 3 }, async (w, r) => {
    await addEndpoint(w, 'erp', r.url);
    await emitEvents(w.fulcrum, 't', [{ event: 'payment.requested', data: { amount: 12.5 } }]).durable;
    await r.waitFor(() => w.webhooks.deadLetters({ limit: 10 }).items.length === 1);
    await settled(w, r);
    const [dead] = w.webhooks.deadLetters({ limit: 10 }).items;
    assert.is(dead!.endpoint, 'erp');
    assert.is(dead!.id, `${dead!.event.id}@erp`);
    assert.equal({ attempts: dead!.attempts, lastStatus: dead!.lastStatus, lastError: dead!.lastError }, { attempts: 3, lastStatus: 503, lastError: 'HTTP 503' });
    assert.equal(dead!.event.data, { amount: 12.5 });
    assert.is(r.received.length, 3);

    r.answer = () => 200;
    const replay = w.webhooks.replay(dead!.id);
    assert.throws(() => w.webhooks.replay(dead!.id), /being replayed already/, 'a second replay before the first is written is refused');
    await replay.durable;
    await r.waitFor(() => r.received.length === 4);
    await settled(w, r);
    assert.is(r.received[3]!.id, dead!.event.id, 'the replay carries the same event id');
    assert.is(r.received[3]!.headers['fulcrum-attempt'], '1', 'with a fresh set of attempts');
    assert.is(w.webhooks.deadLetters({ limit: 10 }).items.length, 0);
    assert.throws(() => w.webhooks.replay(dead!.id), /no dead letter/);
  }));

test('pending deliveries survive a restart and go out after it', async () => {
  const tmp = tempDataDir();
  const receiver = await startReceiver(() => 503);
  try {
    const first = openWebhookWorld(tmp.dir, { baseDelayMs: 30, maxDelayMs: 30 });
    await addEndpoint(first, 'erp', receiver.url);
    await emitEvents(first.fulcrum, 't', [{ event: 'order.shipped' }, { event: 'order.delivered' }]).durable;
    // Wait for the outcomes to be written: an attempt still in flight at close is left as it was.
    await receiver.waitFor(() => first.webhooks.dispatcher.stats.failedAttempts >= 2);
    await first.close();

    const failed = receiver.received.length;
    receiver.answer = () => 200;
    const second = openWebhookWorld(tmp.dir);
    await receiver.waitFor(() => receiver.received.length === failed + 2);
    await settled(second, receiver);
    const after = receiver.received.slice(failed);
    assert.equal(after.map((x) => x.id).sort(), ['1.1', '1.2']);
    for (const x of after) assert.ok(Number(x.headers['fulcrum-attempt']) >= 2, 'the failed attempts survived the restart too');
    await second.close();
  } finally {
    await receiver.close();
    tmp.cleanup();
  }
});

test('a receiver that hangs does not hold up deliveries to another endpoint', async () => {
  const tmp = tempDataDir();
  const [slow, fast] = await Promise.all([startReceiver(() => 'hang'), startReceiver()]);
  const w = openWebhookWorld(tmp.dir, { timeoutMs: 5000, concurrency: 4, perEndpoint: 2 });
  try {
    await addEndpoint(w, 'slow', slow.url);
    await addEndpoint(w, 'fast', fast.url);
    for (let i = 0; i < 10; i++) await emitEvents(w.fulcrum, `t${i}`, [{ event: 'order.shipped' }]).durable;
    await fast.waitFor(() => fast.received.length === 10, 2000);
    assert.is(slow.received.length, 2, 'the slow endpoint holds only its own slots');
  } finally {
    await w.close();
    await Promise.all([slow.close(), fast.close()]);
    tmp.cleanup();
  }
});

test.run();
