import { writeFile } from 'node:fs/promises';
import { writeResult } from '../lib/report.js';
import { BACKTEST_OUT, backtestMarkdown, parseBacktestArgs, runBacktestBench } from './backtest-bench.js';
import { parseBenchArgs } from './cli-options.js';
import { runBenchmark } from './harness.js';
import { toMarkdown } from './report.js';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--backtest')) return backtest(argv);
  const { options, out } = parseBenchArgs(argv);
  const report = await runBenchmark({ ...options, log: (line) => process.stderr.write(`${line}\n`) });
  // Say how it was really run: through the npm script (which compiles first) or the compiled file directly.
  const command =
    process.env.npm_lifecycle_event === 'bench:sourcing'
      ? ['npm run bench:sourcing', ...(argv.length > 0 ? ['--', ...argv] : [])]
      : ['node dist/bench/sourcing/run.js', ...argv];
  const markdown = toMarkdown(report, command.join(' '));
  process.stdout.write(markdown);
  if (out !== null) await writeFile(out, markdown);
}

/** `--backtest`: the backtest of 100,000 orders (bench/results/sourcing-backtest.md). */
async function backtest(argv: string[]): Promise<void> {
  const options = parseBacktestArgs(argv);
  const result = await runBacktestBench({ ...options, log: (line) => process.stderr.write(`${line}\n`) });
  const command = process.env.npm_lifecycle_event === 'bench:sourcing' ? `npm run bench:sourcing -- ${argv.join(' ')}` : `node dist/bench/sourcing/run.js ${argv.join(' ')}`;
  const markdown = backtestMarkdown(result);
  process.stdout.write(`${markdown}\n`);
  if (options.out) writeResult(BACKTEST_OUT, command, markdown);
}

await main();
