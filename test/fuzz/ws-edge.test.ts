import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createWsWorld, fuzzFeed, stopWsWorld } from './ws-fuzz.js';

/**
 * A short fuzzing pass over the live feed in `npm test`: generated client sessions against a feed process
 * (the default) and against the fan-out on the engine's thread. After every session the server is healthy,
 * the watcher still gets its update, and nothing changed. `npm run test:fuzz` runs thousands of sessions.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261128);
const SESSIONS = Number(process.env.FUZZ_WS_SESSIONS ?? 40);

const t = suite('fuzzing the feed: garbage frames get an error frame or a clear close, and disturb no one');

for (const processes of [1, 0]) {
  t(`/ws with feed processes: ${processes}`, async () => {
    const w = await createWsWorld(processes);
    try {
      const report = await fuzzFeed(w, { name: `/ws, feed processes: ${processes}`, sessions: SESSIONS, seed: SEED, mode: 'assert' });
      assert.is(report.sessions, SESSIONS);
    } catch (e) {
      throw new Error(`feed processes ${processes} (FUZZ_SEED=${SEED}): ${(e as Error).message}`);
    } finally {
      await stopWsWorld(w);
    }
  });
}

t.run();
