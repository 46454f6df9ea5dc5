import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const RUN = fileURLToPath(new URL('../../bench/feed/run.js', import.meta.url));

test('the feed benchmark runs end to end (smoke: 200 subscribers, both fan-out modes, nothing written)', async () => {
  const out = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [RUN, '--smoke'], { timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
  assert.match(out, /\| 1 \| 0( \(default\))? \| 200 \| \d+ \| \d+ \|/, 'a run with in-process fan-out');
  assert.match(out, /\| 1 \| 1( \(default\))? \| 200 \| \d+ \| \d+ \|/, 'a run with one feed process');
  assert.match(out, /200\/200 \|/, 'every subscriber ended on the value GET /availability gives');
  assert.match(out, /deliveries\/s ratio Fulcrum \/ plain ws: \*\*\d+\.\d+\*\*/);
  assert.match(out, /encodes per window: 2\.00 \(/, 'one encode per format per window');
});

test.run();
