import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Runs `dist/bench/<bench>/run.js --smoke` in a child process and resolves with what it printed; rejects with its output on failure. */
export function runBenchSmoke(bench: string, timeoutMs = 180_000): Promise<string> {
  const run = fileURLToPath(new URL(`../../bench/${bench}/run.js`, import.meta.url));
  return new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [run, '--smoke'], { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}
