import type { GeoPoint } from './geo.js';

/** One line of an order: a SKU and a whole number of units. */
export interface OrderLine {
  sku: string;
  qty: number;
}

/** Where the order goes. */
export interface Destination extends GeoPoint {
  country: string;
}

/** How an order may be split across locations. */
export interface SplitPolicy {
  allowed: boolean;
  maxShipments: number;
  /** Whether one line may be split across locations. */
  splitLines: boolean;
}

/** The default when neither the order nor a profile says: up to 3 shipments, lines may split. */
export const DEFAULT_SPLIT_POLICY: SplitPolicy = { allowed: true, maxShipments: 3, splitLines: true };

/**
 * A fulfilment's status as its order records it: `created` (reserved), `released` (handed to the location),
 * then the location's progress; workflows may add their own.
 */
export type FulfilmentStatus = 'created' | 'released' | 'accepted' | 'picked' | 'packed' | 'ready' | 'shipped' | 'collected' | 'rejected' | 'cancelled' | (string & {});

/** The part of an order one location ships. */
export interface Fulfilment {
  id: string;
  location: string;
  lines: OrderLine[];
  status: FulfilmentStatus;
  /** When its units left for the customer (shipped or collected); return windows count from it. */
  shippedAt?: string;
}

/** Fulfilment statuses whose units have left the location for the customer. */
export const SHIPPED_STATUSES: ReadonlySet<string> = new Set(['shipped', 'collected', 'delivered']);

/** One location's share of a sourcing plan. */
export interface Shipment {
  location: string;
  lines: OrderLine[];
}

/** Sums quantities per SKU, so that the same SKU on two lines counts twice against stock. */
export function quantitiesBySku(lines: ReadonlyArray<OrderLine>): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of lines) out.set(l.sku, (out.get(l.sku) ?? 0) + l.qty);
  return out;
}
