import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { parseLookAheadArgs, runLookAheadBench } from './harness.js';
import { toMarkdown } from './report.js';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const options = parseLookAheadArgs(argv);
  const started = performance.now();
  const seeds = await runLookAheadBench(options, (line) => process.stderr.write(`${line}\n`));
  const command = process.env.npm_lifecycle_event === 'bench:lookahead' ? ['npm run bench:lookahead', ...(argv.length > 0 ? ['--', ...argv] : [])] : ['node dist/bench/lookahead/run.js', ...argv];
  const markdown = toMarkdown(seeds, {
    command: command.join(' '),
    date: new Date().toISOString(),
    nproc: availableParallelism(),
    node: process.version,
    orders: options.orders,
    milpTimeLimitSec: options.milpTimeLimitSec,
    seconds: (performance.now() - started) / 1000,
  });
  process.stdout.write(markdown);
  if (options.out !== null) await writeFile(options.out, markdown);
}

await main();
