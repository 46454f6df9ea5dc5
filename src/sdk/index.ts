/**
 * The SDK: the public front door for plugin authors. A plugin (`definePlugin`) adds workflow bricks
 * (`defineRule`, `defineGuard`) and sourcing extensions (conditions, filters, cost terms); everything it
 * may use is exported here and nowhere else is public.
 */
export { definePlugin, isPlugin, type FulcrumPlugin, type PluginDefinition } from './plugin.js';
export { loadPlugins, loadPluginModule } from './load-plugins.js';
export { distanceKm, type GeoPoint } from '../domain/geo.js';
export {
  noPlugins,
  PluginRegistry,
  type NetworkLocation,
  type PluginLine,
  type ProductAttributes,
  type SourcingConditionDefinition,
  type SourcingCostTermDefinition,
  type SourcingExtensions,
  type SourcingFilterDefinition,
  type SourcingRequest,
  type StockAttributes,
} from '../sourcing/index.js';
export {
  addDuration,
  defineGuard,
  defineRule,
  Duration,
  durationMs,
  type ActionRule,
  type BrickApi,
  type BrickEvent,
  type BrickInput,
  type GuardRule,
  type WorkflowRule,
} from '../workflows/index.js';
export { z } from 'zod';
