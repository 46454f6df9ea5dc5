import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Packr } from 'msgpackr';
import { STORE_FILE, type Fact, type JournalEntry } from '../../snapshots/index.js';
import { applyReplicatedEntry } from '../../src/engine/index.js';
import { openFulcrum, type Fulcrum } from '../../src/fulcrum/index.js';
import { placeOrder, sendOrderEvent } from '../../src/orders/index.js';
import { seed } from '../helpers/network.js';
import { tempDataDir } from '../helpers/tmp.js';

const DEST = { lat: 52.5, lon: 13.4, country: 'DE' };
const strict = { onFatal: (e: Error) => { throw e; } };
const unpack = (bytes: Uint8Array) => new Packr({ useRecords: false }).unpack(bytes) as JournalEntry;

/**
 * The data dir as a kill -9 would leave it once every write so far is flushed: a copy of the store file, taken
 * before any snapshot pass or shutdown could write what the step did not.
 */
async function crashImage(fulcrum: Fulcrum, to: string): Promise<void> {
  await fulcrum.engine.store.root.flushed;
  copyFileSync(fulcrum.engine.store.path, join(to, STORE_FILE));
}

function order(fulcrum: Fulcrum, id: string) {
  const o = fulcrum.orders.get(id);
  return o && { status: o.status, lines: o.lines, fulfilments: o.fulfilments };
}

async function placeThree(fulcrum: Fulcrum) {
  await seed(fulcrum, { locations: { BER: [52.5, 13.4] }, skus: ['A', 'B'], stock: [['BER', 'A', 10], ['BER', 'B', 10]] });
  // Created and left as created; created and changed in a later step; created and changed in its own step's turn.
  const still = placeOrder(fulcrum, { customer: { id: 'c1' }, deliverTo: DEST, lines: [{ sku: 'A', qty: 2 }] }, 'k');
  const moved = placeOrder(fulcrum, { customer: { id: 'c2' }, deliverTo: DEST, lines: [{ sku: 'B', qty: 1 }] }, 'k');
  const stillSeq = fulcrum.engine.journal.nextSeq - 2;
  const shipped = sendOrderEvent(fulcrum, moved.value.id, { type: 'shipped', fulfilmentId: `${moved.value.id}-1` });
  await Promise.all([still.durable, moved.durable, shipped.durable]);
  return { still: still.value.id, moved: moved.value.id, stillSeq };
}

/**
 * A new entity's snapshot is written in the step that created it, in the transaction of its journal entry, and
 * the entry's creation fact says `created` without repeating the state (issue 17: the state was encoded twice).
 * Fails if the step does not write the snapshot (the order is missing after a crash), writes it with a seq
 * that does not cover the entry (replay applies the events again and refuses them), journals the state again,
 * or leaves the order dirty for the snapshot writer.
 */
test('an order created and unchanged since is restored after a crash from the snapshot its own step wrote', async () => {
  const { dir, cleanup } = tempDataDir();
  const copy = tempDataDir();
  try {
    const run = openFulcrum({ dataDir: dir, ...strict });
    const { fulcrum, snapshotter } = run;
    const passes = snapshotter.stats.passes;
    const { still, moved, stillSeq } = await placeThree(fulcrum);
    const { engine } = fulcrum;
    const facts = engine.store.journal.get(stillSeq)!.facts;
    const creation = facts.find((f) => f.actor === `ord:${still}`)!;
    assert.ok('created' in creation, 'the creation fact names the stored snapshot');
    assert.not.ok(facts.some((f) => 'create' in f && f.actor.startsWith('ord:')), 'no creation fact repeats the state');
    const record = engine.store.actors.get(`ord:${still}`)!;
    assert.ok(record, 'the step wrote the snapshot');
    assert.is(record.seq, stillSeq, 'the snapshot covers the creating entry');
    assert.ok(engine.store.openEntities.get(`ord:${still}`), 'listed open');
    const entry = engine.registry.orders.get(still)!;
    assert.is(entry.dirtySince, undefined, 'the created order is clean: the writer skips it');
    assert.not.ok(engine.registry.dirty.has(entry));
    assert.is(snapshotter.stats.passes, passes, 'no snapshot pass ran: what is stored came from the steps');

    const expected = { still: order(fulcrum, still), moved: order(fulcrum, moved) };
    assert.is(expected.moved?.status, 'shipped');
    await crashImage(fulcrum, copy.dir);
    await run.close();

    const again = openFulcrum({ dataDir: copy.dir, ...strict });
    try {
      assert.equal({ still: order(again.fulcrum, still), moved: order(again.fulcrum, moved) }, expected);
      assert.is(again.recovery.openOrders, 2);
    } finally {
      await again.close();
    }
  } finally {
    cleanup();
    copy.cleanup();
  }
});

/**
 * A cluster's followers build snapshots from facts, so a leader keeps journaling the state: a follower that
 * applies the leader's entries holds every order, and a journal with full creation facts and no stored
 * snapshot (what every earlier build wrote) still replays at start. Fails if the leader journals `created`
 * (the follower cannot restore the order) or if replay no longer restores a creation from its state.
 */
test('a follower gets the state of a created order, and a journal of full creation facts still replays', async () => {
  const dirs = [tempDataDir(), tempDataDir(), tempDataDir()];
  try {
    const leader = openFulcrum({ dataDir: dirs[0]!.dir, ...strict });
    const sent: Uint8Array[] = [];
    leader.fulcrum.engine.journal.replication = { entry: (e) => (sent.push(e as Uint8Array), Promise.resolve()), current: () => Promise.resolve() };
    const { still, moved, stillSeq } = await placeThree(leader.fulcrum);
    const creation = unpack(sent[stillSeq - 1]!).facts.find((f) => f.actor === `ord:${still}`) as Fact;
    assert.ok('create' in creation && 'state' in creation.create, 'a cluster leader journals the state');
    assert.not.ok(leader.fulcrum.engine.store.actors.get(`ord:${still}`), 'and leaves the snapshot to the writer');
    const expected = { still: order(leader.fulcrum, still), moved: order(leader.fulcrum, moved) };
    // The leader's own store, as a crash leaves it: the journal as earlier builds wrote it, no order snapshot.
    await crashImage(leader.fulcrum, dirs[2]!.dir);

    const follower = openFulcrum({ dataDir: dirs[1]!.dir, ...strict });
    try {
      for (const bytes of sent) await applyReplicatedEntry(follower.fulcrum.engine, unpack(bytes), bytes).durable;
      assert.equal({ still: order(follower.fulcrum, still), moved: order(follower.fulcrum, moved) }, expected, 'on the follower');
    } finally {
      await follower.close();
    }
    await leader.close();

    const older = openFulcrum({ dataDir: dirs[2]!.dir, ...strict });
    try {
      assert.equal({ still: order(older.fulcrum, still), moved: order(older.fulcrum, moved) }, expected, 'from full creation facts');
    } finally {
      await older.close();
    }
  } finally {
    for (const d of dirs) d.cleanup();
  }
});

test.run();
