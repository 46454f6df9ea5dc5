import { execFileSync, execSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixed, ROOT } from '../lib/report.js';

/** The commit before cluster mode, and the last commit of the cluster work before it was merged with other features. */
export const WITHOUT_CLUSTER = '3619fc3^';
export const WITH_CLUSTER = '18380db';

/** One variant's in-process intake runs: CPU µs per order and orders/s, one entry per run. */
export interface EmbeddedVariant {
  label: string;
  commit: string;
  cpuUs: number[];
  perSecond: number[];
}

/**
 * "The embedded single-process mode must not get slower" (issue 16). The cluster work (3619fc3 to 18380db,
 * linear, nothing else in between) added a write gate, a replication port on the journal and write capture
 * to the engine, all unset in the embedded mode. Each commit is checked out into a temporary directory (git
 * archive, with this tree's node_modules), compiled, and its own `bench/intake/in-process.js` (the same file
 * in both) is run, alternating, `rounds` times: the order route's work without sockets, as CPU µs per order.
 */
export function compareEmbedded(rounds: number, orders: number): EmbeddedVariant[] {
  const variants: EmbeddedVariant[] = [
    { label: 'without cluster code', commit: WITHOUT_CLUSTER, cpuUs: [], perSecond: [] },
    { label: 'with cluster code', commit: WITH_CLUSTER, cpuUs: [], perSecond: [] },
  ];
  const dirs = variants.map((v) => checkout(v.commit));
  try {
    for (let r = 0; r < rounds; r++) {
      for (const [i, v] of variants.entries()) {
        const out = execFileSync(process.execPath, [join(dirs[i]!, 'dist', 'bench', 'intake', 'in-process.js'), '--mode', 'spread', '--orders', String(orders), '--rounds', '1'], { encoding: 'utf8', cwd: dirs[i]! });
        const m = /([\d.]+) µs CPU per order .*?, (\d+) orders\/s/.exec(out);
        if (!m) throw new Error(`${v.commit}: no figure in the in-process bench's output:\n${out}`);
        v.cpuUs.push(Number(m[1]));
        v.perSecond.push(Number(m[2]));
      }
    }
    return variants;
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

/** The comparison as a report section. */
export function embeddedReport(variants: EmbeddedVariant[], rounds: number, orders: number): string {
  const [without, with_] = variants as [EmbeddedVariant, EmbeddedVariant];
  const cpuRatio = median(with_.cpuUs) / median(without.cpuUs);
  // Runs alternate, so each pair ran under about the same load from the rest of the machine: the median of
  // the pairs' ratios drifts less with that load than the ratio of the medians.
  const pairs = with_.cpuUs.map((x, i) => x / without.cpuUs[i]!);
  const paired = median(pairs);
  const slower = pairs.filter((r) => r > 1).length;
  const verdict = paired <= 1 ? 'met' : `**not shown**: ${fixed((paired - 1) * 100, 1)}% more CPU per order, slower in ${slower} of ${pairs.length} pairs`;
  return [
    `In-process intake (\`bench/intake/in-process.js --mode spread --orders ${orders} --rounds 1\`: JSON.parse, the zod schema, placing the order, the wait for the flush, the reply's JSON; no sockets) of two builds, alternated ${rounds} times in one run: ${WITHOUT_CLUSTER} (${without.label}) and ${WITH_CLUSTER} (${with_.label}: the cluster work, linear from 3619fc3, nothing else in between). Both use this tree's node_modules. The current tree has 60-odd commits of other features beyond ${WITH_CLUSTER}, so it is not one of the two: this isolates what the cluster code costs the embedded mode.`,
    '',
    '| build | commit | CPU µs/order, each run | median | orders/s, each run | median |',
    '|---|---|---|---|---|---|',
    ...variants.map((v) => `| ${v.label} | \`${v.commit}\` | ${v.cpuUs.map((x) => fixed(x, 0)).join(', ')} | **${fixed(median(v.cpuUs), 0)}** | ${v.perSecond.join(', ')} | **${fixed(median(v.perSecond), 0)}** |`),
    '',
    '| figure | measured | goal (issue 16) | |',
    '|---|---|---|---|',
    `| embedded CPU per order, with cluster code / without, median of the alternated pairs' ratios (${pairs.map((r) => fixed(r, 2)).join(', ')}) | **${fixed(paired, 3)}** | "must not get slower" (<= 1) | ${verdict} |`,
    `| the same, ratio of the medians | ${fixed(cpuRatio, 3)} | | |`,
    `| embedded orders/s (wall clock: on a shared machine it follows the other processes' load more than the build), with cluster code / without | ${fixed(median(with_.perSecond) / median(without.perSecond), 3)} | | |`,
  ].join('\n');
}

/** Extracts `commit` into a temporary directory, links node_modules and compiles it; returns the directory. */
function checkout(commit: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'fulcrum-embedded-'));
  execSync(`git -C ${JSON.stringify(ROOT)} archive ${commit} | tar -x -C ${JSON.stringify(dir)}`);
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { stdio: 'inherit' });
  return dir;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
