import { DomainError } from '../domain/errors.js';
import type { PluginLine } from './extensions.js';
import type { FutureValues } from './look-ahead/future-values.js';
import { ageOrNaN } from './inventory-age.js';
import type { SourcingStrategy } from './profile.js';
import type { NetworkLocation, SourcingRequest, StockAttributes } from './types.js';

/** Built-in per-unit terms, in the order they are stored; plugin terms follow, named `<plugin>/<term>`. */
export const BUILT_IN_UNIT_TERMS = ['shipping', 'inventoryAge', 'sellThrough', 'stockLevel', 'markdown'] as const;
/** The look-ahead term (look-ahead/config.ts), stored after the built-in terms when the strategy has it. */
export const LOOK_AHEAD_TERM = 'lookAhead';
/** Per-shipment terms: paid once for each location the plan uses. */
export const FIXED_TERMS = ['shipment', 'locationLoad'] as const;

/** Units available of one line across the candidates (for the stock-level term), and their mean known age. */
export interface LineStock {
  readonly max: number;
  readonly mean: number;
  /** What an unknown age counts as (see inventory-age.ts); undefined when no candidate's age is known. */
  readonly meanAgeDays?: number | undefined;
}

/** The weighted cost terms of one strategy, applied to one order. */
export interface CostModel {
  readonly unitTermNames: readonly string[];
  readonly fixedTermNames: readonly string[];
  /** Writes the per-unit terms of (location, line) at `out[offset...]` and returns their sum. */
  unitTerms(
    location: NetworkLocation,
    distanceKm: number,
    line: PluginLine,
    available: number,
    stock: StockAttributes | undefined,
    lineStock: LineStock,
    out: Float64Array,
    offset: number,
  ): number;
  /** Writes the fixed terms of a location at `out[offset...]` and returns their sum (>= 0). */
  fixedTerms(location: NetworkLocation, out: Float64Array, offset: number): number;
}

/**
 * The cost model of `strategy` for `request`. With the look-ahead term, `futureValues` prices it (absent:
 * the LP has not answered yet, and the term is 0).
 */
export function createCostModel(strategy: SourcingStrategy, request: SourcingRequest, futureValues?: FutureValues): CostModel {
  const c = strategy.costs;
  const plugins = strategy.pluginCostTerms;
  const lookAhead = c.lookAhead;
  // Strategies without the term keep the term list (and so every stored problem and explanation) as before.
  const builtIn: readonly string[] = lookAhead === undefined ? BUILT_IN_UNIT_TERMS : [...BUILT_IN_UNIT_TERMS, LOOK_AHEAD_TERM];
  return {
    unitTermNames: [...builtIn, ...plugins.map((t) => t.ref)],
    fixedTermNames: FIXED_TERMS,
    unitTerms(location, distanceKm, line, available, stock, lineStock, out, offset) {
      const product = line.product;
      const weightKg = (product.weightKg ?? strategy.defaultWeightKg) * (product.bulky === true ? c.bulkyMultiplier : 1);
      const shipping = c.shippingPerKgKm * distanceKm * weightKg;
      const ageDays = knownAge(stock?.ageDays) ?? lineStock.meanAgeDays;
      const age = ageDays === undefined ? 0 : c.inventoryAge.weight * Math.max(0, 1 - ageDays / c.inventoryAge.horizonDays);
      const sellThrough = c.sellThrough.weight * Math.max(0, stock?.sellThroughPerDay ?? 0);
      const level =
        c.stockLevel.mode === 'deep'
          ? c.stockLevel.weight * (1 - available / lineStock.max)
          : c.stockLevel.weight * Math.max(0, 1 - available / lineStock.mean);
      const markdown = c.markdown.weight * Math.max(0, stock?.markdownPrice ?? product.price ?? 0);
      out[offset] = shipping;
      out[offset + 1] = age;
      out[offset + 2] = sellThrough;
      out[offset + 3] = level;
      out[offset + 4] = markdown;
      let total = shipping + age + sellThrough + level + markdown;
      if (lookAhead !== undefined) {
        const future = futureValues === undefined ? 0 : lookAhead.weight * Math.max(0, futureValues.at(location.id, line.sku));
        out[offset + BUILT_IN_UNIT_TERMS.length] = future;
        total += future;
      }
      for (let t = 0; t < plugins.length; t++) {
        const term = plugins[t]!;
        const value = (term.weight * pluginCost(term.ref, () => term.definition.cost(location, line, line.qty, request))) / line.qty;
        out[offset + builtIn.length + t] = value;
        total += value;
      }
      return total;
    },
    fixedTerms(location, out, offset) {
      const shipment = c.fixedPerShipment;
      const load = c.locationLoad.weight * locationLoad(location);
      out[offset] = shipment;
      out[offset + 1] = load;
      return shipment + load;
    },
  };
}

function knownAge(ageDays: number | undefined): number | undefined {
  const age = ageOrNaN(ageDays);
  return Number.isNaN(age) ? undefined : age;
}

/** Share of the location's tightest limit already used, in [0, 1]; 0 without limits. */
export function locationLoad(location: NetworkLocation): number {
  const { maxOpenOrders, dailyOrders } = location.capacity;
  let load = 0;
  if (maxOpenOrders !== undefined && maxOpenOrders > 0) load = Math.max(load, location.openOrders / maxOpenOrders);
  if (dailyOrders !== undefined && dailyOrders > 0) load = Math.max(load, location.ordersToday / dailyOrders);
  return Math.min(1, Math.max(0, load));
}

function pluginCost(ref: string, cost: () => number): number {
  let value: unknown;
  try {
    value = cost();
  } catch (error) {
    throw new DomainError('internal', `plugin cost term '${ref}' threw: ${(error as Error)?.message ?? String(error)}`);
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new DomainError('internal', `plugin cost term '${ref}' must return a finite number, got ${String(value)}`);
  }
  return value;
}
