import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const RUN = fileURLToPath(new URL('../../bench/supply/run.js', import.meta.url));

test('the supply benchmark runs end to end and the cap holds (smoke: 1,500 pre-orders, nothing written)', async () => {
  const out = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [RUN, '--smoke'], { timeout: 180_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stdout}\n${stderr}`)) : resolve(stdout)));
  });
  assert.match(out, /Ratio pre-order \/ in-stock throughput \(same run\): \*\*\d+\.\d+\*\*/);
  assert.match(out, /Cap: \d+ pre-orders acknowledged .* 1200 units waiting .* \*\*never exceeded\*\*, and reached/);
  assert.match(out, /receipt acknowledged: every unit given to its waiting order in queue order \(750 of 750 waiting orders allotted.* \| \*\*\d+ ms\*\*/);
  assert.match(out, /every allotted order sourced into fulfilments .* \| \d+\.\d s \|/);
  assert.match(out, /Ratio of CPU per request, dated \/ plain: \*\*\d+\.\d+\*\*/);
});

test.run();
