import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runBenchSmoke } from '../helpers/bench-smoke.js';

test('the backup benchmark runs end to end: intake without and during backups, every order answered (smoke: 2 s windows, nothing written)', async () => {
  const out = await runBenchSmoke('backup');
  assert.match(out, /\| mean: without a backup \| \d+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \/ [\d.]+ \| \d+ \| 0 \|/);
  assert.match(out, /\| mean: backups back to back \| \d+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \/ [\d.]+ \| \d+ \| 0 \|/);
  assert.match(out, /\| p99 latency \| \*\*\d+\.\d+\*\* \|/);
  assert.match(out, /[1-9]\d* backups taken during the load windows/);
});

test.run();
