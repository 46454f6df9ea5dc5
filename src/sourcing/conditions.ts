import type { SourcingStrategy } from './profile.js';
import type { SourcingRequest } from './types.js';

/**
 * Whether a strategy applies to an order: every condition it sets must hold.
 * `attributes` are the order's attribute keys (see `orderAttributeKeys`).
 */
export function strategyApplies(
  strategy: SourcingStrategy,
  request: SourcingRequest,
  attributes: ReadonlySet<string>,
): boolean {
  const when = strategy.when;
  if (when.channels !== undefined && (request.channel === undefined || !when.channels.includes(request.channel))) {
    return false;
  }
  if (when.deliveryTypes !== undefined && !when.deliveryTypes.includes(request.deliveryType)) return false;
  if (when.orderValue !== undefined) {
    // An order without a value cannot satisfy a value condition: the condition was set for a reason.
    const value = request.orderValue;
    if (value === undefined) return false;
    if (when.orderValue.min !== undefined && value < when.orderValue.min) return false;
    if (when.orderValue.max !== undefined && value > when.orderValue.max) return false;
  }
  if (when.destinationCountries !== undefined && !when.destinationCountries.includes(request.deliverTo.country)) {
    return false;
  }
  if (when.attributesPresent !== undefined && !when.attributesPresent.every((key) => attributes.has(key))) return false;
  return strategy.pluginConditions.every((c) => c.definition.test(request) === true);
}
