export { definePlugin, isPlugin } from './plugin.js';
export type {
  FulcrumPlugin,
  PluginDefinition,
  PluginLine,
  SourcingConditionDefinition,
  SourcingCostTermDefinition,
  SourcingExtensions,
  SourcingFilterDefinition,
} from './plugin.js';
export { PluginRegistry, noPlugins } from './registry.js';
export { loadPlugins, loadPluginModule } from './load-plugins.js';
export { distanceKm } from '../domain/geo.js';
export type { GeoPoint } from '../domain/geo.js';
export type {
  NetworkLocation,
  ProductAttributes,
  SourcingRequest,
  StockAttributes,
} from '../sourcing/types.js';
export { defineGuard, defineRule } from '../workflows/rule.js';
export type { ActionRule, BrickApi, BrickEvent, BrickInput, GuardRule, WorkflowRule } from '../workflows/rule.js';
export { addDuration, durationMs } from '../workflows/durations.js';
export { Duration } from '../workflows/definition.js';
export { z } from 'zod';
