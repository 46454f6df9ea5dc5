import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const RUN = fileURLToPath(new URL('../../bench/intake/run.js', import.meta.url));

test('the intake benchmark runs end to end (smoke: 2 s per target, nothing written)', async () => {
  const out = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [RUN, '--smoke'], { timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
  assert.match(out, /\| bare \| \d+/);
  assert.match(out, /\| fulcrum \| \d+/);
  assert.match(out, /Throughput ratio Fulcrum \/ bare Hono: \*\*\d+\.\d+\*\*/);
  assert.match(out, /commits \(fsyncs\) per order/);
});

test.run();
