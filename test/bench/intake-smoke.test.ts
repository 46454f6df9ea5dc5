import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findPostgresBin } from '../../bench/intake/postgres-cluster.js';

const RUN = fileURLToPath(new URL('../../bench/intake/run.js', import.meta.url));
// The PostgreSQL peer runs wherever Debian's postgresql is installed; .ci/run installs it, so CI always runs it.
const PEER = findPostgresBin() !== undefined || process.env.CI ? 'postgres' : 'none';

test(`the intake benchmark runs end to end, hot and spread, then the store network (smoke: 2 s per target, peer: ${PEER}, nothing written)`, async () => {
  const out = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [RUN, '--smoke', '--peer', PEER], { timeout: 240_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
  for (const mode of ['hot', 'spread']) {
    const section = out.slice(out.indexOf(`(${mode})\n`));
    assert.match(section, /\| bare \| \d+ \| [\d.]+ \| [\d.]+ \| \d+ \| 0 \|/, `${mode}: bare Hono answered every request`);
    assert.match(section, /\| fulcrum \| \d+ \| [\d.]+ \| [\d.]+ \| \d+ \| 0 \|/, `${mode}: Fulcrum answered every request`);
    assert.match(section, /\| fulcrum-fronts \| \d+ \| [\d.]+ \| [\d.]+ \| \d+ \| 0 \|/, `${mode}: Fulcrum with an HTTP front answered every request`);
    assert.match(section, /\| with 1 HTTP front\(s\): throughput \/ default server \| \d+\.\d+ \|/);
    assert.match(section, /\| throughput Fulcrum \/ bare Hono \| \*\*\d+\.\d+\*\* \| >= 0\.3 \|/);
    assert.match(section, /commits \(fsyncs\) per order/);
    if (PEER === 'postgres') {
      assert.match(section, /\| postgres \| \d+ \| [\d.]+ \| [\d.]+ \| \d+ \| 0 \|/, `${mode}: the peer answered every request`);
      assert.match(section, new RegExp(`\\| throughput Fulcrum / PostgreSQL \\| \\*\\*\\d+\\.\\d+\\*\\* \\| >= ${mode === 'hot' ? 10 : 3} \\|`));
    }
  }
  const network = out.slice(out.indexOf('## A store network'));
  assert.ok(out.includes('## A store network'), 'the store-network section ran');
  for (const name of ['small', 'large']) assert.match(network, new RegExp(`\\| ${name} \\| \\d+ \\| [\\d.]+ \\| [\\d.]+ \\| \\d+ \\| 0 \\|`), `${name}: every order answered`);
  assert.match(network, /\| throughput large \/ small \| \*\*\d+\.\d+\*\* \| >= 0\.5 \|/);
  assert.match(network, /- 20 location\(s\): 1000 positions: heap per position \d+ B.*; 300 orders: \d+ orders\/s; heap per order -?\d+ B/);
  if (PEER === 'postgres') assert.match(out, /PostgreSQL peer check: (\d+) orders in its table, \1 units reserved, \d+ orders acknowledged with 201 .*: consistent\./);
});

test.run();
