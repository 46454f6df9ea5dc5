import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backtestMarkdown, parseBacktestArgs, runBacktestBench } from '../../bench/sourcing/backtest-bench.js';

test('the backtest benchmark runs end to end in smoke mode: every placed order replayed, the live plans reproduced', async () => {
  const options = parseBacktestArgs(['--backtest', '--smoke']);
  assert.is(options.out, false, 'a smoke run writes no result unless asked');
  const result = await runBacktestBench({ ...options, log: () => undefined });
  const { report } = result;
  assert.is(report.backtest.status, 'done');
  assert.is(report.orders.replayed, result.placed, 'the probe orders placed after the period are not replayed');
  assert.is(report.fidelity.reproduced, report.orders.replayed, 'the live profile replayed against the recorded stock makes the same plans');
  assert.is(report.sides.draft.splitOrders, 0, 'the draft forbids splits');
  assert.ok(report.sides.live.splitOrders > 0, 'the live profile split some orders');
  assert.ok(result.intakeDuringUs.count > 0, 'intake ran beside the backtest');
  const markdown = backtestMarkdown(result);
  for (const heading of ['## Goal', '## Intake beside it', '## What the draft would have done']) assert.ok(markdown.includes(heading), heading);
});

test('bad backtest benchmark flags are refused with the usage', () => {
  assert.throws(() => parseBacktestArgs(['--backtest', '--orders', 'many']), /--orders must be a whole number > 0/);
  assert.throws(() => parseBacktestArgs(['--backtest', '--fast']), /Unknown option/);
});

test.run();
