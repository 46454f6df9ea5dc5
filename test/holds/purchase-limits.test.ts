import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DomainError } from '../../src/domain/errors.js';
import { cancelOrder, openEngine, placeHold, placeOrder, upsertPurchaseLimit } from '../../src/engine/index.js';
import { seed } from '../helpers/network.js';
import { KEYS, orderBody, seedHttp, startTestServer } from '../helpers/server.js';
import { tempDataDir } from '../helpers/tmp.js';

const DEST = { lat: 52.5, lon: 13.4, country: 'DE' };
const order = (customer: string, qty: number, extra: Record<string, unknown> = {}) => ({ customer: { id: customer }, deliverTo: DEST, lines: [{ sku: 'A', qty }], ...extra });
const refusedBy = (limit: string) => (e: DomainError) => e.type === 'conflict' && e.details.some((d) => d.limit === limit);

async function withEngine(fn: (r: ReturnType<typeof openEngine>, clock: { now(): number; advance(ms: number): void }, dir: string) => Promise<void>): Promise<void> {
  const { dir, cleanup } = tempDataDir();
  let now = Date.parse('2026-11-27T12:00:00Z');
  const clock = { now: () => now, advance: (ms: number) => (now += ms) };
  const r = openEngine({ dataDir: dir, clock, onFatal: (e) => { throw e; } });
  try {
    await seed(r.engine, { locations: { BER: [52.5, 13.4] }, skus: ['A', 'B'], stock: [['BER', 'A', 100], ['BER', 'B', 100]] });
    await fn(r, clock, dir);
  } finally {
    await r.close();
    cleanup();
  }
}

test('at most N per customer; other customers and other SKUs are not affected', async () => {
  await withEngine(async ({ engine }, clock) => {
    await upsertPurchaseLimit(engine, { id: 'flash', skus: ['A'], perCustomer: 2, createdAt: new Date(clock.now()).toISOString() }).durable;
    placeOrder(engine, order('alice', 1), 'k');
    placeOrder(engine, order('alice', 1), 'k');
    assert.throws(() => placeOrder(engine, order('alice', 1), 'k'), refusedBy('flash'));
    assert.throws(() => placeOrder(engine, { customer: { id: 'bob' }, deliverTo: DEST, lines: [{ sku: 'A', qty: 2 }, { sku: 'A', qty: 1 }] }, 'k'), refusedBy('flash'), 'two lines of one SKU count together');
    placeOrder(engine, order('bob', 2), 'k');
    placeOrder(engine, { customer: { id: 'alice' }, deliverTo: DEST, lines: [{ sku: 'B', qty: 5 }] }, 'k');
    assert.is(engine.position('BER', 'A')!.reserved, 4, 'a refused order reserved nothing');
  });
});

test('holds count while active; an order consuming its hold is not counted twice; expiry and cancel give the allowance back', async () => {
  await withEngine(async ({ engine }, clock) => {
    await upsertPurchaseLimit(engine, { id: 'flash', skus: ['A'], perCustomer: 2, createdAt: new Date(clock.now()).toISOString() }).durable;
    const hold = placeHold(engine, { lines: [{ sku: 'A', qty: 2 }], ttlSeconds: 60, customer: 'alice' }, 'k').value;
    assert.throws(() => placeOrder(engine, order('alice', 1), 'k'), refusedBy('flash'));
    assert.throws(() => placeOrder(engine, order('bob', 2, { holdId: hold.id }), 'k'), (e: DomainError) => e.type === 'conflict' && e.details[0]!.path === 'holdId');
    const o = placeOrder(engine, order('alice', 2, { holdId: hold.id }), 'k').value;
    assert.is(engine.limits.takenBy('flash', 'alice'), 2);
    cancelOrder(engine, o.id, 'changed mind');
    assert.is(engine.limits.takenBy('flash', 'alice'), 0, 'a cancelled order gives its units back');
    placeHold(engine, { lines: [{ sku: 'A', qty: 2 }], ttlSeconds: 60, customer: 'alice' }, 'k');
    assert.is(engine.limits.takenBy('flash', 'alice'), 2);
    clock.advance(61_000);
    engine.fireDueTimers();
    assert.is(engine.limits.takenBy('flash', 'alice'), 0, 'an expired hold gives its units back');
    assert.throws(() => placeHold(engine, { lines: [{ sku: 'A', qty: 1 }], ttlSeconds: 60 }, 'k'), (e: DomainError) => e.type === 'conflict' && e.details[0]!.path === 'customer');
  });
});

test('a sale window refuses orders before it starts and after it ends', async () => {
  await withEngine(async ({ engine }, clock) => {
    await upsertPurchaseLimit(engine, { id: 'launch', skus: ['A'], startsAt: '2026-11-27T13:00:00Z', endsAt: '2026-11-27T14:00:00Z', createdAt: new Date(clock.now()).toISOString() }).durable;
    assert.throws(() => placeOrder(engine, order('alice', 1), 'k'), (e: DomainError) => e.type === 'conflict' && /goes on sale at/.test(e.details[0]!.message));
    clock.advance(3_600_000);
    placeOrder(engine, order('alice', 1), 'k');
    clock.advance(3_600_000);
    assert.throws(() => placeOrder(engine, order('alice', 1), 'k'), (e: DomainError) => /ended/.test(e.details[0]!.message));
  });
});

test('counts survive a restart', async () => {
  const { dir, cleanup } = tempDataDir();
  try {
    const first = openEngine({ dataDir: dir, onFatal: (e) => { throw e; } });
    await seed(first.engine, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 10]] });
    await upsertPurchaseLimit(first.engine, { id: 'flash', skus: ['A'], perCustomer: 2, createdAt: new Date(Date.now() - 1000).toISOString() }).durable;
    await placeOrder(first.engine, order('alice', 2), 'k').durable;
    first.snapshotter.writeAll();
    await first.close();
    const second = openEngine({ dataDir: dir, onFatal: (e) => { throw e; } });
    assert.is(second.engine.limits.takenBy('flash', 'alice'), 2);
    assert.throws(() => placeOrder(second.engine, order('alice', 1), 'k'), refusedBy('flash'));
    await second.close();
  } finally {
    cleanup();
  }
});

test('20 concurrent orders of one customer over HTTP: exactly the limit passes', async () => {
  const s = await startTestServer();
  try {
    await seedHttp(s, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 100]] });
    assert.is((await s.call('PUT', '/purchase-limits/flash', { skus: ['A'], perCustomer: 2 })).status, 201);
    const replies = await Promise.all(Array.from({ length: 20 }, () => s.call('POST', '/orders', orderBody('A', 1, { customer: { id: 'eve' } }), { key: KEYS.storefront })));
    assert.is(replies.filter((r) => r.status === 201).length, 2);
    assert.ok(replies.filter((r) => r.status !== 201).every((r) => r.status === 409 && r.body.error.type === 'conflict'));
    assert.is((await s.call('GET', '/inventory/BER/A')).body.reserved, 2);
    assert.is((await s.call('PUT', '/purchase-limits/bad', { skus: ['NOPE'], perCustomer: 1 })).status, 400);
    assert.is((await s.call('PUT', '/purchase-limits/bad', { skus: ['A'] })).status, 400);
  } finally {
    await s.stop();
  }
});

test.run();
