import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const RUN = fileURLToPath(new URL('../../bench/flash-sale/run.js', import.meta.url));

test('the flash-sale benchmark runs end to end (smoke: 1,000 requests, 3 x 10 units, 100 subscribers, then overload against bounds 20 and 4096; nothing written)', async () => {
  const out = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [RUN, '--smoke'], { timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
  assert.match(out, /units sold \(sum of the 201s' quantities\): \*\*30\*\* of 30: yes/, 'exactly the stock sold');
  assert.match(out, /every 201 readable with `GET \/orders\/:id` \(same lines, not cancelled\): \*\*30 \/ 30\*\*: yes/);
  assert.match(out, /subscribers whose last value is 0, per SKU: \*\*100 \/ 100 \/ 100\*\* of 100/);
  assert.match(out, /No violation\./);
  assert.match(out, /\| 1 \| hot \| 1000 \| 1000 \| \d+ \|/, 'every hot request succeeded');
  assert.match(out, /\| 1 \| spread \| 1000 \| 1000 \| \d+ \|/, 'every spread request succeeded');
  assert.match(out, /Throughput hot \/ spread \(mean requests\/s\): \*\*\d+\.\d+\*\*/);
  assert.match(out, /\| 20 \| 200 \| 2000 \| \d+ \| [1-9]\d* \(metric \+[1-9]\d*\) \|/, 'the low in-flight bound shed requests, and the metric counted them');
  assert.match(out, /\| 4096 \| 200 \| 2000 \| 2000 \| 0 \(metric \+0\) \|/, 'the default bound took every request');
});

test.run();
