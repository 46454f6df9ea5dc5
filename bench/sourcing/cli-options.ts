import { parseArgs } from 'node:util';
import { positiveFlag } from '../lib/args.js';
import type { BenchOptions } from './harness.js';

/**
 * `npm run bench:sourcing [-- --orders N --milp-orders N --milp-time-limit S --seed N --out PATH]`, or
 * `-- --smoke` for a run of a few seconds (written only with --out).
 */
const USAGE = 'usage: run.js [--smoke] [--orders N] [--milp-orders N] [--milp-time-limit SEC] [--seed N] [--out PATH]';
export const DEFAULT_OUT = 'bench/results/sourcing.md';

/** Options from the command line; throws with the usage on a bad flag. */
export function parseBenchArgs(argv: readonly string[]): { options: Omit<BenchOptions, 'log'>; out: string | null } {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      smoke: { type: 'boolean', default: false },
      orders: { type: 'string' },
      'milp-orders': { type: 'string' },
      'milp-time-limit': { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
  });
  const smoke = values.smoke === true;
  const count = (flag: string, raw: string | undefined, fallback: number) => positiveFlag(flag, raw, fallback, USAGE);
  const orders = Math.round(count('orders', values.orders, smoke ? 12 : 300));
  return {
    options: {
      seed: Math.round(count('seed', values.seed, 20261127)),
      locations: smoke ? [100] : [100, 1000],
      shipments: smoke ? [1, 3] : [1, 2, 3],
      orders,
      milpOrders: Math.min(orders, Math.round(count('milp-orders', values['milp-orders'], smoke ? 4 : orders))),
      milpTimeLimitSec: count('milp-time-limit', values['milp-time-limit'], smoke ? 2 : 20),
      poolWorkers: smoke ? [1] : [1, 2],
      warmupOrders: smoke ? 10 : 200,
      skus: 2000,
    },
    out: values.out ?? (smoke ? null : DEFAULT_OUT),
  };
}
