import { CITIES } from '../sourcing/geography.js';
import { cumulative, Prng } from '../sourcing/prng.js';

/**
 * One simulated season: regions of demand (German cities), stores holding too little stock for their own
 * region plus the regions without a store, a distribution centre that never runs out but is far from most
 * customers, and Poisson order arrivals over the horizon. Seeded: the same seed gives the same instance.
 */

export interface SimLocation {
  readonly id: string;
  readonly lat: number;
  readonly lon: number;
  /** Units by SKU at the start of the horizon. */
  readonly stock: Record<string, number>;
}

export interface SimRegion {
  readonly name: string;
  readonly lat: number;
  readonly lon: number;
  /** Orders per hour from this region. */
  readonly ordersPerHour: number;
}

export interface SimOrder {
  readonly id: string;
  /** Hours since the start of the horizon (negative: history before it). */
  readonly atHours: number;
  readonly region: number;
  readonly lat: number;
  readonly lon: number;
  readonly lines: readonly { readonly sku: string; readonly qty: number }[];
}

export interface SimInstance {
  readonly seed: number;
  readonly horizonHours: number;
  readonly regions: readonly SimRegion[];
  readonly skus: readonly { readonly sku: string; readonly weightKg: number; readonly popularity: number }[];
  readonly locations: readonly SimLocation[];
  /** The orders of the horizon, by time. */
  readonly orders: readonly SimOrder[];
  /** The orders of the `horizonHours` before it (the demand estimate's first window). */
  readonly history: readonly SimOrder[];
}

export interface InstanceOptions {
  readonly seed: number;
  /** Expected orders over the horizon. */
  readonly orders: number;
  readonly horizonHours: number;
  readonly regions: number;
  readonly stores: number;
  readonly skus: number;
  /** Store stock of a SKU, all stores together, as a share of its expected demand over the horizon. */
  readonly storeCover: number;
}

export const DEFAULT_INSTANCE: Omit<InstanceOptions, 'seed'> = { orders: 150, horizonHours: 168, regions: 10, stores: 6, skus: 4, storeCover: 0.75 };

/** The distribution centre: central Germany (Kassel), unlimited stock. */
const DC = { id: 'DC-KASSEL', lat: 51.31, lon: 9.48 };
export const DC_STOCK = 1_000_000;
/** Customers live within about this many km of their city's centre. */
const SPREAD_KM = 15;

export function generateInstance(options: InstanceOptions): SimInstance {
  const prng = new Prng(options.seed);
  const cities = CITIES.slice(0, options.regions);
  const weights = cities.map((c) => Math.sqrt(c.population) * (0.6 + 0.8 * prng.next()));
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const regions: SimRegion[] = cities.map((c, i) => ({ name: c.name, lat: c.lat, lon: c.lon, ordersPerHour: (options.orders / options.horizonHours) * (weights[i]! / weightSum) }));
  const skus = Array.from({ length: options.skus }, (_, k) => ({ sku: `SKU-${k + 1}`, weightKg: [1, 2, 1.5, 3, 0.5][k % 5]!, popularity: 1 / (k + 1) ** 0.6 }));
  const popularity = cumulative(skus.map((s) => s.popularity));
  const orderOf = (id: string, atHours: number): SimOrder => {
    const region = prng.weighted(cumulative(regions.map((r) => r.ordersPerHour)));
    const city = regions[region]!;
    const lineCount = prng.chance(0.55) ? 1 : prng.chance(0.7) ? 2 : 3;
    const picked = new Set<number>();
    while (picked.size < Math.min(lineCount, skus.length)) picked.add(prng.weighted(popularity));
    const dLat = (prng.normal() * SPREAD_KM) / 111.2;
    const dLon = (prng.normal() * SPREAD_KM) / (111.2 * Math.cos((city.lat * Math.PI) / 180));
    return {
      id,
      atHours,
      region,
      lat: city.lat + dLat,
      lon: city.lon + dLon,
      lines: [...picked].sort((a, b) => a - b).map((k) => ({ sku: skus[k]!.sku, qty: prng.chance(0.15) ? 2 : 1 })),
    };
  };
  const totalRate = options.orders / options.horizonHours;
  const arrivals = (prefix: string, from: number): SimOrder[] => {
    const out: SimOrder[] = [];
    for (let t = from - Math.log(1 - prng.next()) / totalRate; t < from + options.horizonHours; t -= Math.log(1 - prng.next()) / totalRate) {
      out.push(orderOf(`${prefix}${out.length + 1}`, t));
    }
    return out;
  };
  const history = arrivals('H', -options.horizonHours);
  const orders = arrivals('O', 0);

  // Stores stand in some of the cities; each SKU's store stock is its expected demand x storeCover, spread
  // over the stores at random (so some stores hold less than their own city needs, some more).
  const storeCities = shuffled(cities.map((_, i) => i), prng).slice(0, options.stores).sort((a, b) => a - b);
  const meanLines = 0.55 * 1 + 0.45 * (0.7 * 2 + 0.3 * 3);
  const popularitySum = skus.reduce((a, s) => a + s.popularity, 0);
  const stores: SimLocation[] = storeCities.map((i) => ({ id: `ST-${cities[i]!.name.toUpperCase().slice(0, 4)}`, lat: cities[i]!.lat, lon: cities[i]!.lon, stock: {} }));
  for (const s of skus) {
    const expectedUnits = options.orders * meanLines * 1.15 * (s.popularity / popularitySum);
    const shares = stores.map(() => 0.3 + prng.next());
    const shareSum = shares.reduce((a, b) => a + b, 0);
    stores.forEach((store, j) => {
      store.stock[s.sku] = Math.round((expectedUnits * options.storeCover * shares[j]!) / shareSum);
    });
  }
  const dc: SimLocation = { ...DC, stock: Object.fromEntries(skus.map((s) => [s.sku, DC_STOCK])) };
  return { seed: options.seed, horizonHours: options.horizonHours, regions, skus, locations: [...stores, dc], orders, history };
}

function shuffled<T>(items: T[], prng: Prng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(prng.next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
