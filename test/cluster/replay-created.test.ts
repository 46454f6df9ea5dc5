import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Packr } from 'msgpackr';
import type { Fact, JournalEntry } from '../../snapshots/index.js';
import { applyReplicatedEntry, ENTITY_KINDS, ENTITY_PREFIX, type Engine, type EntityKind } from '../../src/engine/index.js';
import { placeOrder, sendEntityEvent, sendOrderEvent } from '../../src/orders/index.js';
import { upsertProduct } from '../../src/stock/index.js';
import { openWorkflowWorld, seedNetwork, type WorkflowWorld } from '../helpers/workflow-engine.js';
import { tempDataDir } from '../helpers/tmp.js';

const BERLIN = { lat: 52.5, lon: 13.4, country: 'DE' };
const unpack = (bytes: Uint8Array) => new Packr({ useRecords: false }).unpack(bytes) as JournalEntry;

/** Every entity a journal created, as `[kind, id]`. */
function createdEntities(entries: JournalEntry[]): Array<[EntityKind, string]> {
  const kinds = new Map(ENTITY_KINDS.map((k) => [ENTITY_PREFIX[k], k]));
  const out: Array<[EntityKind, string]> = [];
  for (const e of entries) {
    for (const f of e.facts) {
      const [prefix, id] = [f.actor.slice(0, f.actor.indexOf(':')), f.actor.slice(f.actor.indexOf(':') + 1)];
      if ('create' in f && kinds.has(prefix)) out.push([kinds.get(prefix)!, id]);
    }
  }
  return out;
}

/** An entity's state on a node, with the parts of its machine snapshot that a state hash would not show. */
function stateOf(engine: Engine, kind: EntityKind, id: string) {
  const live = engine.registry.entities(kind).get(id);
  if (!live) return { stored: engine.entityState(kind, id) };
  const s = live.snapshot;
  return { machine: live.machine, value: s.value, context: s.context, status: s.status, tags: [...s.tags].sort(), timers: engine.timers.next() };
}

/**
 * A workflow entity's `entity.created` is journaled as the state it reached (the creation fact carries the
 * snapshot after the transition, no event fact follows), so a follower and a recovery restore it as they
 * restore a stored snapshot instead of running its entry actions again. The leader's journal, applied through
 * a follower's replay, must give every entity exactly the leader's state (value, context, status, tags):
 * orders through the fraud check (timers, an alert, a webhook on entry) and straight to payment, and the
 * fulfilments a payment creates. A journal written before (the `__new` creation and its `entity.created`)
 * must still replay to the same state. Fails if the fold keeps `__new`, drops the event without its state,
 * or takes the state at another moment than right after the transition.
 */
test('a workflow entity is journaled in the state its creation took it to; a follower applying the journal, or an older journal, holds each entity as the leader does', async () => {
  const dirs = [tempDataDir(), tempDataDir(), tempDataDir()];
  const worlds: WorkflowWorld[] = [];
  try {
    const leader = await openWorkflowWorld(dirs[0]!.dir);
    worlds.push(leader);
    const sent: Uint8Array[] = [];
    const { engine } = leader.run.fulcrum;
    engine.journal.replication = { entry: (e) => (sent.push(e as Uint8Array), Promise.resolve()), current: () => Promise.resolve() };
    // What each entity looked like when created, before `entity.created`: what a journal written before held.
    const born = new Map<string, { value: unknown; context: unknown }>();
    engine.onEntityTransition((_step, entry, event) => {
      if (event.type === 'entity.create') born.set(`${ENTITY_PREFIX[entry.kind]}:${entry.id}`, structuredClone({ value: entry.snapshot.value, context: entry.snapshot.context }));
    });
    await seedNetwork(leader);
    const { fulcrum } = leader.run;
    const plain = placeOrder(fulcrum, { customer: { id: 'c1' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 2 }] }, 'k').value;
    const paid = placeOrder(fulcrum, { customer: { id: 'c2' }, deliverTo: BERLIN, lines: [{ sku: 'A', qty: 1 }, { sku: 'B', qty: 1 }] }, 'k').value;
    sendOrderEvent(fulcrum, paid.id, { type: 'payment.authorized' });
    const fid = fulcrum.orders.get(paid.id)!.fulfilments[0]!.id;
    sendEntityEvent(fulcrum, 'fulfilment', fid, { type: 'accepted' });
    await upsertProduct(fulcrum, { sku: 'B', name: 'B', attributes: { price: 600 } }).durable;
    const checked = placeOrder(fulcrum, { customer: { id: 'c3' }, deliverTo: BERLIN, lines: [{ sku: 'B', qty: 2 }] }, 'k').value;
    assert.equal([plain.status, fulcrum.orders.get(paid.id)!.status, checked.status], ['awaiting_payment', 'fulfilling', 'fraud_check']);
    await engine.store.root.committed;

    const entries = sent.map(unpack);
    const facts: Fact[] = entries.flatMap((e) => e.facts);
    assert.not.ok(facts.some((f) => 'event' in f && f.event.type === 'entity.created'), 'no entity.created fact is journaled after a creation');
    const created = createdEntities(entries);
    assert.ok(created.some(([k]) => k === 'order') && created.some(([k]) => k === 'fulfilment'), 'orders and fulfilments were created');
    for (const f of facts) {
      if ('create' in f && 'state' in f.create) assert.is.not((f.create.state as { value: unknown }).value, '__new', `${f.actor} is journaled in the state it was created into`);
    }

    // The journal as a build before this wrote it: the `__new` creation, then its `entity.created`.
    const older = entries.map((e) => ({
      ...e,
      facts: e.facts.flatMap((f): Fact[] => {
        const before = born.get(f.actor);
        if (!('create' in f) || !before) return [f];
        return [{ actor: f.actor, create: { machine: (f.create as { machine: string }).machine, state: before } }, { actor: f.actor, event: { type: 'entity.created', at: new Date(e.at).toISOString() } }];
      }),
    }));

    for (const [i, journal] of [[1, sent.map((b) => [unpack(b), b] as const)], [2, older.map((e) => [e, undefined] as const)]] as const) {
      const follower = await openWorkflowWorld(dirs[i]!.dir);
      worlds.push(follower);
      const fe = follower.run.fulcrum.engine;
      assert.is(fe.journal.nextSeq, 1, 'the follower journaled nothing of its own');
      for (const [entry, bytes] of journal) await applyReplicatedEntry(fe, entry, bytes).durable;
      const what = i === 1 ? 'the leader\'s journal' : 'an older journal';
      for (const [kind, id] of created) assert.equal(stateOf(fe, kind, id), stateOf(engine, kind, id), `${kind} ${id} from ${what}`);
    }
  } finally {
    for (const w of worlds) await w.run.close();
    for (const d of dirs) d.cleanup();
  }
});

test.run();
