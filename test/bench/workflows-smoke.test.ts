import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const RUN = fileURLToPath(new URL('../../bench/workflows/run.js', import.meta.url));

test('the workflow benchmark runs end to end (smoke: 500 orders, nothing written)', async () => {
  const out = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [RUN, '--smoke'], { timeout: 120_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stdout}\n${stderr}`)) : resolve(stdout)));
  });
  assert.match(out, /external events through compiled workflows .* \| \d+ \/s \|/);
  assert.match(out, /heap per open order .* \*\*\d+\.\d+ KB\*\*/);
});

test.run();
