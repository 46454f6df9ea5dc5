import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const RUN = fileURLToPath(new URL('../../bench/connection-storm/run.js', import.meta.url));

test('the connection-storm benchmark runs end to end (smoke: 200 connections, one round, nothing written)', async () => {
  const out = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [RUN, '--smoke'], { timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
  assert.match(out, /\| 1 \| bare GET \| 200 \| 200: 200 \|/);
  assert.match(out, /\| 1 \| GET \/health\/ready \| 200 \| 200: 200 \|/);
  assert.match(out, /\| 1 \| GET \/availability \| 200 \| 200: 200 \|/);
  assert.match(out, /\| 1 \| POST \/orders \| 200 \| 201: 200 \|/);
  assert.match(out, /Goal: under 200 ms: /);
});

test.run();
