import { deflateRawSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Packr } from 'msgpackr';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { SCHEMA_VERSION, type JournalEntry, type ReplicatedWrite } from '../../snapshots/index.js';
import { decodeBatch, encodeBatch, JOURNAL_SUBJECT } from '../../src/cluster/batch.js';
import { Replicator } from '../../src/cluster/replicator.js';
import { startNatsCluster } from '../../src/cli/nats-servers.js';
import { tempDataDir } from '../helpers/tmp.js';

// Three NATS servers and a three-replica stream, as a cluster runs: the expected-last-sequence check that fences
// a deposed leader is the stream's own.
const STREAM = 'REPLICATOR_TEST';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

function entry(seq: number): JournalEntry {
  return { v: SCHEMA_VERSION, seq, at: seq, facts: [{ actor: 'loc:BER', event: { type: 'stock.reserved', ref: `o${seq}`, lines: [{ sku: 'A', qty: 1 }] } }] } as JournalEntry;
}

/** JetStream answers a little after the server listens. */
async function ready<T>(fn: () => Promise<T>, withinMs = 20_000): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

async function world() {
  const tmp = tempDataDir('fulcrum-replicator-');
  const nats = await startNatsCluster(3, tmp.dir);
  const nc = await connect({ servers: nats.urls.split(',') });
  const jsm = await ready(async () => {
    const m = await jetstreamManager(nc, { timeout: 2000 });
    await m.streams.add({ name: STREAM, subjects: [JOURNAL_SUBJECT], num_replicas: 3 });
    return m;
  }).catch(async (e: unknown) => {
    await nc.close();
    await nats.stop();
    tmp.cleanup();
    throw e;
  });
  const js = jetstream(nc, { timeout: 5000 });
  return {
    js,
    jsm,
    nats,
    last: async () => (await jsm.streams.info(STREAM)).state.last_seq,
    close: async () => {
      await nc.close();
      await nats.stop();
      tmp.cleanup();
    },
  };
}

test('pipelined appends of a fenced leader are all refused, none acknowledged, and the leader is told once', async () => {
  const w = await world();
  try {
    const lost: Error[] = [];
    // Holds the deposed leader's appends until six are out, then sends them in one tick: all are on the wire
    // before the stream answers the first, as under load.
    let held: Array<() => void> = [];
    let gate = false;
    const js = new Proxy(w.js, {
      get: (target, key) =>
        key !== 'publish' ? Reflect.get(target, key) : (...args: Parameters<typeof target.publish>) => {
          if (!gate) return target.publish(...args);
          return new Promise((resolve, reject) => {
            held.push(() => target.publish(...args).then(resolve, reject));
            if (held.length === 6) {
              const go = held;
              held = [];
              for (const send of go) send();
            }
          });
        },
    });
    const deposed = new Replicator({ js, node: 'a', term: 1, lastSeq: 0, lastMsgId: '', publishTimeoutMs: 5000, maxInFlight: 8, onLost: (e) => lost.push(e) });
    // The leader's first appends land while it still leads.
    await deposed.entry(entry(1));
    assert.is(deposed.ackedSeq, 1);
    // A new leader fences the stream at the sequence it found: the old one's next appends expect 1, not 2.
    await w.js.publish(JOURNAL_SUBJECT, encodeBatch({ term: 2, node: 'b', entries: [], writes: [] }), { expect: { lastSequence: 1 } });
    gate = true;
    const outcomes: Array<Promise<string>> = [];
    for (let i = 2; i < 8; i++) {
      outcomes.push(deposed.entry(entry(i)).then(() => 'acknowledged', (e: Error) => e.message));
      await turn();
    }
    const settled = await Promise.all(outcomes);
    assert.is(deposed.stats.maxInFlight, 6, 'the six appends were in flight together');
    for (const s of settled) assert.match(s, /did not confirm this write/, `a deposed leader's append is never acknowledged: ${settled.join(' | ')}`);
    assert.is(lost.length, 1, 'the leader is told to step down once');
    assert.is(deposed.ackedSeq, 1);
    assert.ok(deposed.failure);
    // Nothing of the old leader's landed after the fence.
    assert.is(await w.last(), 2, 'nothing of the deposed leader landed on top of the fence');
    // And it accepts nothing after.
    gate = false;
    const after = await deposed.entry(entry(9)).then(() => 'acknowledged', (e: Error) => e.message);
    assert.match(after, /did not confirm/);
  } finally {
    await w.close();
  }
});

