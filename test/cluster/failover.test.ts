import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ClusterWorld, failoverRounds } from '../helpers/cluster-world.js';

test('failover under a flash sale (kill -9 twice, SIGSTOP once): every acknowledged order is on every node, nothing oversold, stock conserved, states equal, another node takes over', async () => {
  const world = await ClusterWorld.start(3);
  try {
    await world.seed();
    const report = await failoverRounds(world, ['kill', 'freeze', 'kill'], false);
    assert.equal(report.found, [0, 0, 0], `${JSON.stringify(report.first, null, 1)}\n${world.logs()}`);
    assert.ok(world.totals.acked > 50, `enough acknowledged orders to mean something (${world.totals.acked})`);
    assert.ok(world.totals.rejected > 0, 'the hot SKU sold out: refusals happened');
    assert.is(world.totals.unresolved, 0, 'every order was answered through the failovers');
    // How fast is judged in `npm run test:failover` (20 rounds, p50/p99 against the 5 s goal), not in a timed
    // test on a shared machine; this bound only catches a takeover that hangs.
    assert.ok(Math.max(...report.takeovers) <= 20_000, `takeover took ${report.takeovers.join(', ')} ms`);
    // No configuration changed during the rounds: each new leader was a follower whose engine it kept.
    assert.ok(world.nodes.some((n) => /engine in place/.test(n.out)), `a follower was promoted in place:\n${world.logs()}`);
    console.log(`failover: ${world.totals.acked} acknowledged, ${world.totals.rejected} refused; takeover ${report.takeovers.join(', ')} ms`);
  } finally {
    await world.stop();
  }
});

test.run();
