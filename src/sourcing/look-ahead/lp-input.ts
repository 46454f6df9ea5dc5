import type { SourcingStrategy } from '../profile.js';
import type { ProductAttributes } from '../types.js';
import type { SkuDemand } from './demand.js';
import type { FluidLpInput, LpLocation } from './fluid-lp.js';

/**
 * The LP input for one strategy with the look-ahead term: the estimated demand of each SKU, the locations
 * holding it now (`holders`), and the strategy's shipping price per kg and km with each product's weight as
 * the optimizer prices it (bulky multiplier included).
 */
export function fluidLpInput(
  strategy: SourcingStrategy,
  demand: readonly SkuDemand[],
  holders: (sku: string) => LpLocation[],
  product: (sku: string) => ProductAttributes | undefined,
): FluidLpInput {
  const costs = strategy.costs;
  const shortage = costs.lookAhead?.shortageCostPerUnit;
  return {
    shippingPerKgKm: costs.shippingPerKgKm,
    scenarios: costs.lookAhead?.scenarios ?? 1,
    ...(shortage === undefined ? {} : { shortageCostPerUnit: shortage }),
    skus: demand.map((d) => {
      const attributes = product(d.sku);
      const weightKg = (attributes?.weightKg ?? strategy.defaultWeightKg) * (attributes?.bulky === true ? costs.bulkyMultiplier : 1);
      return { sku: d.sku, weightKg, locations: holders(d.sku), regions: d.regions };
    }),
  };
}
