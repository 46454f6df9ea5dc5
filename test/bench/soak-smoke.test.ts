import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const RUN = fileURLToPath(new URL('../../bench/soak/run.js', import.meta.url));

test('the soak runs end to end (smoke: one minute, nothing written) and samples every measure', async () => {
  const out = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [RUN, '--smoke'], { timeout: 240_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stdout}\n${stderr}`)) : resolve(stdout)));
  });
  assert.match(out, /Anonymous RSS .* \*\*-?\d+\.\d%\*\*; intake p99: \*\*-?\d+\.\d%\*\* \(gate: at most 15% each; not enforced in a smoke run\)/);
  assert.match(out, /Requests that failed: 0\./);
  assert.match(out, /The store at the end: \d+\.\d MiB in use; timeline [1-9]\d* records, \d+\.\d MiB \(\d+ bytes each\); actors [1-9]\d* records/);
  assert.match(out, /Intake p99 of all orders in the second sixth \d+\.\d ms, in the last \d+\.\d ms/);
  assert.match(out, /Server main-thread CPU per operation [+-]\d+\.\d%; the load generator's fixed work [+-]\d+\.\d% \(the machine's speed: it does the same work every sample\); CPU per operation in units of that work [+-]\d+\.\d%/);
  const rows = out.split('\n').filter((l) => /^\| \d+ \| \d+ \| \d+ \| \d+ \| \d+ \| \d+\.\d \| \d+\.\d \| \d+ \| \d+ \| \d+ \| \d+ \| \d+\.\d\d \|$/.test(l));
  assert.ok(rows.length >= 4, `a sample every 10 s (${rows.length} rows)`);
});

test.run();
