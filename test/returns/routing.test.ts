import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { listAlerts } from '../../src/alerts/index.js';
import { otherUnits } from '../../src/domain/position.js';
import type { Fulcrum } from '../../src/fulcrum/index.js';
import { createReturn, sendReturnEvent, type ReturnPolicy } from '../../src/returns/index.js';
import { defineRule, z } from '../../src/sdk/index.js';
import { upsertProduct } from '../../src/stock/index.js';
import { shippedOrder, withWorld, type WorkflowWorld } from '../helpers/workflow-engine.js';

const ctx = (f: Fulcrum, id: string) => f.engine.entityState('return', id)!.state as { value: string; context: Record<string, any> };

function policy(w: WorkflowWorld, p: Partial<ReturnPolicy> & { id: string }): Promise<void> {
  return w.run.fulcrum.returns.policies.put(w.run.fulcrum.engine, { windowDays: 30, windowFrom: 'shipment', updatedAt: '2026-11-27T09:00:00Z', ...p });
}

test('default routing: a store return goes to its drop-off store, a courier return back to the location that shipped it, with a label request', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const order = shippedOrder(w, [{ sku: 'A', qty: 2 }]);
    const store = createReturn(fulcrum, { orderId: order.id, lines: [{ sku: 'A', qty: 1 }], reason: 'x', method: 'store', dropOffLocation: 'MUC' }, 'k').value;
    assert.is(ctx(fulcrum, store.id).context.routedTo, 'MUC');
    const courier = createReturn(fulcrum, { orderId: order.id, lines: [{ sku: 'A', qty: 1 }], reason: 'x', method: 'courier' }, 'k').value;
    assert.equal([ctx(fulcrum, courier.id).context.routedTo, ctx(fulcrum, courier.id).context.routing.rule], ['BER', 'otherwise']);
    const labels = w.webhooks.filter((e) => e.type === 'return.label.requested');
    assert.equal(labels.map((e) => (e.data as { returnId: string; to: string })), [{ ...(labels[0]!.data as object), returnId: courier.id, to: 'BER' }], 'one label, for the courier return only');
    // Received without naming a location: where it was routed.
    sendReturnEvent(fulcrum, store.id, { type: 'received' });
    assert.is(otherUnits(fulcrum.engine.position('MUC', 'A')!, 'returns_received'), 1);
  });
});

test('routing rules by category, reason and value; the rule and its reason are recorded', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    await upsertProduct(fulcrum, { sku: 'B', name: 'B', attributes: { category: 'tents' } }).durable;
    const std = structuredClone(w.catalog.get('return', 'standard')!.versions[0]!.definition) as any;
    std.states.requested.entry[0] = {
      type: 'routeReturn',
      params: {
        rules: [
          { when: { categories: ['tents'] }, to: { location: 'MUC' }, because: 'tents are repaired in Munich' },
          { when: { reasons: ['damaged'] }, to: { location: 'MUC' } },
          { when: { valueAbove: 100 }, to: 'origin', because: 'valuable: back where it came from' },
        ],
        otherwise: 'dropOff',
      },
    };
    w.catalog.put('return', 'standard', std, new Date(w.clock.now()).toISOString());
    await w.catalog.activate('return', 'standard', 2, new Date(w.clock.now()).toISOString()).durable;
    const tent = shippedOrder(w, [{ sku: 'B', qty: 1 }]);
    const a = createReturn(fulcrum, { orderId: tent.id, lines: [{ sku: 'B', qty: 1 }], reason: 'x', dropOffLocation: 'BER' }, 'k').value;
    assert.equal([ctx(fulcrum, a.id).context.routedTo, ctx(fulcrum, a.id).context.routing], ['MUC', { rule: 0, because: 'tents are repaired in Munich' }]);
    const order = shippedOrder(w, [{ sku: 'A', qty: 2 }]);
    const b = createReturn(fulcrum, { orderId: order.id, lines: [{ sku: 'A', qty: 1 }], reason: 'damaged', dropOffLocation: 'BER' }, 'k').value;
    assert.equal([ctx(fulcrum, b.id).context.routedTo, ctx(fulcrum, b.id).context.routing.rule], ['MUC', 1]);
    const c = createReturn(fulcrum, { orderId: order.id, lines: [{ sku: 'A', qty: 1 }], reason: 'x', dropOffLocation: 'MUC' }, 'k').value;
    assert.equal([ctx(fulcrum, c.id).context.routedTo, ctx(fulcrum, c.id).context.routing.rule], ['MUC', 'otherwise'], 'unpriced: not valuable, to the drop-off');
  });
});