test('while the window is full, later turns join one batch; every fact lands once, in order', async () => {
  const w = await world();
  try {
    const r = new Replicator({ js: w.js, node: 'a', term: 1, lastSeq: 0, lastMsgId: '', publishTimeoutMs: 5000, maxInFlight: 1, onLost: (e) => assert.unreachable(e.message) });
    const acks: Array<Promise<void>> = [];
    for (let i = 1; i <= 40; i++) {
      acks.push(r.entry(entry(i)));
      if (i % 2 === 0) await turn();
    }
    await Promise.all(acks);
    assert.is(r.stats.entries, 40);
    assert.is(r.stats.maxInFlight, 1);
    assert.ok(r.stats.batches < 20, `${r.stats.batches} publishes for 20 turns: turns waiting for a slot were batched`);
    const last = await w.last();
    assert.is(last, r.stats.batches);
    assert.is(r.ackedSeq, last);
    const seqs: number[] = [];
    for (let s = 1; s <= last; s++) {
      const m = await w.jsm.streams.getMessage(STREAM, { seq: s });
      for (const e of decodeBatch(m!.data).entries) seqs.push(e.seq);
    }
    assert.equal(seqs, Array.from({ length: 40 }, (_, i) => i + 1));
  } finally {
    await w.close();
  }
});

test('the stream keeps its last message id across a restart of every NATS server: the fence holds after it', async () => {
  // Fencing a pipelined leader rests on the stream refusing an append whose expected last message id is not
  // the stream's. nats-server keeps that id in memory and recovers it from the stored messages at start; if a
  // version forgot it, a deposed leader's append after a full NATS restart would be judged by sequence alone.
  const w = await world();
  try {
    const first = await w.js.publish(JOURNAL_SUBJECT, 'a', { msgID: 'a:1:1' });
    const second = await w.js.publish(JOURNAL_SUBJECT, 'b', { msgID: 'a:1:2', expect: { lastSequence: first.seq, lastMsgID: 'a:1:1' } });
    for (const s of w.nats.servers) await s.kill();
    await Promise.all(w.nats.servers.map((s) => s.restart()));
    // Same sequence, another predecessor's id: what a deposed leader's in-flight append looks like.
    const refused = await ready(() =>
      w.js.publish(JOURNAL_SUBJECT, 'x', { msgID: 'b:2:1', expect: { lastSequence: second.seq, lastMsgID: 'a:1:1' }, timeout: 2000 }).then(
        (ack) => `stored at ${ack.seq}`,
        (e: Error) => {
          if (/wrong last msg/i.test(e.message)) return e.message;
          throw e;
        },
      ),
      // Every server restarted at once: the client reconnects, then the servers elect a meta and a stream leader.
      60_000,
    );
    assert.match(refused, /wrong last msg ID/i, 'an append naming another predecessor is refused after the restart');
    const ok = await ready(() => w.js.publish(JOURNAL_SUBJECT, 'c', { msgID: 'a:1:3', expect: { lastSequence: second.seq, lastMsgID: 'a:1:2' }, timeout: 2000 }), 60_000);
    assert.is(ok.seq, second.seq + 1);
  } finally {
    await w.close();
  }
});

test('a large batch is deflated and decodes to what was encoded; a small one stays plain; formats 1 and 2 still decode', () => {
  const entries = Array.from({ length: 200 }, (_, i) => entry(i + 1));
  const writes: ReplicatedWrite[] = [['idempotency', 'k', { v: 1, status: 201 }]];
  const big = encodeBatch({ term: 4, node: 'a', entries, writes });
  const plainSize = encodeBatch({ term: 4, node: 'a', entries: entries.slice(0, 1), writes: [] }).length * 200;
  assert.ok(big.length < plainSize / 4, `${big.length} bytes for 200 entries`);
  const packr = new Packr({ useRecords: false });
  assert.ok(packr.unpack(big).z, 'deflated');
  const back = decodeBatch(big);
  assert.is(back.v, 3);
  assert.equal(back.entries, entries);
  assert.equal(back.writes, writes);
  const small = encodeBatch({ term: 4, node: 'a', entries: [], writes: [] });
  assert.ok(packr.unpack(small).b && !packr.unpack(small).z, 'plain');
  assert.equal(decodeBatch(small).entries, []);
  // What an older build appended before an upgrade: the stream keeps it.
  const v1 = packr.pack({ v: 1, term: 4, node: 'a', entries, writes });
  const v2 = packr.pack({ v: 2, term: 4, node: 'a', z: deflateRawSync(packr.pack([entries, writes])) });
  for (const old of [v1, v2]) {
    const d = decodeBatch(old);
    assert.equal([d.entries, d.writes, d.packedEntries], [entries, writes, undefined]);
  }
});

test.run();
