import { quantitiesBySku, SHIPPED_STATUSES, type Fulfilment } from '../domain/order.js';

/** The units of an order that left for the customer, per SKU. */
export function shippedUnits(fulfilments: readonly Fulfilment[]): Map<string, number> {
  return quantitiesBySku(fulfilments.filter((f) => SHIPPED_STATUSES.has(f.status)).flatMap((f) => f.lines));
}
