import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CrashWorld, countViolations } from '../helpers/crash-world.js';
import { tempDataDir } from '../helpers/tmp.js';

test('kill -9 during a burst loses nothing acknowledged (3 rounds)', async () => {
  const { dir, cleanup } = tempDataDir();
  try {
    const world = new CrashWorld(dir, 7);
    let server = await world.start();
    await world.seed(server);
    for (let round = 0; round < 3; round++) {
      await world.burst(server, 40, 400 + round * 250);
      server = await world.start();
      const v = await world.verify(server);
      assert.is(countViolations(v), 0, JSON.stringify(v, null, 1));
    }
    await server.stop();
    assert.ok(world.totals.acked > 100, `enough acknowledged requests to mean something (${world.totals.acked})`);
    assert.ok(world.orders.size > 50);
  } finally {
    cleanup();
  }
});

test('negative control: acknowledging before the commit is caught', async () => {
  const { dir, cleanup } = tempDataDir();
  try {
    const world = new CrashWorld(dir, 11, { FULCRUM_UNSAFE_EARLY_ACK: '1' });
    let server = await world.start();
    await world.seed(server);
    let caught = 0;
    for (let round = 0; round < 8 && caught === 0; round++) {
      await world.burst(server, 40, 300 + round * 97);
      server = await world.start();
      caught += countViolations(await world.verify(server));
    }
    await server.stop();
    assert.ok(caught > 0, 'the checker must see acknowledged orders lost when the ack precedes the commit');
  } finally {
    cleanup();
  }
});

test.run();
