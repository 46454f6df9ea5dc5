/** The CommonJS entry every pool's workers start from (see `esm-worker-entry.cts`). */
const ENTRY = new URL('./esm-worker-entry.cjs', import.meta.url).href;

/**
 * Piscina options that run `module` (an ES module's URL whose default export handles a task) in the workers
 * through the CommonJS entry, so that no worker loads an ES module with `require()`.
 */
export function esmWorker(module: string): { filename: string; workerData: { module: string } } {
  return { filename: ENTRY, workerData: { module } };
}
