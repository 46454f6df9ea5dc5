import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DomainError } from '../../src/domain/errors.js';
import { openFulcrum } from '../../src/fulcrum/index.js';
import { placeHold, upsertPurchaseLimit } from '../../src/holds/index.js';
import { cancelOrder, placeOrder } from '../../src/orders/index.js';
import { seed } from '../helpers/network.js';
import { KEYS, orderBody, seedHttp, startTestServer } from '../helpers/server.js';
import { tempDataDir } from '../helpers/tmp.js';

const DEST = { lat: 52.5, lon: 13.4, country: 'DE' };
const order = (customer: string, qty: number, extra: Record<string, unknown> = {}) => ({ customer: { id: customer }, deliverTo: DEST, lines: [{ sku: 'A', qty }], ...extra });
const refusedBy = (limit: string) => (e: DomainError) => e.type === 'conflict' && e.details.some((d) => d.limit === limit);

async function withEngine(fn: (r: ReturnType<typeof openFulcrum>, clock: { now(): number; advance(ms: number): void }, dir: string) => Promise<void>): Promise<void> {
  const { dir, cleanup } = tempDataDir();
  let now = Date.parse('2026-11-27T12:00:00Z');
  const clock = { now: () => now, advance: (ms: number) => (now += ms) };
  const r = openFulcrum({ dataDir: dir, clock, onFatal: (e) => { throw e; } });
  try {
    await seed(r.fulcrum, { locations: { BER: [52.5, 13.4] }, skus: ['A', 'B'], stock: [['BER', 'A', 100], ['BER', 'B', 100]] });
    await fn(r, clock, dir);
  } finally {
    await r.close();
    cleanup();
  }
}

test('at most N per customer; other customers and other SKUs are not affected', async () => {
  await withEngine(async ({ fulcrum }, clock) => {
    await upsertPurchaseLimit(fulcrum, { id: 'flash', skus: ['A'], perCustomer: 2, createdAt: new Date(clock.now()).toISOString() }).durable;
    placeOrder(fulcrum, order('alice', 1), 'k');
    placeOrder(fulcrum, order('alice', 1), 'k');
    assert.throws(() => placeOrder(fulcrum, order('alice', 1), 'k'), refusedBy('flash'));
    assert.throws(() => placeOrder(fulcrum, { customer: { id: 'bob' }, deliverTo: DEST, lines: [{ sku: 'A', qty: 2 }, { sku: 'A', qty: 1 }] }, 'k'), refusedBy('flash'), 'two lines of one SKU count together');
    placeOrder(fulcrum, order('bob', 2), 'k');
    placeOrder(fulcrum, { customer: { id: 'alice' }, deliverTo: DEST, lines: [{ sku: 'B', qty: 5 }] }, 'k');
    assert.is(fulcrum.engine.position('BER', 'A')!.reserved, 4, 'a refused order reserved nothing');
  });
});

test('holds count while active; an order consuming its hold is not counted twice; expiry and cancel give the allowance back', async () => {
  await withEngine(async ({ fulcrum }, clock) => {
    await upsertPurchaseLimit(fulcrum, { id: 'flash', skus: ['A'], perCustomer: 2, createdAt: new Date(clock.now()).toISOString() }).durable;
    const hold = placeHold(fulcrum, { lines: [{ sku: 'A', qty: 2 }], ttlSeconds: 60, customer: 'alice' }, 'k').value;
    assert.throws(() => placeOrder(fulcrum, order('alice', 1), 'k'), refusedBy('flash'));
    assert.throws(() => placeOrder(fulcrum, order('bob', 2, { holdId: hold.id }), 'k'), (e: DomainError) => e.type === 'conflict' && e.details[0]!.path === 'holdId');
    const o = placeOrder(fulcrum, order('alice', 2, { holdId: hold.id }), 'k').value;
    assert.is(fulcrum.holds.limits.takenBy('flash', 'alice'), 2);
    cancelOrder(fulcrum, o.id, 'changed mind');
    assert.is(fulcrum.holds.limits.takenBy('flash', 'alice'), 0, 'a cancelled order gives its units back');
    placeHold(fulcrum, { lines: [{ sku: 'A', qty: 2 }], ttlSeconds: 60, customer: 'alice' }, 'k');
    assert.is(fulcrum.holds.limits.takenBy('flash', 'alice'), 2);
    clock.advance(61_000);
    fulcrum.engine.fireDueTimers();
    assert.is(fulcrum.holds.limits.takenBy('flash', 'alice'), 0, 'an expired hold gives its units back');
    assert.throws(() => placeHold(fulcrum, { lines: [{ sku: 'A', qty: 1 }], ttlSeconds: 60 }, 'k'), (e: DomainError) => e.type === 'conflict' && e.details[0]!.path === 'customer');
  });
});

test('a sale window refuses orders before it starts and after it ends', async () => {
  await withEngine(async ({ fulcrum }, clock) => {
    await upsertPurchaseLimit(fulcrum, { id: 'launch', skus: ['A'], startsAt: '2026-11-27T13:00:00Z', endsAt: '2026-11-27T14:00:00Z', createdAt: new Date(clock.now()).toISOString() }).durable;
    assert.throws(() => placeOrder(fulcrum, order('alice', 1), 'k'), (e: DomainError) => e.type === 'conflict' && /goes on sale at/.test(e.details[0]!.message));
    clock.advance(3_600_000);
    placeOrder(fulcrum, order('alice', 1), 'k');
    clock.advance(3_600_000);
    assert.throws(() => placeOrder(fulcrum, order('alice', 1), 'k'), (e: DomainError) => /ended/.test(e.details[0]!.message));
  });
});

test('counts survive a restart', async () => {
  const { dir, cleanup } = tempDataDir();
  try {
    const first = openFulcrum({ dataDir: dir, onFatal: (e) => { throw e; } });
    await seed(first.fulcrum, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 10]] });
    await upsertPurchaseLimit(first.fulcrum, { id: 'flash', skus: ['A'], perCustomer: 2, createdAt: new Date(Date.now() - 1000).toISOString() }).durable;
    await placeOrder(first.fulcrum, order('alice', 2), 'k').durable;
    first.snapshotter.writeAll();
    await first.close();
    const second = openFulcrum({ dataDir: dir, onFatal: (e) => { throw e; } });
    assert.is(second.fulcrum.holds.limits.takenBy('flash', 'alice'), 2);
    assert.throws(() => placeOrder(second.fulcrum, order('alice', 1), 'k'), refusedBy('flash'));
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
