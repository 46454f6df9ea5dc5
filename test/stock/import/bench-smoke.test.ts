import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const RUN = fileURLToPath(new URL('../../../bench/bulk/run.js', import.meta.url));

test('the bulk benchmark runs end to end (smoke: 2,000 rows per load, nothing written)', async () => {
  const out = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [RUN, '--smoke'], { timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
  assert.match(out, /\| clean, rows by location \| 2000 \| 2000 \| 0 \| \*\*\d+\*\*/);
  assert.match(out, /\| 1% bad rows, by location \| 2000 \| 1980 \| 20 \|/);
  assert.match(out, /\| clean, rows by SKU \| 2000 \| 2000 \| 0 \|/);
  assert.match(out, /\| reload: the same rows again \(positions exist\) \| 2000 \| 2000 \| 0 \|/);
  assert.match(out, /Fulcrum \/ raw lmdb-js: \*\*\d+\.\d+\*\*/);
});

test.run();
