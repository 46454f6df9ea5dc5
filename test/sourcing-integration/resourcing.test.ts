import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { placeOrder, sendEntityEvent, sendOrderEvent, sourcingDecisions } from '../../src/engine/index.js';
import { seed } from '../helpers/network.js';
import { withWorld, type WorkflowWorld } from '../helpers/workflow-engine.js';
import { BERLIN } from './world.js';

function withStock(stock: Array<[string, string, number]>, fn: (w: WorkflowWorld) => Promise<void>): Promise<void> {
  return withWorld(fn, (w) => seed(w.run.engine, { locations: { BER: [52.52, 13.4], MUC: [48.14, 11.58] }, skus: ['A'], stock }));
}

/** Places a paid home-delivery order and has its first location reject it. */
async function rejectFirst(w: WorkflowWorld, qty: number): Promise<string> {
  const { engine } = w.run;
  const order = placeOrder(engine, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty }] }, 'k').value;
  sendOrderEvent(engine, order.id, { type: 'payment.authorized' });
  const first = engine.order(order.id)!.fulfilments[0]!;
  assert.is(first.location, 'BER');
  await sendEntityEvent(engine, 'fulfilment', first.id, { type: 'rejected', reason: 'damaged stock' }).durable;
  return order.id;
}

test('re-sourcing after a rejection excludes the rejecting location, though it is the cheapest, and is explained', async () => {
  await withStock([['BER', 'A', 10], ['MUC', 'A', 10]], async (w) => {
    const { engine } = w.run;
    const id = await rejectFirst(w, 3);
    assert.equal(engine.order(id)!.fulfilments.map((f) => [f.location, f.status]), [['BER', 'rejected'], ['MUC', 'released']]);
    assert.is(engine.position('BER', 'A')!.reserved, 0, 'BER has its units back and would be nearest');

    const decisions = sourcingDecisions(engine, id);
    assert.equal(decisions.map((d) => [d.kind, d.outcome, d.fulfilments]), [['intake', 'planned', [`${id}-1`]], ['resourcing', 'planned', [`${id}-2`]]]);
    const resourcing = decisions[1]!;
    assert.equal(resourcing.excludeLocations, ['BER']);
    assert.equal(resourcing.lines, [{ sku: 'A', qty: 3 }]);
    assert.equal(resourcing.explanation!.excluded.locations, [{ location: 'BER', reasons: ['excluded by the request (re-sourcing)'] }]);
  });
});

test('re-sourcing that finds no other location records the short lines and reserves nothing', async () => {
  await withStock([['BER', 'A', 10]], async (w) => {
    const { engine } = w.run;
    const id = await rejectFirst(w, 2);
    const order = engine.order(id)!;
    assert.equal(order.fulfilments.map((f) => f.status), ['rejected']);
    assert.is(engine.position('BER', 'A')!.reserved, 0);
    const resourcing = sourcingDecisions(engine, id)[1]!;
    assert.is(resourcing.outcome, 'no_plan');
    assert.equal(resourcing.explanation!.shortLines!.map((s) => [s.sku, s.qty, s.available]), [['A', 2, 0]]);
  });
});

test.run();
