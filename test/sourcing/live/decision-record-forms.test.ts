import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { placeOrder } from '../../../src/orders/index.js';
import type { Fulcrum } from '../../../src/fulcrum/index.js';
import { recordedIntakeDecisions, sourcingDecisions, stockSeen } from '../../../src/sourcing/index.js';
import { storedFloat64 } from '../../../src/sourcing/stored-numbers.js';
import { OLD_DECISION_RECORDS } from '../fixtures/decision-records-2026-11.js';
import { BERLIN, PLACES, seedNetwork, withEngine } from './world.js';

/**
 * Decision records are stored smaller since 2026-12 (problem fields the record says elsewhere left out, long
 * number arrays as bytes, the planning attempt implied). The same orders as the fixture's, placed on the same
 * network and clock, must read the same through `sourcingDecisions` (what `GET /orders/:id/sourcing` returns)
 * and through the backtest's reader, whether their records are in the old form or the new one.
 */
async function placeTheFixtureOrders(fulcrum: Fulcrum): Promise<string[]> {
  await seedNetwork(fulcrum, {
    locations: { MITTE: { at: PLACES.mitte }, SPANDAU: { at: PLACES.spandau }, POTSDAM: { at: PLACES.potsdam }, LEIPZIG: { at: PLACES.leipzig } },
    stock: [['MITTE', 'A', 1], ['MITTE', 'B', 5], ['SPANDAU', 'A', 5], ['SPANDAU', 'B', 1], ['POTSDAM', 'A', 5], ['POTSDAM', 'B', 5], ['LEIPZIG', 'A', 9], ['LEIPZIG', 'B', 9]],
  });
  // Two lines over four candidates: 40 unit terms, stored as bytes. Then one SKU twice: the problem merges
  // the lines, so its lines differ from the order's and are kept.
  const a = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 1 }, { sku: 'B', qty: 2 }] }, 'k');
  const b = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 1 }, { sku: 'A', qty: 1 }] }, 'k');
  await b.durable;
  return [a.value.id, b.value.id];
}

/** The decisions of an order, their solve times (which differ from one solve to the next) blanked. */
function decisions(fulcrum: Fulcrum, id: string): unknown {
  return JSON.parse(JSON.stringify(sourcingDecisions(fulcrum, id)).replace(/"elapsedMicros":[\d.]+/g, '"elapsedMicros":0').replace(/ in [\d.]+ ms/g, ' in _ ms'));
}

function backtestView(fulcrum: Fulcrum) {
  return recordedIntakeDecisions(fulcrum.engine, { from: 'ord_', to: 'ord`' }, 10).map(({ orderId, decision }) => ({ orderId, seen: stockSeen(decision) }));
}

test('a decision record stored in the old form reads as the same record stored in the new form', async () => {
  await withEngine(async ({ run: { fulcrum } }) => {
    const ids = await placeTheFixtureOrders(fulcrum);
    const stored = [...fulcrum.engine.store.decisions.getRange({})].map(({ key, value }) => ({ key: String(key), doc: (value as { doc: Record<string, unknown> }).doc }));
    assert.is(stored.length, OLD_DECISION_RECORDS.length);

    // The new form, as written now.
    const [two, merged] = stored.map((s) => s.doc as { problem: Record<string, unknown>; tried?: unknown; attempts?: unknown });
    assert.equal(Object.keys(two!.problem), ['maxShipments', 'splitLines', 'candidateIds', 'distanceKm', 'stock', 'unitCost', 'unitTerms', 'fixedCost', 'fixedTerms', 'excluded']);
    assert.ok(two!.problem.unitTerms instanceof Uint8Array, 'a long number array is stored as bytes');
    const oldTerms = (OLD_DECISION_RECORDS[0]!.doc.problem as { unitTerms: { f64: number[] } }).unitTerms.f64;
    assert.equal(Array.from(storedFloat64(two!.problem.unitTerms as Uint8Array)), oldTerms, 'the bytes read back as the numbers the old form wrote out');
    assert.equal(two!.problem.stock, { f64: [9, 9, 1, 5, 5, 5, 5, 1] }, 'a short one as numbers');
    assert.equal(merged!.problem.lines, [{ sku: 'A', qty: 2 }], 'lines that differ from the order are kept');
    assert.equal(two!.tried, [{ strategyId: 'express', outcome: 'not_applicable' }]);
    assert.is(two!.attempts, undefined);

    const fresh = ids.map((id) => sourcingDecisions(fulcrum, id));
    const freshShown = ids.map((id) => decisions(fulcrum, id));
    const freshBacktest = backtestView(fulcrum);
    assert.ok(fresh.every((d) => d.length === 1 && d[0]!.explanation !== null && d[0]!.explanation.candidates.total > 0), 'explained');
    assert.is(freshBacktest.length, 2);

    // The same orders' records as the old build wrote them, under the same keys.
    for (const [i, { key }] of stored.entries()) await fulcrum.engine.store.decisions.put(key, OLD_DECISION_RECORDS[i]!);
    assert.ok((fulcrum.engine.store.decisions.get(stored[0]!.key) as { doc: { problem: { unitTermNames?: unknown } } }).doc.problem.unitTermNames, 'old form in place');
    assert.equal(
      ids.map((id) => decisions(fulcrum, id)),
      freshShown,
    );
    assert.equal(backtestView(fulcrum), freshBacktest);
  });
});

test.run();
