import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const RUN = fileURLToPath(new URL('../../bench/slow-consumers/run.js', import.meta.url));

test('the slow-consumers benchmark runs end to end (smoke: 200 subscribers, 10 of them stalling, 5 s of orders, nothing written)', async () => {
  const out = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [RUN, '--smoke'], { timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
  const staleness = String.raw`\d+ \/ \d+ \/ \d+`;
  assert.match(out, new RegExp(String.raw`\| shoppers \| 180 \| HOT-1 \| yes \| ${staleness} \| ${staleness} \| 180 \| 180\/180 \|`), 'every reading shopper kept up and ended on /availability');
  assert.match(out, new RegExp(String.raw`\| dashboards \| 10 \| whole pool \(501 SKUs\) \| yes \| ${staleness} \| ${staleness} \| 10 \| 10\/10 \|`));
  assert.match(out, /\| stalled shoppers \| 5 \| HOT-1 \| stops \|/);
  assert.match(out, /\| stalled dashboards \| 5 \| whole pool \(501 SKUs\) \| stops \|/);
  assert.match(out, /the probe saw all 200 clients/, 'the buffer probe ran in the feed process');
  assert.match(out, /\| feed process \(the client sockets\), RSS \| \d+\.\d \|/);
  assert.match(out, /No violation/);
});

test.run();
