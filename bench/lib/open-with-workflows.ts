import { openFulcrum, type RunningFulcrum } from '../../src/fulcrum/index.js';
import { BUILT_IN_RULES, RuleRegistry, WorkflowCatalog } from '../../src/workflows/index.js';

/**
 * Opens Fulcrum in this process with the built-in workflows registered before recovery, as the server does,
 * for the benches that drive the engine without HTTP.
 */
export async function openWithWorkflows(dataDir: string, options: { snapshotIntervalMs?: number } = {}): Promise<RunningFulcrum> {
  const rules = new RuleRegistry(BUILT_IN_RULES);
  let ready: Promise<void> = Promise.resolve();
  const run = openFulcrum({
    dataDir,
    ...options,
    prepare: (fulcrum) => {
      const catalog = new WorkflowCatalog(fulcrum.engine, rules);
      ready = catalog.load(new Date().toISOString());
      fulcrum.engine.workflows = catalog;
    },
  });
  await ready;
  return run;
}
