import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { placeOrder, sendEntityEvent, sendOrderEvent } from '../../../src/orders/index.js';
import { sourcingDecisions } from '../../../src/sourcing/index.js';
import { seed } from '../../helpers/network.js';
import { withWorld, type WorkflowWorld } from '../../helpers/workflow-engine.js';
import { BERLIN } from './world.js';

function withStock(stock: Array<[string, string, number]>, fn: (w: WorkflowWorld) => Promise<void>): Promise<void> {
  return withWorld(fn, (w) => seed(w.run.fulcrum, { locations: { BER: [52.52, 13.4], MUC: [48.14, 11.58] }, skus: ['A'], stock }));
}

/** Places a paid home-delivery order and has its first location reject it. */
async function rejectFirst(w: WorkflowWorld, qty: number): Promise<string> {
  const { fulcrum } = w.run;
  const order = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty }] }, 'k').value;
  sendOrderEvent(fulcrum, order.id, { type: 'payment.authorized' });
  const first = fulcrum.orders.get(order.id)!.fulfilments[0]!;
  assert.is(first.location, 'BER');
  await sendEntityEvent(fulcrum, 'fulfilment', first.id, { type: 'rejected', reason: 'damaged stock' }).durable;
  return order.id;
}

test('re-sourcing after a rejection excludes the rejecting location, though it is the cheapest, and is explained', async () => {
  await withStock([['BER', 'A', 10], ['MUC', 'A', 10]], async (w) => {
    const { fulcrum } = w.run;
    const id = await rejectFirst(w, 3);
    assert.equal(fulcrum.orders.get(id)!.fulfilments.map((f) => [f.location, f.status]), [['BER', 'rejected'], ['MUC', 'released']]);
    assert.is(fulcrum.engine.position('BER', 'A')!.reserved, 0, 'BER has its units back and would be nearest');

    const decisions = sourcingDecisions(fulcrum, id);
    assert.equal(decisions.map((d) => [d.kind, d.outcome, d.fulfilments]), [['intake', 'planned', [`${id}-1`]], ['resourcing', 'planned', [`${id}-2`]]]);
    const resourcing = decisions[1]!;
    assert.equal(resourcing.excludeLocations, ['BER']);
    assert.equal(resourcing.lines, [{ sku: 'A', qty: 3 }]);
    assert.equal(resourcing.explanation!.excluded.locations, [{ location: 'BER', reasons: ['excluded by the request (re-sourcing)'] }]);
  });
});

test('re-sourcing that finds no other location records the short lines and reserves nothing', async () => {
  await withStock([['BER', 'A', 10]], async (w) => {
    const { fulcrum } = w.run;
    const id = await rejectFirst(w, 2);
    const order = fulcrum.orders.get(id)!;
    assert.equal(order.fulfilments.map((f) => f.status), ['rejected']);
    assert.is(fulcrum.engine.position('BER', 'A')!.reserved, 0);
    const resourcing = sourcingDecisions(fulcrum, id)[1]!;
    assert.is(resourcing.outcome, 'no_plan');
    assert.equal(resourcing.explanation!.shortLines!.map((s) => [s.sku, s.qty, s.available]), [['A', 2, 0]]);
  });
});

test.run();
