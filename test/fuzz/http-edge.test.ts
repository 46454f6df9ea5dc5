import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fuzzRoute, MALFORMED, routeCoverage, routeSeed, UNROUTED } from './http-fuzz.js';
import { closeConnections } from './http-request.js';
import { discoverRoutes } from './routes.js';
import { createWorld, type World } from './world.js';

/**
 * A short fuzzing pass over every route in `npm test` (a few seconds): a dozen generated requests each,
 * fixed seed. `npm run test:fuzz` runs the long version and writes bench/results/reliability-fuzz.md.
 * FUZZ_SEED and FUZZ_RUNS replay or widen a run.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261128);
const RUNS = Number(process.env.FUZZ_RUNS ?? 12);

const t = suite<{ w: World }>('fuzzing the HTTP edge: never a 5xx, the envelope on every 4xx, a refusal changes nothing');

t.before(async (ctx) => {
  ctx.w = await createWorld();
});
t.after(async (ctx) => {
  await ctx.w.t.stop();
  closeConnections();
});

t('the fuzzer knows every route the app serves, and only those', () => {
  const { unknown, stale } = routeCoverage(discoverRoutes());
  assert.equal(unknown, [], `routes without a fuzzing spec (add them to ROUTES in test/fuzz/routes.ts): ${unknown.join(', ')}`);
  assert.equal(stale, [], `specs of routes the app no longer serves: ${stale.join(', ')}`);
});

for (const route of [...discoverRoutes(), MALFORMED, UNROUTED]) {
  t(route, async ({ w }) => {
    try {
      await fuzzRoute(w, route, { runs: RUNS, seed: SEED, mode: 'assert' });
    } catch (e) {
      throw new Error(`${route} (FUZZ_SEED=${SEED}, route seed ${routeSeed(SEED, route)}): ${(e as Error).message}`);
    }
  });
}

t.run();
