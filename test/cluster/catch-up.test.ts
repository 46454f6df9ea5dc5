import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ClusterWorld, countViolations, sleep } from '../helpers/cluster-world.js';

test('a follower killed and restarted catches up from the latest snapshot and the stream after it; a brand-new node joins', async () => {
  const world = await ClusterWorld.start(31, { FULCRUM_CLUSTER_SNAPSHOT_MS: '1000' });
  try {
    await world.seed();
    await world.burst(8, 2000, 0, async () => undefined);
    const leader = await world.leader();
    const follower = world.nodes.find((n) => n !== leader)!;
    const deadline = Date.now() + 20_000;
    while (!world.nodes.some((n) => /snapshot at stream sequence \d+ written/.test(n.out))) {
      assert.ok(Date.now() < deadline, `a follower wrote a snapshot:\n${world.logs()}`);
      await sleep(200);
    }
    await follower.kill9();
    await world.burst(8, 2000, 0, async () => undefined);
    await follower.start();
    const joined = await world.addNode('d');
    let v = await world.verify();
    assert.is(countViolations(v), 0, `${JSON.stringify(v, null, 1)}\n${world.logs()}`);
    assert.match(follower.out, /restored the snapshot at stream sequence \d+/);
    assert.match(joined.out, /restored the snapshot at stream sequence \d+/);
    const c = await joined.cluster();
    assert.is(c?.role, 'follower');
    await world.burst(8, 1000, 0, async () => undefined);
    v = await world.verify();
    assert.is(countViolations(v), 0, JSON.stringify(v, null, 1));
  } finally {
    await world.stop();
  }
});

test.run();
