import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ClusterWorld, countViolations, sleep, type FulcrumNode } from '../helpers/cluster-world.js';

/** Waits until a node's log matches `pattern`. */
async function logged(world: ClusterWorld, nodes: FulcrumNode[], pattern: RegExp, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!nodes.some((n) => pattern.test(n.out))) {
    assert.ok(Date.now() < deadline, `${what}:\n${world.logs()}`);
    await sleep(200);
  }
}

test('snapshots every second, two kept: the stream is trimmed behind the oldest kept snapshot and never past it; a restarted follower, a follower away while the stream was trimmed under it, and a brand-new node all catch up and converge', async () => {
  const world = await ClusterWorld.start(31, { FULCRUM_CLUSTER_SNAPSHOT_MS: '1000', FULCRUM_CLUSTER_SNAPSHOTS_KEPT: '2' });
  try {
    await world.seed();
    await world.burst(8, 2000, 0, async () => undefined);
    const leader = await world.leader();
    const [follower, away] = world.nodes.filter((n) => n !== leader) as [FulcrumNode, FulcrumNode];
    await logged(world, world.nodes, /snapshot at stream sequence \d+ written/, 'a follower wrote a snapshot');
    await follower.kill9();
    await world.burst(8, 1000, 0, async () => undefined);
    await follower.start();
    // The other follower is frozen while the restarted one writes snapshots and trims the stream past it.
    let frozenAt: number | undefined;
    for (let i = 0; frozenAt === undefined; i++) {
      assert.ok(i < 50, `the follower ${away.id} answered /health/ready:\n${world.logs()}`);
      frozenAt = (await away.cluster())?.appliedSeq;
      if (frozenAt === undefined) await sleep(200);
    }
    away.freeze();
    for (let i = 0; (await world.journal()).firstSeq <= frozenAt + 1; i++) {
      assert.ok(i < 15, `the stream was trimmed past ${frozenAt} while orders flowed:\n${world.logs()}`);
      await world.burst(8, 1000, 0, async () => undefined);
    }
    away.thaw();
    // Either it starts over from a snapshot, or the messages it needed were already in its socket when it
    // froze (NATS pushes ahead of the consumer) and it goes on without a gap: both must converge below.
    await world.settle(60_000);
    const startedOver = /starting over from the latest snapshot: the stream starts at \d+, past the \d+ this node applied/.test(away.out);
    console.log(`catch-up: the follower frozen at ${frozenAt} ${startedOver ? 'started over from a snapshot' : 'had the messages it needed in flight and went on'}`);
    const joined = await world.addNode('d');
    let v = await world.verify();
    assert.is(countViolations(v), 0, `${JSON.stringify(v, null, 1)}\n${world.logs()}`);
    assert.match(follower.out, /restored the snapshot at stream sequence \d+/);
    assert.match(joined.out, /restored the snapshot at stream sequence \d+/);
    assert.is((await joined.cluster())?.role, 'follower');

    // Every follower uploads and then prunes on its own: an upload can land between another's listing and its
    // prune, so for a moment three are kept, until the next prune (a second later at most) leaves two.
    let j = await world.journal();
    for (let i = 0; j.snapshots.length > 2 && i < 20; i++) {
      await sleep(250);
      j = await world.journal();
    }
    assert.ok(j.snapshots.length >= 1 && j.snapshots.length <= 2, `two snapshots kept at most: ${j.snapshots.join(', ')}`);
    const oldest = Math.min(...j.snapshots);
    assert.ok(j.firstSeq > 1, `the stream was trimmed (first sequence ${j.firstSeq})`);
    // The message right after the oldest kept snapshot is still there: a node restoring it can catch up.
    assert.ok(j.firstSeq <= oldest + 1, `trimmed to ${j.firstSeq - 1}, past the oldest kept snapshot at ${oldest}`);

    await world.burst(8, 1000, 0, async () => undefined);
    v = await world.verify();
    assert.is(countViolations(v), 0, JSON.stringify(v, null, 1));
  } finally {
    await world.stop();
  }
});

test.run();
