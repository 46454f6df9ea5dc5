import type { LocationInfo } from '../../../actors/index.js';
import { openFulcrum, type Fulcrum, type RunningFulcrum } from '../../../src/fulcrum/index.js';
import { countStock, upsertLocation, upsertProduct } from '../../../src/stock/index.js';
import type { ProductAttributes } from '../../../src/stock/index.js';
import { locationInfo } from '../../helpers/network.js';
import { tempDataDir } from '../../helpers/tmp.js';
import { testClock, type TestClock } from '../../helpers/workflow-engine.js';

/** Berlin, where the test customers live. */
export const BERLIN = { lat: 52.52, lon: 13.405, country: 'DE' };

/** Places around Berlin and beyond, by distance from the customer: (lat, lon). */
export const PLACES = {
  mitte: [52.52, 13.41],
  spandau: [52.535, 13.2],
  potsdam: [52.39, 13.06],
  leipzig: [51.34, 12.37],
  hamburg: [53.55, 9.99],
  munich: [48.14, 11.58],
} as const satisfies Record<string, readonly [number, number]>;

export interface NetworkSpec {
  locations: Record<string, { at: readonly [number, number]; info?: Partial<LocationInfo> }>;
  products?: Record<string, ProductAttributes>;
  stock: Array<[location: string, sku: string, onHand: number]>;
}

/** Creates locations, products and stock, and waits until all of it is durable. */
export async function seedNetwork(fulcrum: Fulcrum, spec: NetworkSpec): Promise<void> {
  const pending: Promise<void>[] = [];
  for (const [id, { at, info }] of Object.entries(spec.locations)) pending.push(upsertLocation(fulcrum, id, locationInfo(at[0], at[1], { name: id, ...info })).durable);
  const skus = new Set([...Object.keys(spec.products ?? {}), ...spec.stock.map(([, sku]) => sku)]);
  for (const sku of skus) pending.push(upsertProduct(fulcrum, { sku, name: sku, attributes: spec.products?.[sku] ?? {} }).durable);
  for (const [loc, sku, onHand] of spec.stock) pending.push(countStock(fulcrum, loc, sku, { onHand }).durable);
  await Promise.all(pending);
}

/** An engine on a fresh data dir with a hand-moved clock; `reopen` restarts it on the same dir. */
export interface EngineWorld {
  run: RunningFulcrum;
  clock: TestClock;
  reopen(): Promise<void>;
}

/** Runs `fn` against a fresh engine and removes its data afterwards. */
export async function withEngine(fn: (world: EngineWorld) => Promise<void>): Promise<void> {
  const { dir, cleanup } = tempDataDir('fulcrum-sourcing-');
  const clock = testClock(Date.parse('2026-11-27T10:00:00Z'));
  const open = () => openFulcrum({ dataDir: dir, clock, onFatal: (e) => { throw e; } });
  const world: EngineWorld = {
    run: open(),
    clock,
    async reopen() {
      await world.run.close();
      world.run = open();
    },
  };
  try {
    await fn(world);
  } finally {
    await world.run.close();
    cleanup();
  }
}

/** Units reserved at a location for a SKU (0 when it never held the SKU). */
export function reservedAt(fulcrum: Fulcrum, location: string, sku: string): number {
  return fulcrum.engine.position(location, sku)?.reserved ?? 0;
}
