import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Packr } from 'msgpackr';
import { applyWrites, captureWrites, closeStore, Journal, openStore, PackedValue, PACKED_DATABASES, packPlain, REPLICATED_DATABASES, SCHEMA_VERSION, type JournalEntry, type ReplicatedWrite } from '../../snapshots/index.js';
import { decodeBatch, encodeBatch } from '../../src/cluster/batch.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { BYTES_FROM, storableNumbers, storedFloat64 } from '../../src/sourcing/stored-numbers.js';
import { tempDataDir } from '../helpers/tmp.js';

test('a batch decodes to what was encoded; one from a newer build is refused', () => {
  const entry = { v: SCHEMA_VERSION, seq: 7, at: 1, facts: [{ actor: 'loc:BER', event: { type: 'stock.reserved', ref: 'o1', lines: [{ sku: 'A', qty: 2 }] } }] };
  const writes: ReplicatedWrite[] = [['idempotency', 'k\u0000a', { v: 1, status: 201 }], ['outbox', ['ep', 5, 'e1']]];
  const batch = decodeBatch(encodeBatch({ term: 3, node: 'a', entries: [entry], writes }));
  assert.equal(batch.entries, [entry]);
  assert.equal(batch.writes, writes);
  assert.is(batch.term, 3);
  const newer = new Packr({ useRecords: false }).pack({ v: 99, term: 1, node: 'a', entries: [], writes: [] });
  assert.throws(() => decodeBatch(newer), /batch version 99/);
});

test('writes to replicated databases are captured while a sink is set, applied elsewhere as they were; symbol keys and local databases are not', async () => {
  const a = tempDataDir();
  const b = tempDataDir();
  const leader = openStore(a.dir);
  const follower = openStore(b.dir);
  try {
    const captured: ReplicatedWrite[] = [];
    let sink: ((w: ReplicatedWrite) => void) | undefined = (w) => captured.push(w);
    captureWrites(leader, () => sink);
    await leader.products.put('A', { v: 1, doc: { sku: 'A' } });
    await leader.outbox.put(['ep', 5, 'e1'], { v: 1, event: { id: 'e1', type: 't', subject: 's', time: 'x', data: null }, attempts: 0 });
    await leader.outbox.remove(['ep', 5, 'e1']);
    await leader.decisions.put(Symbol.for('fulcrum.structures') as never, [] as never);
    await leader.meta.put('local', 1);
    sink = undefined;
    await leader.products.put('B', { v: 1, doc: { sku: 'B' } });
    assert.equal(captured.map(([db, key]) => [db, key]), [['products', 'A'], ['outbox', ['ep', 5, 'e1']], ['outbox', ['ep', 5, 'e1']]]);
    assert.is(captured[2]!.length, 2, 'a remove carries no value');
    await applyWrites(follower, captured);
    assert.equal(follower.products.get('A'), { v: 1, doc: { sku: 'A' } });
    assert.is(follower.outbox.get(['ep', 5, 'e1']), undefined);
    assert.is(follower.products.get('B'), undefined);
  } finally {
    await closeStore(leader);
    await closeStore(follower);
    a.cleanup();
    b.cleanup();
  }
});

test('entries and plain puts travel as the bytes the stores keep; a follower keeps them as they are', async () => {
  const a = tempDataDir();
  const b = tempDataDir();
  const leader = openStore(a.dir);
  const follower = openStore(b.dir);
  try {
    // The leader's journal encodes each entry once, for its LMDB and for the stream.
    const sent: Array<JournalEntry | Uint8Array> = [];
    const journal = new Journal(leader, (e) => {
      throw e;
    });
    journal.replication = { entry: (e) => (sent.push(e), Promise.resolve()), current: () => Promise.resolve() };
    const facts = [{ actor: 'loc:BER', event: { type: 'stock.reserved', ref: 'o1', lines: [{ sku: 'A', qty: 2 }] } }];
    const { seq, durable } = journal.append(facts as never, 5);
    await durable;
    assert.ok(sent[0] instanceof Uint8Array, 'the leader hands the stream the bytes it stored');
    const captured: ReplicatedWrite[] = [];
    captureWrites(leader, () => (w) => captured.push(w));
    await leader.jobs.put('j1', { v: 1, doc: { kind: 'bulk' } } as never);
    await leader.decisions.put('o1/1/0', { v: 1, doc: { kind: 'intake' } });
    await leader.timeline.put('order:o1/1', { v: 1, at: 5, by: 'k', entries: [{ event: { type: 'x' } }] } as never);
    assert.ok(captured[0]![2] instanceof PackedValue, 'a plain database\'s value travels packed');
    assert.not.ok(captured[1]![2] instanceof PackedValue, 'a database with shared structures sends the value itself');
    assert.not.ok(captured[2]![2] instanceof PackedValue, 'a timeline entry too');

    const batch = decodeBatch(encodeBatch({ term: 1, node: 'a', entries: sent, writes: captured }));
    assert.equal(batch.entries, [leader.journal.get(seq)]);
    assert.equal(Buffer.from(batch.packedEntries![0]!), Buffer.from(sent[0] as Uint8Array));
    const fj = new Journal(follower, (e) => {
      throw e;
    });
    await fj.appendReplicated(batch.entries[0]!, batch.packedEntries![0]);
    await applyWrites(follower, batch.writes);
    assert.equal(follower.journal.get(seq), { v: SCHEMA_VERSION, seq, at: 5, facts });
    assert.equal(follower.timeline.get('order:o1/1'), leader.timeline.get('order:o1/1'));
    assert.equal(follower.jobs.get('j1'), { v: 1, doc: { kind: 'bulk' } });
    assert.equal(follower.decisions.get('o1/1/0'), { v: 1, doc: { kind: 'intake' } });

    // Bytes for a database with shared structures would mean another value in another store: refused.
    assert.throws(() => applyWrites(follower, [['decisions', 'x', new PackedValue(packPlain({ v: 1 }))]]), /decisions/);
    const forged = encodeBatch({ term: 1, node: 'a', entries: [], writes: [['decisions', 'x', new PackedValue(packPlain({ v: 1 }))]] });
    assert.throws(() => decodeBatch(forged), /decisions/);
  } finally {
    await closeStore(leader);
    await closeStore(follower);
    a.cleanup();
    b.cleanup();
  }
});

