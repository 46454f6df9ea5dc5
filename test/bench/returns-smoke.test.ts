import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const RUN = fileURLToPath(new URL('../../bench/returns/run.js', import.meta.url));

test('the returns benchmark runs end to end and finds every unit accounted for (smoke: 300 returns, nothing written)', async () => {
  const out = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [RUN, '--smoke'], { timeout: 120_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stdout}\n${stderr}`)) : resolve(stdout)));
  });
  assert.match(out, /return lifecycle: .* \| \d+ events\/s/);
  assert.match(out, /ratio return events \/ order events \(same run\) \| \*\*\d+\.\d+\*\*/);
  assert.match(out, /\*\*conserved: yes\*\*/);
  assert.match(out, /\| returned \(received\) \| 600 \|/);
});

test.run();
