import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DomainError } from '../../../src/domain/errors.js';
import { isConserved } from '../../../src/domain/position.js';
import type { Fulcrum } from '../../../src/fulcrum/index.js';
import { placeOrder, placeOrderPooled, type PlaceOrder } from '../../../src/orders/index.js';
import { sourcingDecisions } from '../../../src/sourcing/index.js';
import { SourcingPool, type SourcingPoolOptions } from '../../../src/sourcing/index.js';
import { BERLIN, PLACES, reservedAt, seedNetwork, withEngine, type NetworkSpec } from './world.js';

const crashWorker = new URL('../fixtures/crash-worker.js', import.meta.url).href;
const hangWorker = new URL('../fixtures/hang-worker.js', import.meta.url).href;

const SKUS = Array.from({ length: 10 }, (_, i) => `S${i}`);

/**
 * 51 locations holding 10 SKUs: large enough (510 candidate-lines) to be solved off the engine's thread.
 * NEAR, in Berlin, holds exactly one order's worth of each SKU; the others, 40 km and more away, hold the
 * same, except S0 when `s0Elsewhere` is false.
 */
function network(s0Elsewhere = true): NetworkSpec {
  const locations: NetworkSpec['locations'] = { NEAR: { at: PLACES.mitte } };
  const stock: NetworkSpec['stock'] = SKUS.map((sku) => ['NEAR', sku, 2]);
  for (let i = 0; i < 50; i++) {
    const id = `FAR${String(i).padStart(2, '0')}`;
    locations[id] = { at: [52.1 - i * 0.05, 12.9 - i * 0.05] };
    for (const sku of SKUS) if (sku !== 'S0' || s0Elsewhere) stock.push([id, sku, 2]);
  }
  return { locations, stock };
}

const BIG: PlaceOrder = { customer: { id: 'big' }, deliverTo: BERLIN, lines: SKUS.map((sku) => ({ sku, qty: 2 })) };
const SMALL: PlaceOrder = { customer: { id: 'small' }, deliverTo: BERLIN, lines: [{ sku: 'S0', qty: 2 }] };

async function withPool(options: SourcingPoolOptions, spec: NetworkSpec, fn: (fulcrum: Fulcrum, pool: SourcingPool) => Promise<void>): Promise<void> {
  await withEngine(async ({ run: { fulcrum } }) => {
    await seedNetwork(fulcrum, spec);
    const pool = new SourcingPool({ workers: 1, inlineMaxWork: 0, ...options });
    try {
      await fn(fulcrum, pool);
    } finally {
      await pool.close();
    }
  });
}

/** Every position balances and none is negative, and each SKU's reservations add up to what orders took. */
function assertNoOversell(fulcrum: Fulcrum, expected: Record<string, number>): void {
  for (const [sku, total] of Object.entries(expected)) {
    let reserved = 0;
    for (const id of fulcrum.engine.registry.locations.keys()) {
      const p = fulcrum.engine.position(id, sku);
      if (p) assert.ok(isConserved(p), `${id}/${sku} balances, nothing negative`);
      reserved += reservedAt(fulcrum, id, sku);
    }
    assert.is(reserved, total, `${sku}: reserved units match the orders`);
  }
}

test('a large order is solved in a worker and its plan is kept when stock did not move', async () => {
  await withPool({}, network(), async (fulcrum, pool) => {
    const placed = await placeOrderPooled(fulcrum, (p) => pool.solve(p), BIG, 'k');
    await placed.durable;
    assert.is(pool.stats.pooled, 1);
    assert.equal(placed.value.fulfilments.map((f) => f.location), ['NEAR']);
    const decision = sourcingDecisions(fulcrum, placed.value.id)[0]!;
    assert.is(decision.recheck, 'kept');
    assert.is(decision.explanation!.method, 'branch-and-bound');
  });
});

