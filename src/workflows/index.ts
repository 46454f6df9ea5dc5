export { BUILT_IN_RULES } from './bricks/index.js';
export { machineKey, WorkflowCatalog, type StoredWorkflow, type WorkflowVersion } from './catalog.js';
export { compileWorkflow, NEW_STATE } from './compile.js';
export { Duration, WORKFLOW_ENTITIES, WorkflowDefinition, type WorkflowEntity } from './definition.js';
export { DEFAULT_WORKFLOWS } from './defaults/index.js';
export { addDuration, durationMs } from './durations.js';
export { RuleRegistry } from './registry.js';
export { defineGuard, defineRule, type ActionRule, type BrickApi, type BrickEvent, type BrickInput, type GuardRule, type WorkflowRule } from './rule.js';
export { validateWorkflow } from './validate.js';
