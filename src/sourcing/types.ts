import type { GeoPoint } from '../domain/geo.js';
import type { FutureValues } from './look-ahead/future-values.js';

/** How the customer receives the order; custom values are allowed and matched by profile conditions. */
export type DeliveryType = 'home' | 'collect' | 'express' | (string & {});

/** One order line to source: every unit must be assigned to a location. */
export interface SourcingLine {
  readonly sku: string;
  readonly qty: number;
}

/** Where the order goes: the customer's address, or the store for click & collect. */
export interface Destination extends GeoPoint {
  /** ISO 3166-1 alpha-2 country code. */
  readonly country: string;
}

/** What the customer (or channel) accepts; the strategy's split policy may restrict it further. */
export interface SplitRequest {
  readonly allowed: boolean;
  readonly maxShipments?: number;
  readonly splitLines?: boolean;
}

/** One order to source. The optimizer never reads the clock: `now` is the decision time. */
export interface SourcingRequest {
  readonly lines: readonly SourcingLine[];
  readonly deliverTo: Destination;
  readonly deliveryType: DeliveryType;
  readonly channel?: string;
  readonly orderValue?: number;
  /** Absent: the strategy's split policy applies as is. */
  readonly split?: SplitRequest;
  /** ISO-8601 timestamp of the decision; carrier cut-offs are judged against it. */
  readonly now: string;
  /** Locations that must not ship this order (re-sourcing after a location rejected a fulfilment). */
  readonly excludeLocations?: readonly string[];
  /** Only this location may ship (click & collect from the store's own stock). */
  readonly onlyAt?: string;
}

/** `active` ships; any other status (paused, closed, custom) ships only if a strategy allows it. */
export type LocationStatus = 'active' | 'paused' | 'closed' | (string & {});

/** Limits on how much work a location takes; an absent limit means unlimited. */
export interface LocationCapacity {
  readonly maxOpenOrders?: number;
  readonly dailyOrders?: number;
}

/** A location as the engine sees it at decision time (read-only). */
export interface NetworkLocation {
  readonly id: string;
  readonly geo: GeoPoint;
  readonly country: string;
  readonly status: LocationStatus;
  readonly capabilities: readonly string[];
  readonly capacity: LocationCapacity;
  readonly openOrders: number;
  /** Orders accepted since the start of the location's local day. */
  readonly ordersToday: number;
  /** Last carrier pickup, local time `HH:MM`; express orders after it cannot leave today. */
  readonly carrierCutoff?: string;
  /** IANA time zone of the location; absent means the profile's time zone. */
  readonly timezone?: string;
  readonly tags: readonly string[];
}

/** Product attributes that drive filters and costs; other attributes pass through to plugins. */
export interface ProductAttributes {
  readonly weightKg?: number;
  readonly bulky?: boolean;
  readonly fragile?: boolean;
  readonly hazmat?: boolean;
  /** Regulated categories such as `alcohol`; mapped to licences by the profile. */
  readonly restricted?: readonly string[];
  readonly price?: number;
  readonly [extra: string]: unknown;
}

/** Optional facts about one (location, SKU) position that the soft costs use. */
export interface StockAttributes {
  readonly ageDays?: number;
  readonly sellThroughPerDay?: number;
  /** The price this location sells the SKU at when it is marked down. */
  readonly markdownPrice?: number;
}

/**
 * The read-only view of the network the engine provides at decision time.
 * Called synchronously while a problem is built; nothing is retained afterwards.
 */
export interface SourcingNetwork {
  /**
   * The locations that could ship an order for `skus`: at least every location holding some of them.
   * Listing more is fine (they are excluded as no_stock); an availability index can list fewer. Called
   * once per problem.
   */
  locations(skus: readonly string[]): Iterable<NetworkLocation>;
  /**
   * The same locations, nearest to `to` first (great-circle distance), listed lazily: a strategy that
   * considers only the nearest stops early. Optional: without it the problem sorts `locations`.
   */
  nearest?(skus: readonly string[], to: GeoPoint): Iterable<NetworkLocation>;
  /** Attributes of a SKU; undefined for an unknown SKU (treated as having no attributes). */
  product(sku: string): ProductAttributes | undefined;
  /** Units of `sku` this order may take at the location (after reservations and buffers). */
  available(locationId: string, sku: string): number;
  stockAttributes?(locationId: string, sku: string): StockAttributes | undefined;
  /**
   * Future values of stock for a strategy with the look-ahead term, by `lookAheadKey(strategy)`; undefined
   * (or no method) prices the term at 0. Called once per problem.
   */
  futureValues?(strategyKey: string): FutureValues | undefined;
}
