import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { call, ClusterWorld, countViolations, sleep, type FulcrumNode } from '../helpers/cluster-world.js';

/** Takes a backup through `POST /ops/backups` on `node` and waits for it; returns the finished job. */
async function backup(node: FulcrumNode, to: string): Promise<any> {
  // A follower reopens its engine after the seeding changed its configuration (its server is down for that
  // moment, later on a loaded machine), and a loaded one can take seconds to answer: try for up to 30 s.
  let started: Awaited<ReturnType<typeof call>>;
  for (const until = Date.now() + 30_000; !started && Date.now() < until; ) {
    started = await call(node.url, 'POST', '/ops/backups', { to }, {}, 10_000);
    if (!started) await sleep(200);
  }
  assert.is(started?.status, 202, JSON.stringify(started?.body));
  assert.not.ok(started!.headers.get('fulcrum-forwarded-to'), 'a backup runs on the node it is sent to');
  let job = started!.body;
  while (job.status === 'running') {
    await sleep(50);
    job = (await call(node.url, 'GET', `/ops/backups/${job.id}`, undefined, {}, 30_000))!.body;
  }
  assert.is(job.status, 'done', JSON.stringify(job));
  return job;
}

test('a backup of a follower taken while orders flow restores as a new node that catches up from the stream after it: every acknowledged order present, stock conserved, the same state hash', async () => {
  const world = await ClusterWorld.start(41);
  const dir = mkdtempSync(join(tmpdir(), 'fulcrum-cluster-backup-'));
  try {
    await world.seed();
    const leader = await world.leader();
    const follower = world.nodes.find((n) => n !== leader)!;
    let job: any;
    const during = await world.burst(8, 3000, 1000, async () => {
      job = await backup(follower, join(dir, 'follower'));
    });
    assert.ok(during.acked > 0, 'orders were acknowledged around the backup');
    assert.ok(job.clusterSeq > 0, `a follower's backup names the stream sequence it covers: ${JSON.stringify(job)}`);
    assert.is(JSON.parse(readFileSync(join(dir, 'follower', 'manifest.json'), 'utf8')).clusterSeq, job.clusterSeq);
    const last = (await world.journal()).lastSeq;
    assert.ok(job.clusterSeq < last, `orders were acknowledged after the backup (${job.clusterSeq} of ${last}): the restored node must catch up`);

    const restored = await world.addNode('r', ['--restore-from', join(dir, 'follower')]);
    assert.match(restored.out, new RegExp(`starting from the restored backup at stream sequence ${job.clusterSeq}; catching up`));
    const v = await world.verify();
    // verify() checks the nodes that answer: the restored one must be among them.
    assert.is((await restored.cluster())?.role, 'follower', `the restored node serves as a follower:\n${restored.out.slice(-3000)}`);
    assert.is(countViolations(v), 0, `${JSON.stringify(v, null, 1)}\n${world.logs()}`);

    // A leader's store may run ahead of the stream: its backup claims no stream sequence.
    const fromLeader = await backup(await world.leader(), join(dir, 'leader'));
    assert.is(fromLeader.clusterSeq, undefined, JSON.stringify(fromLeader));
  } finally {
    await world.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
