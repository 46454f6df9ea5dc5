import { AvailabilityIndex, type AvailabilityChange } from '../../src/stock/index.js';
import { parseArgs } from '../lib/args.js';
import { requireGc, settle } from '../lib/heap.js';

/**
 * The availability index alone: heap per position for `--skus` SKUs each held at `--held` random locations of
 * `--locations` (all in one pool). A dense grid (`--held` = `--locations`) and a sparse catalog (a few locations
 * per SKU) tell whether the index's memory follows the positions or the network's size.
 * Usage: node --expose-gc dist/bench/stock/index-heap.js [--locations 1000] [--skus 20000] [--held 3]
 */
requireGc(process.argv[1]!, process.argv.slice(2));
const args = parseArgs(process.argv.slice(2));
const LOCATIONS = Number(args.locations ?? 1000);
const SKUS = Number(args.skus ?? 20_000);
const HELD = Number(args.held ?? 3);

async function main(): Promise<void> {
  let seed = 7;
  const random = (): number => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const index = new AvailabilityIndex();
  const changes: AvailabilityChange[] = [];
  const locations = Array.from({ length: LOCATIONS }, (_, l) => `LOC-${l}`);
  const skus = Array.from({ length: SKUS }, (_, j) => `SKU-${j}`);
  for (const id of locations) index.setLocation({ id, active: true, tags: [] }, changes);
  index.setPool({ id: 'default', name: 'default', locations: { all: true } }, changes);
  await settle();
  const before = process.memoryUsage().heapUsed;
  let positions = 0;
  for (const sku of skus) {
    for (let k = 0; k < HELD; k++) {
      index.update(HELD === LOCATIONS ? locations[k]! : locations[Math.floor(random() * LOCATIONS)]!, sku, 5, changes);
      changes.length = 0;
      positions++;
    }
  }
  await settle();
  const after = process.memoryUsage().heapUsed;
  console.log(`${LOCATIONS} locations, ${SKUS} SKUs x ${HELD} locations: index heap per position ${((after - before) / positions).toFixed(0)} B (${((after - before) / 2 ** 20).toFixed(1)} MiB)`);
  // Kept alive until after the measure.
  if (index.freeAt(locations[0]!, skus[0]!) < 0) console.log('unreachable');
}

await main();
