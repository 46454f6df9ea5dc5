import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { placeOrder } from '../../src/orders/index.js';
import { withWorld } from '../helpers/workflow-engine.js';

/**
 * A workflow order's context as stored when created (the snapshot its creating step writes): its fields in the order they always had (so the
 * same MessagePack bytes), the workflow's `timers` and `short` last. Intake now builds one context object per
 * order instead of copying it with those two appended (issue 17: ~2.4 KB and a dictionary-mode copy per
 * order); this fails if the fields move, one is lost, or the entity and its fact hold different contexts.
 * The fact holds the order as its `entity.created` left it (`test/cluster/replay-created.test.ts`).
 */
test("a workflow order's stored creation keeps its context fields in their fixed order, workflow fields last", async () => {
  await withWorld(async (w) => {
    const { fulcrum } = w.run;
    const seq = fulcrum.engine.journal.nextSeq;
    const placed = placeOrder(fulcrum, { ref: 'r1', customer: { id: 'c' }, deliverTo: { lat: 52.5, lon: 13.4, country: 'DE' }, lines: [{ sku: 'A', qty: 2 }], attributes: { campaign: 'x' } }, 'k');
    await placed.durable;
    const entry = fulcrum.engine.store.journal.get(seq)!;
    // The state is stored once, as the snapshot the step wrote (`test/engine/created-snapshot.test.ts`).
    const key = `ord:${placed.value.id}`;
    assert.ok(entry.facts.some((f) => 'created' in f && f.actor === key), 'the order has a creation fact');
    const stored = fulcrum.engine.store.actors.get(key);
    assert.is(stored?.seq, seq, 'written by the step that created it');
    const { value, context } = stored!.snapshot as { value: string; context: Record<string, unknown> };
    assert.is(value, 'awaiting_payment', 'journaled in the state entity.created took it to');
    assert.equal(Object.keys(context), [
      'id', 'channel', 'pool', 'customer', 'deliverTo', 'deliveryType', 'lines', 'split', 'attributes', 'createdAt', 'createdBy', 'updatedAt', 'fulfilments', 'sourcing', 'ref', 'value', 'timers', 'short',
    ]);
    assert.equal(context.timers, {});
    assert.equal(context.short, []);
    assert.is(context.ref, 'r1');
    const live = fulcrum.engine.registry.orders.get(placed.value.id)!.snapshot.context as Record<string, unknown>;
    for (const k of Object.keys(context)) assert.equal(live[k], context[k], `field ${k} as created`);
  });
});

test.run();