test('a routing rule written with the SDK replaces the built-in one', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const nearestCentre = defineRule({
      name: 'toReturnsCentre',
      description: 'Every return to the returns centre in Munich.',
      params: z.strictObject({ centre: z.string() }),
      run: ({ params }, api) => {
        api.set('routedTo', params.centre);
        api.set('routing', { rule: 'toReturnsCentre', because: 'all returns go to the centre' });
      },
    });
    w.rules.add(nearestCentre, 'plugin returns', 'returns');
    const std = structuredClone(w.catalog.get('return', 'standard')!.versions[0]!.definition) as any;
    std.states.requested.entry[0] = { type: 'returns/toReturnsCentre', params: { centre: 'MUC' } };
    w.catalog.put('return', 'standard', std, new Date(w.clock.now()).toISOString());
    await w.catalog.activate('return', 'standard', 2, new Date(w.clock.now()).toISOString()).durable;
    const order = shippedOrder(w, [{ sku: 'A', qty: 1 }]);
    const r = createReturn(fulcrum, { orderId: order.id, lines: [{ sku: 'A', qty: 1 }], reason: 'x', dropOffLocation: 'BER' }, 'k').value;
    assert.equal(ctx(fulcrum, r.id).context.routing, { rule: 'toReturnsCentre', because: 'all returns go to the centre' });
    assert.is(ctx(fulcrum, r.id).context.routedTo, 'MUC');
  });
});

test('authenticity: luxury lines are checked after receipt with an SLA that escalates; a failed check rejects the return and frees its claim', async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    await upsertProduct(fulcrum, { sku: 'A', name: 'A', attributes: { category: 'watches' } }).durable;
    await policy(w, { id: 'luxury', category: 'watches', authenticate: true });
    const order = shippedOrder(w, [{ sku: 'A', qty: 2 }]);
    const r = createReturn(fulcrum, { orderId: order.id, lines: [{ sku: 'A', qty: 2 }], reason: 'x' }, 'k').value;
    sendReturnEvent(fulcrum, r.id, { type: 'received', location: 'BER' });
    assert.is(ctx(fulcrum, r.id).value, 'authenticating');
    const late = () => listAlerts(fulcrum, { status: 'open', entity: `return/${r.id}`, limit: 10 }).filter((a) => a.alert === 'return-authentication-late');
    w.advance(5 * 3_600_000);
    assert.is(late()[0]?.severity, 'warning');
    w.advance(20 * 3_600_000);
    assert.is(late()[0]?.severity, 'critical');
    const before = otherUnits(fulcrum.engine.position('BER', 'A')!, 'returns_received');
    sendReturnEvent(fulcrum, r.id, { type: 'authentication.failed', reason: 'counterfeit' });
    assert.equal([ctx(fulcrum, r.id).value, ctx(fulcrum, r.id).context.rejection], ['rejected', 'counterfeit']);
    assert.is(otherUnits(fulcrum.engine.position('BER', 'A')!, 'returns_received'), before - 2, 'sent back to the customer');
    assert.is(late().length, 0);
    // The units are not back for good: the order's units can be returned again.
    const again = createReturn(fulcrum, { orderId: order.id, lines: [{ sku: 'A', qty: 2 }], reason: 'x' }, 'k').value;
    sendReturnEvent(fulcrum, again.id, { type: 'received', location: 'BER' });
    sendReturnEvent(fulcrum, again.id, { type: 'authentication.passed' });
    assert.is(ctx(fulcrum, again.id).value, 'inspecting');
  });
});

test.run();