test('a decision whose numbers are stored as bytes reaches a follower as the same numbers', async () => {
  const a = tempDataDir();
  const b = tempDataDir();
  const leader = openStore(a.dir);
  const follower = openStore(b.dir);
  try {
    // A view into the middle of a larger buffer, as a problem's arrays may be: only its own bytes travel.
    const whole = Float64Array.from({ length: BYTES_FROM + 4 }, (_, i) => i + 0.25);
    const numbers = whole.subarray(2, 2 + BYTES_FROM);
    const stored = storableNumbers(numbers);
    assert.ok(stored instanceof Uint8Array, 'stored as bytes');
    const captured: ReplicatedWrite[] = [];
    captureWrites(leader, () => (w) => captured.push(w));
    await leader.decisions.put('o1/1/0', { v: 1, doc: { kind: 'intake', problem: { unitTerms: stored } } });
    await applyWrites(follower, decodeBatch(encodeBatch({ term: 1, node: 'a', entries: [], writes: captured })).writes);
    for (const store of [leader, follower]) {
      const { doc } = store.decisions.get('o1/1/0') as { doc: { problem: { unitTerms: Uint8Array } } };
      assert.equal(Array.from(storedFloat64(doc.problem.unitTerms)), Array.from(numbers));
    }
  } finally {
    await closeStore(leader);
    await closeStore(follower);
    a.cleanup();
    b.cleanup();
  }
});

test('the packed databases are exactly the replicated ones the store encodes as plain MessagePack', async () => {
  const a = tempDataDir();
  const store = openStore(a.dir);
  try {
    for (const name of REPLICATED_DATABASES) {
      const db = store[name] as unknown as { encoder?: { useRecords?: boolean }; sharedStructuresKey?: unknown };
      const plain = db.encoder?.useRecords === false && db.sharedStructuresKey === undefined;
      assert.is(PACKED_DATABASES.has(name), plain, `${name}: packed ${PACKED_DATABASES.has(name)}, plain ${plain}`);
    }
    const j = store.journal as unknown as { encoder?: { useRecords?: boolean }; sharedStructuresKey?: unknown };
    assert.ok(j.encoder?.useRecords === false && j.sharedStructuresKey === undefined, 'the journal is plain: entries travel as its bytes');
  } finally {
    await closeStore(store);
    a.cleanup();
  }
});

test('FULCRUM_NATS_URL takes comma-separated NATS URLs and refuses anything else, naming the setting', () => {
  assert.equal(loadConfig([], { FULCRUM_NATS_URL: 'nats://127.0.0.1:4222, nats://10.0.0.2:4222' }).natsUrls, ['nats://127.0.0.1:4222', 'nats://10.0.0.2:4222']);
  assert.is(loadConfig([], {}).natsUrls, undefined);
  assert.throws(() => loadConfig([], { FULCRUM_NATS_URL: 'http://x:4222' }), (e: unknown) => e instanceof ConfigError && /FULCRUM_NATS_URL/.test((e as Error).message));
  assert.throws(() => loadConfig([], { FULCRUM_CLUSTER_LEASE_MS: '100' }), /FULCRUM_CLUSTER_LEASE_MS/);
});

test('three snapshots are kept by default; fewer than two is refused, naming the setting', () => {
  assert.is(loadConfig([], {}).clusterSnapshotsKept, 3);
  assert.is(loadConfig(['--cluster-snapshots-kept', '5'], {}).clusterSnapshotsKept, 5);
  // One would let a trim remove the stream a node still downloading the newest snapshot needs.
  assert.throws(() => loadConfig([], { FULCRUM_CLUSTER_SNAPSHOTS_KEPT: '1' }), (e: unknown) => e instanceof ConfigError && /FULCRUM_CLUSTER_SNAPSHOTS_KEPT|cluster-snapshots-kept/.test((e as Error).message));
});

test.run();
