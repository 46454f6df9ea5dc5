import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseLookAheadArgs, runLookAheadBench } from '../../bench/lookahead/harness.js';
import { toMarkdown } from '../../bench/lookahead/report.js';

test('the look-ahead benchmark runs end to end in smoke mode, the clairvoyant optimum bounding both policies', async () => {
  const options = parseLookAheadArgs(['--smoke']);
  assert.is(options.out, null, 'a smoke run writes no report unless asked');
  const seeds = await runLookAheadBench(options, () => undefined);
  assert.is(seeds.length, 1);
  const [seed] = seeds;
  assert.is(seed!.clairvoyant.status, 'Optimal');
  assert.ok(seed!.clairvoyant.cost <= seed!.myopic.cost + 1e-6, 'no online policy beats the clairvoyant optimum');
  const lookAhead = seed!.variants.get('look-ahead')!;
  assert.ok(seed!.clairvoyant.cost <= lookAhead.cost + 1e-6);
  assert.ok(lookAhead.lpSolves > 0, 'the LP was solved');
  const markdown = toMarkdown(seeds, { command: 'npm run bench:lookahead -- --smoke', date: 'now', nproc: 2, node: process.version, orders: options.orders, milpTimeLimitSec: 5, seconds: 1 });
  for (const heading of ['## Result', '| seed | orders | myopic cost']) assert.ok(markdown.includes(heading), heading);
});

test('bad look-ahead benchmark flags are refused with the usage', () => {
  assert.throws(() => parseLookAheadArgs(['--seeds', 'all']), /--seeds must be a number > 0/);
  assert.throws(() => parseLookAheadArgs(['--fast']), /Unknown option/);
});

test.run();
