import type { NetworkLocation, ProductAttributes, SourcingRequest } from './types.js';

/**
 * What plugins may add to sourcing (the SDK's `definePlugin({sourcing})` takes these): conditions on
 * strategies, hard filters on locations, and cost terms. Profiles name them `<plugin>/<name>`.
 */

/** A line as a plugin sees it: the SKU, its quantity in the order and the product's attributes. */
export interface PluginLine {
  readonly sku: string;
  readonly qty: number;
  readonly product: ProductAttributes;
}

/** A custom strategy condition: the strategy applies only if it returns true. */
export interface SourcingConditionDefinition {
  readonly name: string;
  test(request: SourcingRequest): boolean;
}

/** A custom hard filter: `true` keeps the location, a string excludes it and is shown as the reason. */
export interface SourcingFilterDefinition {
  readonly name: string;
  test(location: NetworkLocation, request: SourcingRequest): true | string;
}

/**
 * A custom cost term: the cost of shipping `qty` units of `line` from `location`.
 * It must be proportional to `qty` (the optimizer's cost model is linear per unit): Fulcrum calls it once
 * per (location, line) with the full line quantity and divides by it.
 */
export interface SourcingCostTermDefinition {
  readonly name: string;
  cost(location: NetworkLocation, line: PluginLine, qty: number, request: SourcingRequest): number;
}

export interface SourcingExtensions {
  readonly conditions?: readonly SourcingConditionDefinition[];
  readonly filters?: readonly SourcingFilterDefinition[];
  readonly costTerms?: readonly SourcingCostTermDefinition[];
}

/** A plugin as sourcing sees it: its name and what it adds to sourcing. */
export interface SourcingPlugin {
  readonly name: string;
  readonly sourcing?: SourcingExtensions;
}