test('stock taken while the worker solves makes the step plan again, and nothing is oversold', async () => {
  await withPool({}, network(), async (fulcrum, pool) => {
    const pending = placeOrderPooled(fulcrum, (p) => pool.solve(p), BIG, 'k');
    // The problem is in the worker now; a small order (solved inline, in its own step) takes NEAR's S0.
    assert.equal(placeOrder(fulcrum, SMALL, 'k').value.fulfilments.map((f) => f.location), ['NEAR']);
    const placed = await pending;
    await placed.durable;
    const fulfilments = placed.value.fulfilments;
    assert.ok(!fulfilments.some((f) => f.location === 'NEAR' && f.lines.some((l) => l.sku === 'S0')), 'S0 no longer comes from NEAR');
    assert.is(sourcingDecisions(fulcrum, placed.value.id)[0]!.recheck, 'replanned');
    assertNoOversell(fulcrum, { ...Object.fromEntries(SKUS.map((s) => [s, 2])), S0: 4 });
  });
});

test('stock gone while the worker solves gives a clean 409 and reserves nothing for the order', async () => {
  await withPool({}, network(false), async (fulcrum, pool) => {
    const pending = placeOrderPooled(fulcrum, (p) => pool.solve(p), BIG, 'k');
    placeOrder(fulcrum, SMALL, 'k');
    try {
      await pending;
      assert.unreachable('should have been refused');
    } catch (e) {
      assert.instance(e, DomainError);
      assert.is((e as DomainError).type, 'insufficient_stock');
      assert.equal((e as DomainError).details.map((d) => d.path), ['lines[0]']);
    }
    assertNoOversell(fulcrum, { S0: 2, S1: 0, S9: 0 });
  });
});

test('a crashing worker falls back to the greedy plan and the order is still placed correctly', async () => {
  await withPool({ workerFile: crashWorker }, network(), async (fulcrum, pool) => {
    const placed = await placeOrderPooled(fulcrum, (p) => pool.solve(p), BIG, 'k');
    await placed.durable;
    const explanation = sourcingDecisions(fulcrum, placed.value.id)[0]!.explanation!;
    assert.equal([explanation.method, explanation.fallback?.reason, explanation.proven], ['proximity-greedy', 'worker_crash', false]);
    assert.equal(placed.value.fulfilments.map((f) => f.location), ['NEAR']);
    assertNoOversell(fulcrum, Object.fromEntries(SKUS.map((s) => [s, 2])));
  });
});

test('a worker that overruns its time falls back to the greedy plan', async () => {
  await withPool({ workerFile: hangWorker, taskTimeoutMs: 200, budgetMs: 50 }, network(), async (fulcrum, pool) => {
    const placed = await placeOrderPooled(fulcrum, (p) => pool.solve(p), BIG, 'k');
    await placed.durable;
    assert.is(sourcingDecisions(fulcrum, placed.value.id)[0]!.explanation!.fallback?.reason, 'worker_timeout');
    assertNoOversell(fulcrum, Object.fromEntries(SKUS.map((s) => [s, 2])));
  });
});

test('a full queue refuses with unavailable and nothing is reserved for the refused order', async () => {
  await withPool({ workerFile: hangWorker, maxQueue: 0, taskTimeoutMs: 300, budgetMs: 50 }, network(), async (fulcrum, pool) => {
    const first = placeOrderPooled(fulcrum, (p) => pool.solve(p), BIG, 'k');
    const second = placeOrderPooled(fulcrum, (p) => pool.solve(p), { ...BIG, customer: { id: 'second' } }, 'k');
    const refused = await second.then(() => undefined, (e: unknown) => e as DomainError);
    assert.is(refused?.type, 'unavailable');
    assertNoOversell(fulcrum, Object.fromEntries(SKUS.map((s) => [s, 0])));
    await (await first).durable;
    assertNoOversell(fulcrum, Object.fromEntries(SKUS.map((s) => [s, 2])));
    assert.is(pool.stats.shed, 1);
  });
});

test.run();
