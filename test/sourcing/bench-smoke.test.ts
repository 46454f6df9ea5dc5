import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseBenchArgs } from '../../bench/sourcing/cli-options.js';
import { runBenchmark } from '../../bench/sourcing/harness.js';
import { toMarkdown } from '../../bench/sourcing/report.js';

test('the benchmark harness runs end to end in smoke mode and agrees with the MILP', async () => {
  const { options, out } = parseBenchArgs(['--smoke']);
  assert.is(out, null, 'a smoke run writes no report unless asked');
  const report = await runBenchmark({ ...options, log: () => undefined });
  assert.equal(report.scenarios.map((s) => [s.locations, s.maxShipments]), [[100, 1], [100, 3]]);
  for (const scenario of report.scenarios) {
    assert.ok(scenario.milp.finished > 0);
    assert.is(scenario.milp.agree, scenario.milp.finished, 'optimality gap 0 wherever the MILP finishes');
    assert.is(scenario.inlineMs.count, options.orders);
  }
  const markdown = toMarkdown(report, 'npm run bench:sourcing -- --smoke');
  for (const heading of ['## Goals', '## Latency (ms)', '## Throughput (plans/s)', '### Against the exact MILP (HiGHS)', '## Inline threshold']) {
    assert.ok(markdown.includes(heading), heading);
  }
});

test('bad benchmark flags are refused with the usage', () => {
  assert.throws(() => parseBenchArgs(['--orders', 'many']), /--orders must be a number > 0/);
  assert.throws(() => parseBenchArgs(['--fast']), /Unknown option/);
});

test.run();
