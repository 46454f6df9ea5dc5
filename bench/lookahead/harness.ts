/** The look-ahead benchmark's options and seed loop (`run.ts` is the command, the smoke test calls these). */
import { parseArgs } from 'node:util';
import { positiveFlag } from '../lib/args.js';
import { DEFAULT_INSTANCE } from './instance.js';
import { runSeed, type SeedOutcome } from './experiment.js';
import { MAIN, TRIED } from './variants.js';

const USAGE = 'usage: run.js [--smoke] [--seeds N] [--orders N] [--milp-time-limit SEC] [--out PATH]';
export const DEFAULT_OUT = 'bench/results/lookahead.md';

/** Options from the command line; throws with the usage on a bad flag. */
export function parseLookAheadArgs(argv: readonly string[]): { seeds: number[]; orders: number; milpTimeLimitSec: number; tried: boolean; out: string | null } {
  const { values } = parseArgs({
    args: [...argv],
    options: { smoke: { type: 'boolean', default: false }, seeds: { type: 'string' }, orders: { type: 'string' }, 'milp-time-limit': { type: 'string' }, out: { type: 'string' } },
    strict: true,
  });
  const smoke = values.smoke === true;
  const count = (flag: string, raw: string | undefined, fallback: number) => positiveFlag(flag, raw, fallback, USAGE);
  const seeds = Math.round(count('seeds', values.seeds, smoke ? 1 : 20));
  return {
    seeds: Array.from({ length: seeds }, (_, i) => i + 1),
    orders: Math.round(count('orders', values.orders, smoke ? 40 : DEFAULT_INSTANCE.orders)),
    milpTimeLimitSec: count('milp-time-limit', values['milp-time-limit'], smoke ? 5 : 120),
    tried: !smoke,
    out: values.out ?? (smoke ? null : DEFAULT_OUT),
  };
}

/** Every seed, with the main policy and (unless smoke) every variant tried. */
export async function runLookAheadBench(options: ReturnType<typeof parseLookAheadArgs>, log: (line: string) => void): Promise<SeedOutcome[]> {
  const variants = options.tried ? [MAIN, ...TRIED] : [MAIN];
  const out: SeedOutcome[] = [];
  for (const seed of options.seeds) {
    const started = performance.now();
    out.push(await runSeed(seed, { ...DEFAULT_INSTANCE, orders: options.orders }, variants, options.milpTimeLimitSec));
    log(`seed ${seed}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  return out;
}

