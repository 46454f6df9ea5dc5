import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const RUN = fileURLToPath(new URL('../../../bench/bulk/run.js', import.meta.url));

/** Runs the bench with `args`; resolves with what it printed. */
function bench(args: string[]): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [RUN, ...args], { timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

test('the bulk benchmark runs end to end (smoke: 2,000 rows per load, nothing written)', async () => {
  const out = await bench(['--smoke']);
  assert.match(out, /\| clean, rows by location \| 2000 \| 2000 \| 0 \| \*\*\d+\*\*/);
  assert.match(out, /\| 1% bad rows, by location \| 2000 \| 1980 \| 20 \|/);
  assert.match(out, /\| clean, rows by SKU \| 2000 \| 2000 \| 0 \|/);
  assert.match(out, /\| reload: the same rows again \(positions exist\) \| 2000 \| 2000 \| 0 \|/);
  assert.match(out, /Fulcrum \/ raw lmdb-js: \*\*\d+\.\d+\*\*/);
});

test('its inbound load runs end to end too (smoke: 2,000 PO lines, nothing written)', async () => {
  const out = await bench(['--smoke', '--inbound']);
  assert.match(out, /\| 2000 PO lines, 10 per PO \| 2000 \| 2000 \| 0 \| \*\*\d+\*\* \| [\d.]+ \| [\d.]+ \/ [\d.]+ \| \d+ \| [^|]+ \| [\d.]+ \| 0 \|/);
});

test.run();
