import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const RUN = fileURLToPath(new URL('../../bench/cluster/run.js', import.meta.url));

// `npm run bench:cluster` had no run in the suite: a smoke run of its intake and feed parts (seconds each, nothing
// written to bench/results), so the bench cannot rot. Speed is judged in the bench, never here.
test('the cluster benchmark runs end to end: intake (embedded vs three replicas) and the feed phases (smoke, nothing written)', async () => {
  const args = [RUN, '--smoke', '--parts', 'intake,feed', '--rounds', '1', '--seconds', '2', '--warmup', '1', '--connections', '10', '--feed-subscribers', '20', '--feed-seconds', '2', '--feed-rounds', '1'];
  const out = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, args, { timeout: 240_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
  assert.match(out, /\| embedded \| [1-9]\d* \| [\d.]+ \| [\d.]+ \| \d+ \| \d+ \| 0 \| 0 \|/, 'the embedded server answered every order');
  assert.match(out, /\| cluster \(3 replicas\) \| [1-9]\d* \| [\d.]+ \| [\d.]+ \| \d+ \| \d+ \| 0 \| 0 \|/, "the cluster's leader answered every order");
  assert.match(out, /\| cluster intake \/ embedded intake \| \*\*\d+\.\d+\*\* \| >= 0\.7 \|/);
  for (const phase of ['embedded, S on its one node', 'cluster, S on one follower', 'cluster, 3S over its three nodes', 'embedded, 3S on its one node']) {
    assert.match(out, new RegExp(`\\| ${phase.replace(/[()]/g, '\\$&')} \\| \\d \\| \\d+ \\| [\\d.]+ \\| [1-9]\\d* \\| [\\d.]+ \\| [\\d.]+ \\| 0 \\| 0 \\|`), `${phase}: commits sampled, nothing undelivered`);
  }
  assert.match(out, /\| staleness p99, 3S over three cluster nodes \/ S on one cluster node \| \*\*\d+\.\d+\*\* \|/);
});

test.run();
