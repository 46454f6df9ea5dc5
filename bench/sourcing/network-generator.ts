import type {
  NetworkLocation,
  ProductAttributes,
  SourcingNetwork,
  StockAttributes,
} from '../../src/sourcing/index.js';
import { BOUNDS, CITIES } from './geography.js';
import { cumulative, Prng } from './prng.js';

export interface NetworkShape {
  readonly locations: number;
  readonly skus: number;
}

/** A generated network: the read-only view the optimizer sees plus what the order generator needs. */
export interface GeneratedNetwork extends SourcingNetwork {
  readonly all: readonly NetworkLocation[];
  readonly skus: readonly string[];
  /** Running sums of SKU popularity (Zipf), to draw order lines. */
  readonly popularity: readonly number[];
}

/** Share of locations that are distribution centres: deep stock, every capability, far apart. */
const DC_SHARE = 0.03;
const cityWeights = cumulative(CITIES.map((c) => c.population));

/**
 * A realistic network over Germany: stores clustered around cities by population, a few distribution
 * centres, capabilities and capacities that vary, some locations paused or full, SKUs with Zipf
 * popularity and attributes (weight, bulky, fragile, hazmat, alcohol, price), and skewed stock: most
 * stores hold a few units of popular SKUs, DCs hold many of most.
 */
export function generateNetwork(seed: number, shape: NetworkShape): GeneratedNetwork {
  const rng = new Prng(seed);
  const products = new Map<string, ProductAttributes>();
  const skus: string[] = [];
  const popularityWeights: number[] = [];
  for (let s = 0; s < shape.skus; s++) {
    const sku = `SKU-${String(s).padStart(5, '0')}`;
    skus.push(sku);
    popularityWeights.push(1 / (s + 1));
    products.set(sku, generateProduct(rng));
  }
  const dcs = Math.max(2, Math.round(shape.locations * DC_SHARE));
  const all: NetworkLocation[] = [];
  const stock: Uint16Array[] = [];
  const velocity: number[] = [];
  for (let i = 0; i < shape.locations; i++) {
    const isDc = i < dcs;
    const location = generateLocation(rng, i, isDc);
    all.push(location);
    stock.push(generateStock(rng, shape.skus, isDc));
    velocity.push(isDc ? rng.logNormal(2, 0.5) : rng.logNormal(0.3, 0.8));
  }
  const locationIndex = new Map(all.map((l, i) => [l.id, i]));
  const skuIndex = new Map(skus.map((s, i) => [s, i]));
  const indexes = (locationId: string, sku: string) => ({ l: locationIndex.get(locationId), s: skuIndex.get(sku) });
  return {
    all,
    skus,
    popularity: cumulative(popularityWeights),
    locations: () => all,
    product: (sku) => products.get(sku),
    available(locationId, sku) {
      const { l, s } = indexes(locationId, sku);
      return l === undefined || s === undefined ? 0 : (stock[l]![s] ?? 0);
    },
    stockAttributes(locationId, sku): StockAttributes | undefined {
      const { l, s } = indexes(locationId, sku);
      if (l === undefined || s === undefined) return undefined;
      // Derived from a hash of the position instead of stored: the same every time it is asked.
      const h = hash(l * 1_000_003 + s);
      const price = products.get(sku)?.price ?? 0;
      return {
        ageDays: h % 365,
        sellThroughPerDay: (velocity[l]! * 10) / Math.sqrt(s + 10),
        ...((h >>> 9) % 10 === 0 ? { markdownPrice: price * (0.6 + ((h >>> 13) % 20) / 100) } : {}),
      };
    },
  };
}

function generateProduct(rng: Prng): ProductAttributes {
  const bulky = rng.chance(0.04);
  return {
    weightKg: bulky ? 10 + rng.next() * 30 : Math.min(25, rng.logNormal(0.8, 1)),
    bulky,
    fragile: rng.chance(0.1),
    hazmat: rng.chance(0.02),
    restricted: rng.chance(0.03) ? ['alcohol'] : [],
    price: Math.round(rng.logNormal(30, 0.9) * 100) / 100,
  };
}

function generateLocation(rng: Prng, i: number, isDc: boolean): NetworkLocation {
  const city = CITIES[rng.weighted(cityWeights)]!;
  const spread = isDc ? 0.4 : 0.12;
  const lat = clamp(city.lat + rng.normal() * spread, BOUNDS.minLat, BOUNDS.maxLat);
  const lon = clamp(city.lon + rng.normal() * spread * 1.5, BOUNDS.minLon, BOUNDS.maxLon);
  const capabilities = isDc
    ? ['fragile-packing', 'oversize', 'international-shipping', ...(rng.chance(0.5) ? ['hazmat-licence'] : []), ...(rng.chance(0.5) ? ['alcohol-licence'] : [])]
    : [
        ...(rng.chance(0.6) ? ['fragile-packing'] : []),
        ...(rng.chance(0.1) ? ['oversize'] : []),
        ...(rng.chance(0.3) ? ['alcohol-licence'] : []),
        ...(rng.chance(0.05) ? ['international-shipping'] : []),
      ];
  const dailyOrders = isDc ? 5000 : rng.int(20, 200);
  const maxOpenOrders = isDc ? 20000 : dailyOrders * 2;
  // About one store in twenty is at its daily limit; the rest carry some load.
  const ordersToday = rng.chance(0.05) ? dailyOrders : Math.floor(rng.next() * 0.9 * dailyOrders);
  const roll = rng.next();
  return {
    id: `${isDc ? 'DC' : 'ST'}-${String(i).padStart(4, '0')}`,
    geo: { lat, lon },
    country: 'DE',
    status: roll < 0.95 ? 'active' : roll < 0.98 ? 'paused' : 'closed',
    capabilities,
    capacity: { dailyOrders, maxOpenOrders },
    openOrders: Math.floor(ordersToday * (0.5 + rng.next())),
    ordersToday,
    carrierCutoff: isDc ? '20:00' : `${rng.int(15, 18)}:00`,
    timezone: 'Europe/Berlin',
    tags: [isDc ? 'dc' : 'store', city.name.toLowerCase()],
  };
}

/** Stock per SKU: DCs hold most SKUs deeply; a store holds popular SKUs more often, a few units each. */
function generateStock(rng: Prng, skus: number, isDc: boolean): Uint16Array {
  const units = new Uint16Array(skus);
  for (let s = 0; s < skus; s++) {
    const rankFactor = 1 / Math.sqrt(1 + s / 50);
    if (isDc) {
      if (rng.chance(0.75)) units[s] = Math.min(65535, Math.round(rng.logNormal(40, 1) * rankFactor) + 1);
    } else if (rng.chance(0.45 * rankFactor)) {
      units[s] = Math.min(60, Math.floor(rng.logNormal(2, 0.9)) + 1);
    }
  }
  return units;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/** A 32-bit integer hash (lowbias32), for attributes derived from a position index. */
function hash(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}
