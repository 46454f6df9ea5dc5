import type { LocationInfo } from '../actors/index.js';
import type { StockPorts } from './stock/index.js';
import { countStock, upsertLocation, upsertPool, upsertProduct } from './stock/index.js';

const CITIES: Array<[id: string, name: string, lat: number, lon: number, type: 'warehouse' | 'dc' | 'store']> = [
  ['WH-BER', 'Berlin warehouse', 52.52, 13.405, 'warehouse'],
  ['DC-FRA', 'Frankfurt distribution centre', 50.11, 8.682, 'dc'],
  ['WH-DOR', 'Dortmund warehouse', 51.514, 7.468, 'warehouse'],
  ['ST-HAM', 'Hamburg store', 53.551, 9.993, 'store'],
  ['ST-MUC', 'Munich store', 48.137, 11.575, 'store'],
  ['ST-CGN', 'Cologne store', 50.938, 6.96, 'store'],
  ['ST-STR', 'Stuttgart store', 48.776, 9.183, 'store'],
  ['ST-DUS', 'Düsseldorf store', 51.227, 6.774, 'store'],
  ['ST-LEJ', 'Leipzig store', 51.34, 12.375, 'store'],
  ['ST-BRE', 'Bremen store', 53.079, 8.802, 'store'],
  ['ST-DRS', 'Dresden store', 51.05, 13.738, 'store'],
  ['ST-NUE', 'Nuremberg store', 49.452, 11.077, 'store'],
];

const CATEGORIES = ['shoes', 'jackets', 'tents', 'lamps', 'stoves', 'backpacks'];

/** Summary of what the demo loaded. */
export interface DemoSummary {
  locations: number;
  products: number;
  positions: number;
  pools: string[];
  sampleSkus: string[];
}

/**
 * Loads a small German network: 3 warehouses/DCs and 9 stores, 300 SKUs with skewed stock, and two pools
 * beside `default` (`web`: warehouses with a 2-unit location buffer; `stores`: stores with a 10% buffer).
 * Seeded, so every newcomer sees the same numbers.
 */
export async function loadDemo(fulcrum: StockPorts): Promise<DemoSummary> {
  const random = mulberry32(20261127);
  const pending: Promise<void>[] = [];
  for (const [id, name, lat, lon, type] of CITIES) {
    const info: LocationInfo = {
      name,
      type,
      geo: { lat, lon },
      country: 'DE',
      // The capabilities the default sourcing profile asks for: fulfilment centres may ship anything, abroad too.
      capabilities: type === 'store' ? ['click-collect'] : ['fragile-packing', 'oversize', 'hazmat-licence', 'international-shipping'],
      capacity: { maxOpenOrders: type === 'store' ? 200 : 5000, dailyOrders: type === 'store' ? 300 : 20000 },
      carrierCutoff: type === 'store' ? '16:00' : '18:00',
      timezone: 'Europe/Berlin',
      tags: [type === 'store' ? 'store' : 'fulfilment-centre'],
      status: 'active',
    };
    pending.push(upsertLocation(fulcrum, id, info).durable);
  }
  const skus: string[] = [];
  for (let i = 1; i <= 300; i++) {
    const sku = `SKU-${String(i).padStart(4, '0')}`;
    const category = CATEGORIES[i % CATEGORIES.length]!;
    skus.push(sku);
    pending.push(
      upsertProduct(fulcrum, {
        sku,
        name: `${category.slice(0, 1).toUpperCase()}${category.slice(1, -1)} model ${i}`,
        attributes: {
          category,
          weightKg: Math.round((0.3 + random() * (category === 'tents' ? 12 : 3)) * 10) / 10,
          price: Math.round(20 + random() * 280),
          ...(category === 'tents' ? { bulky: true } : {}),
          ...(category === 'lamps' ? { fragile: true } : {}),
          ...(category === 'stoves' && i % 4 === 0 ? { hazmat: true } : {}),
        },
      }).durable,
    );
  }
  let positions = 0;
  for (const sku of skus) {
    // Skewed: a few SKUs are everywhere in depth, most sit in a handful of places.
    const popular = random() < 0.1;
    for (const [id, , , , type] of CITIES) {
      if (!popular && random() > (type === 'store' ? 0.3 : 0.7)) continue;
      const depth = type === 'store' ? 12 : 60;
      pending.push(countStock(fulcrum, id, sku, { onHand: Math.floor(random() * depth * (popular ? 3 : 1)) + 1 }).durable);
      positions++;
    }
  }
  pending.push(upsertPool(fulcrum, { id: 'web', name: 'Web shop: fulfilment centres', channel: 'web', locations: { tags: ['fulfilment-centre'] }, locationBuffers: Object.fromEntries(CITIES.filter((c) => c[4] !== 'store').map((c) => [c[0], 2])) }).durable);
  pending.push(upsertPool(fulcrum, { id: 'stores', name: 'Store network', channel: 'stores', locations: { tags: ['store'] }, buffer: { percent: 10 } }).durable);
  await Promise.all(pending);
  return { locations: CITIES.length, products: skus.length, positions, pools: ['default', 'web', 'stores'], sampleSkus: skus.slice(0, 3) };
}

/** A small seeded PRNG (mulberry32), so demo data and benchmarks are reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
