import type { Variant } from './experiment.js';

/**
 * The look-ahead policy the benchmark judges, fixed before the figures were seen: the demand of the last
 * 7 days' orders by region and SKU, the LP re-solved every 6 simulated hours, planning for the rest of the
 * season (stock is not replenished within it), the duals at full weight.
 */
export const MAIN: Variant = { name: 'look-ahead', weight: 1, policy: { refreshHours: 6, demand: 'window', horizon: 'remaining', windowHours: 168 } };

/** What else was tried, each one change from MAIN. */
export const TRIED: readonly Variant[] = [
  { name: 'LP before every order', weight: 1, policy: { ...MAIN.policy, refreshHours: 0 } },
  { name: 'LP once a day', weight: 1, policy: { ...MAIN.policy, refreshHours: 24 } },
  { name: 'rolling 72 h horizon (the server default)', weight: 1, policy: { ...MAIN.policy, horizon: 72 } },
  { name: '48 h demand window', weight: 1, policy: { ...MAIN.policy, windowHours: 48 } },
  // The generator's region rates with SKU shares proportional to popularity (approximate for multi-line orders).
  { name: 'true demand rates instead of the window', weight: 1, policy: { ...MAIN.policy, demand: 'true-rates' } },
  { name: 'true rates, LP before every order', weight: 1, policy: { ...MAIN.policy, demand: 'true-rates', refreshHours: 0 } },
  { name: 'duals x 0.5', weight: 0.5, policy: MAIN.policy },
  { name: 'duals x 0.75', weight: 0.75, policy: MAIN.policy },
  { name: 'duals x 1.5', weight: 1.5, policy: MAIN.policy },
  { name: 'duals averaged over 10 Poisson demand scenarios', weight: 1, scenarios: 10, policy: MAIN.policy },
  { name: 'duals averaged over 30 Poisson demand scenarios', weight: 1, scenarios: 30, policy: MAIN.policy },
];
