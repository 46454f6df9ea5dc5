import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, splitEarlier, writeResult } from './report.js';

/**
 * Composes `bench/results/reliability.md` from the reliability runs' own files (each keeps the date,
 * machine and command of its run): crash rounds, fuzzing, the flash sale, slow consumers.
 * Usage: `npm run bench:reliability` (runs them all first) or `node dist/bench/lib/compose-reliability.js`.
 */
const PARTS: Array<[file: string, title: string, producedBy: string]> = [
  ['reliability-chaos.md', 'Crash rounds', 'npm run test:chaos'],
  ['reliability-fuzz.md', 'Fuzzing the edge', 'npm run test:fuzz'],
  ['reliability-flash-sale.md', 'Flash sale', 'npm run bench:flash-sale'],
  ['reliability-slow-consumers.md', 'Slow consumers', 'npm run bench:slow-consumers'],
];

const sections = PARTS.map(([file, title, producedBy]) => {
  const path = join(ROOT, 'bench', 'results', file);
  if (!existsSync(path)) return `## ${title}\n\nNot run yet: \`${producedBy}\` writes \`bench/results/${file}\`.`;
  // Each part's own heading becomes a section; its run details (date, machine, command) stay with it.
  // Only the part's newest run: the earlier ones it keeps below it stay in its own file.
  const [latest] = splitEarlier(readFileSync(path, 'utf8').replace(/^# .*\n/, ''));
  const body = latest.replace(/^## /gm, '### ');
  return `## ${title}\n\nFrom \`bench/results/${file}\` (\`${producedBy}\`):\n\n${body}`;
});

writeResult(
  'reliability',
  'npm run bench:reliability',
  `What Fulcrum promises and the evidence, one section per run; see README "Guarantees" for the promises.\n\n${sections.join('\n\n')}`,
  false,
  true,
);
console.log('wrote bench/results/reliability.md');
