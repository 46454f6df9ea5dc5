import { writeFile } from 'node:fs/promises';
import { parseBenchArgs } from './cli-options.js';
import { runBenchmark } from './harness.js';
import { toMarkdown } from './report.js';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
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

await main();
