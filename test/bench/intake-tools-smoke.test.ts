import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startProcess, stop } from '../../bench/lib/processes.js';

/** Runs one of the intake benches with a few orders and returns what it printed. */
function runBench(file: string, args: string[]): Promise<string> {
  const script = fileURLToPath(new URL(`../../bench/intake/${file}`, import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script, ...args], { timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

test('the in-process intake bench places its orders and prints CPU per order (smoke: 500 orders, one round)', async () => {
  const out = await runBench('in-process.js', ['--mode', 'spread', '--orders', '500', '--rounds', '1']);
  assert.match(out, /spread round 1: 500 orders, [\d.]+ µs CPU per order/);
  assert.match(out, /spread: median [\d.]+ µs CPU per order over 1 rounds/);
});

test('the fronts upload bench streams a bulk upload with and without an HTTP front, every job done (smoke: 2 MB, one round, nothing written)', async () => {
  const out = await runBench('fronts-upload.js', ['--smoke']);
  assert.match(out, /\| 1 \| [\d.]+ \| 41000 \| done \| \d+ \| \d+ \|/);
  assert.match(out, /\| 0 \| [\d.]+ \| 41000 \| done \| \d+ \| - \|/);
});

test('the allocation bench prints bytes allocated per order and who allocates them (smoke: 500 orders)', async () => {
  const out = await runBench('allocations.js', ['--mode', 'hot', '--orders', '500', '--top', '10']);
  const bytes = /hot: (\d+) bytes allocated per order \(500 orders/.exec(out);
  assert.ok(bytes, out);
  // An order's path allocates tens of KB (the step, sourcing, the actors); zero would mean nothing was sampled.
  assert.ok(Number(bytes![1]) > 1_000, `${bytes![1]} bytes per order`);
  assert.match(out, /\| placeOrderIn src\/orders\/place-order\.js:\d+ \| \d+ \|/);
});

test('the XState paths bench times both paths of the entry and the reservation (smoke: 200 ops, one round)', async () => {
  const out = await runBench('xstate-paths.js', ['--ops', '200', '--rounds', '1']);
  for (const name of ['entry main', 'entry branch', 'reserve main', 'reserve branch']) assert.match(out, new RegExp(`${name}: median [\\d.]+ µs per op`));
});

test('the build comparison serves orders from a build and bare Hono in turn (smoke: 1 s each, one round)', async () => {
  const dist = fileURLToPath(new URL('../../', import.meta.url));
  const out = await runBench('compare-builds.js', ['--seconds', '1', '--rounds', '1', `this=${dist}`, `fronts=${dist}#--http-fronts,1`]);
  // Columns: mode, round, build, req/s, p99, CPU µs/req of the server process, with its children, of its main thread, failed.
  assert.match(out, /\| hot \| 1 \| bare \| \d+ \| [\d.]+ \| \d+ \| \d+ \| \d+ \| 0 \|/);
  assert.match(out, /\| hot \| 1 \| this \| \d+ \| [\d.]+ \| \d+ \| \d+ \| \d+ \| 0 \|/);
  assert.match(out, /hot this: mean \d+\/s, .* throughput \/ bare Hono \d+\.\d+/);
  // A build's server args reach the server (an HTTP front), and the CPU of its child processes is counted.
  const fronts = /\| hot \| 1 \| fronts \| \d+ \| [\d.]+ \| (\d+) \| (\d+) \| \d+ \| 0 \|/.exec(out);
  assert.ok(fronts, out);
  // The front parses and writes every request (~40% over the main process's CPU); the idle feed process adds ~0.
  assert.ok(Number(fronts[2]) > 1.1 * Number(fronts[1]), `with children ${fronts[2]} > 1.1 x the process alone ${fronts[1]}`);
});

test('stub-engine.js answers POST /orders without the engine: an order for a SKU nobody seeded gets 201, bad input still the 400', async () => {
  const main = fileURLToPath(new URL('../../src/main.js', import.meta.url));
  const stub = fileURLToPath(new URL('../../bench/intake/stub-engine.js', import.meta.url));
  const dataDir = mkdtempSync(join(tmpdir(), 'fulcrum-stub-'));
  const key = 'stub-admin-key-0000001';
  const server = await startProcess(main, ['--data-dir', dataDir, '--port', '0'], { env: { FULCRUM_API_KEYS: `${key}:admin` }, nodeArgs: ['--import', stub] });
  try {
    const post = (body: unknown) => fetch(`${server.url}/orders`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const ok = await post({ customer: { id: 'c' }, deliverTo: { lat: 52.5, lon: 13.4, country: 'DE' }, lines: [{ sku: 'NOT-SEEDED', qty: 1 }] });
    assert.is(ok.status, 201, await ok.clone().text());
    assert.equal(((await ok.json()) as { lines: unknown }).lines, [{ sku: 'NOT-SEEDED', qty: 1 }]);
    const bad = await post({ customer: { id: 'c' }, deliverTo: { lat: 52.5, lon: 13.4, country: 'DE' }, lines: [{ sku: 'A', qty: 0 }] });
    assert.is(bad.status, 400);
  } finally {
    await stop(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('the instruction counter counts a script under callgrind twice and gives the difference per order (smoke: a hashing loop)', async () => {
  const script = fileURLToPath(new URL('./fixtures/counted-loop.js', import.meta.url));
  const out = await runBench('instructions.js', ['--script', script, '--base', '0', '--orders', '20000', `loop=${fileURLToPath(new URL('../../', import.meta.url))}`]);
  const row = /\| loop \| hot \| (\d+) \| (\d+) \| 20000 \| (\d+) \|/.exec(out);
  assert.ok(row, out);
  const [base, more, perUnit] = row!.slice(1).map(Number) as [number, number, number];
  // Node's own start-up is hundreds of millions of instructions; each unit (a SHA-256 of a short string, through
  // node:crypto's binding) thousands: zero or a negative difference would mean the two runs were not counted.
  assert.ok(base > 1e8, `start-up ${base}`);
  assert.ok(more > base, `${more} > ${base}`);
  assert.ok(perUnit > 1_000 && perUnit < 1_000_000, `${perUnit} per unit`);
});

test.run();
