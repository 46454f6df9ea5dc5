import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { KV } from '@nats-io/kv';
import { LeaderLease } from '../../src/cluster/lease.js';

/**
 * The lease's compare-and-set against a bucket that fails on cue. A renewal that NATS fails to answer (a
 * timeout, a stream leader being elected) is not a lost lease: the node keeps deciding until its own deadline
 * and the next renewal, on the same revision, keeps it. Only the bucket's "wrong last sequence" (someone else
 * wrote) gives it up.
 */
function fakeKv(faults: string[]) {
  let revision = 0;
  const calls: Array<{ op: string; expected?: number }> = [];
  const kv = {
    async create() {
      calls.push({ op: 'create' });
      if (faults.length > 0) throw new Error(faults.shift()!);
      if (revision > 0) throw new Error('wrong last sequence: key exists');
      return ++revision;
    },
    async update(_key: string, _value: string, expected: number) {
      calls.push({ op: 'update', expected });
      if (faults.length > 0) throw new Error(faults.shift()!);
      if (expected !== revision) throw new Error(`wrong last sequence: ${revision}`);
      return ++revision;
    },
  };
  return { kv: kv as unknown as KV, calls, faults, bump: () => revision++ };
}

async function rejection(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  return assert.unreachable('it resolved') as never;
}

const me = { node: 'a', url: 'http://127.0.0.1:1' };

test('a renewal NATS fails to answer once keeps the lease; the next renewal, on the same revision, succeeds', async () => {
  const { kv, calls, faults } = fakeKv([]);
  const lease = new LeaderLease(kv, me, 60_000, 1000);
  assert.ok(await lease.acquire());
  faults.push('TIMEOUT');
  assert.match(await rejection(lease.renew()), /TIMEOUT/);
  assert.ok(lease.held, 'a timeout is not a lost lease');
  assert.ok(await lease.renew());
  assert.ok(lease.held);
  assert.equal(calls.filter((c) => c.op === 'update').map((c) => c.expected), [1, 1]);
});

test('a renewal refused because someone else wrote gives the lease up for good', async () => {
  const { kv, bump } = fakeKv([]);
  const lease = new LeaderLease(kv, me, 60_000, 1000);
  assert.ok(await lease.acquire());
  bump();
  assert.is(await lease.renew(), false);
  assert.is(lease.held, false);
  assert.is(await lease.renew(), false, 'never renewed after');
});

test('taking the lease when NATS fails to answer once: an error (the node tries again), then taken', async () => {
  const { kv } = fakeKv(['jetstream is not enabled']);
  const lease = new LeaderLease(kv, me, 60_000, 1000);
  assert.match(await rejection(lease.acquire()), /not enabled/);
  assert.is(lease.held, false);
  assert.ok(await lease.acquire());
  assert.ok(lease.held);
  assert.is(lease.term, 1);
});

test.run();
