import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { call, ClusterWorld, countViolations, natsBlackout, sleep } from '../helpers/cluster-world.js';

const ORDER = { customer: { id: 'n' }, deliverTo: { lat: 51, lon: 10, country: 'DE' }, lines: [{ sku: 'S1', qty: 1 }] };

test('losing one NATS server of three changes nothing for clients; losing two stops writes with 503 and Retry-After and loses nothing; when they return, writes resume', async () => {
  const world = await ClusterWorld.start(21);
  try {
    await world.seed();
    const [first, second] = world.nats.servers;
    await first!.kill();
    const one = await world.burst(8, 3000, 0, async () => undefined);
    assert.is(one.unresolved, 0, 'every order was answered with one NATS server down');
    // JetStream moves the stream's and the bucket's raft leaders off the dead server within seconds:
    // clients wait meanwhile (their retries are answered), none is refused for good.
    assert.ok(one.acked > 0, `orders kept being acknowledged (${one.acked})`);
    console.log(`one NATS server down: ${one.acked} acknowledged, ${one.rejected} refused in 3 s`);
    await second!.kill();
    let refused: { status: number; retryAfter: string | null } | undefined;
    const deadline = Date.now() + 15_000;
    for (let i = 0; !refused && Date.now() < deadline; i++) {
      for (const node of world.nodes) {
        const r = await call(node.url, 'POST', '/orders', { ...ORDER, ref: `quorumless-${i}-${node.id}` }, { 'idempotency-key': `quorumless-${i}-${node.id}` }, 4000);
        if (r?.status === 201) world.acked.set(r.body.id, `quorumless-${i}-${node.id}`);
        if (r?.status === 503) refused = { status: r.status, retryAfter: r.headers.get('retry-after') };
      }
      await sleep(200);
    }
    assert.ok(refused, 'writes were refused once two NATS servers of three were gone');
    assert.ok(refused!.retryAfter, 'the refusal says when to retry');
    await first!.restart();
    await second!.restart();
    await world.leader(30_000);
    const after = await world.burst(8, 2000, 0, async () => undefined);
    assert.is(after.unresolved, 0, 'writes resumed');
    assert.ok(after.acked > 0);
    const v = await world.verify();
    assert.is(countViolations(v), 0, `${JSON.stringify(v, null, 1)}\n${world.logs()}`);
  } finally {
    await world.stop();
  }
});

test('the whole NATS cluster freezes, then crashes with the leader: nothing acknowledged is lost', async () => {
  const world = await ClusterWorld.start(22);
  try {
    await world.seed();
    const v = await natsBlackout(world, 1000);
    assert.is(countViolations(v), 0, `${JSON.stringify(v, null, 1)}\n${world.logs()}`);
    assert.ok(world.totals.acked > 20, `enough acknowledged orders (${world.totals.acked})`);
  } finally {
    await world.stop();
  }
});

test('negative control: a leader that acknowledges before the quorum holds a write loses acknowledged orders in the same blackout, and the checker sees it', async () => {
  const world = await ClusterWorld.start(23, { FULCRUM_UNSAFE_CLUSTER_ACK: '1' });
  try {
    await world.seed();
    const v = await natsBlackout(world, 1000);
    assert.ok(v.lostOrders.length > 0, `acknowledged orders must be missing: ${JSON.stringify(v)}`);
  } finally {
    await world.stop();
  }
});

test.run();
