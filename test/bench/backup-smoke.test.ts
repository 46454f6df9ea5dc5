import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const RUN = fileURLToPath(new URL('../../bench/backup/run.js', import.meta.url));

test('the backup benchmark runs end to end: intake without and during backups, every order answered (smoke: 2 s windows, nothing written)', async () => {
  const out = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [RUN, '--smoke'], { timeout: 180_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
  assert.match(out, /\| without a backup \| \d+ \| [\d.]+ \| [\d.]+ \| \d+ \| 0 \|/);
  assert.match(out, /\| backups back to back \| \d+ \| [\d.]+ \| [\d.]+ \| \d+ \| 0 \|/);
  assert.match(out, /\| p99 latency \| \*\*\d+\.\d+\*\* \|/);
  assert.match(out, /[1-9]\d* backups taken during the load windows/);
});

test.run();
