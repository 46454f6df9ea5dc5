import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { distanceKm } from '../../src/domain/geo.js';
import { SandboxStock, type ReplayLocation, type ReplayOrder } from '../../src/sourcing/backtest/index.js';
import { indexSeen, replayNetwork, SideLocations } from '../../src/sourcing/backtest/replay-network.js';

const PLACES = Array.from({ length: 12 }, (_, i): ReplayLocation => ({
  id: `L${String(i).padStart(2, '0')}`,
  // Pairs of locations share a place, so ties by id are exercised.
  geo: { lat: 50 + Math.floor(i / 2) * 0.3, lon: 10 + (Math.floor(i / 2) % 3) * 0.4 },
  country: 'DE',
  status: 'active',
  capabilities: [],
  capacity: {},
  tags: [],
}));
const ID = fc.constantFrom(...PLACES.map((p) => p.id), 'UNKNOWN');
const SKUS = ['A', 'B'];

test("a replayed order's nearest-first walk lists what `locations` lists, nearest first, ties by lower id", () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(ID, { maxLength: 8 }),
      fc.uniqueArray(ID, { maxLength: 4 }),
      fc.array(fc.tuple(ID, fc.constantFrom(...SKUS), fc.integer({ min: -3, max: 3 })), { maxLength: 10 }),
      fc.record({ lat: fc.double({ min: 48, max: 54, noNaN: true }), lon: fc.double({ min: 8, max: 14, noNaN: true }) }),
      (held, unrecorded, drift, to) => {
        const order: ReplayOrder = {
          id: 'ord_1',
          at: '2026-12-04T10:00:00.000Z',
          request: { lines: [{ sku: 'A', qty: 1 }], deliverTo: { ...to, country: 'DE' }, deliveryType: 'home' },
          live: { id: 'default', version: 1 },
          seen: { skus: SKUS, held, units: held.flatMap(() => [1, 1]), unrecorded },
          recorded: [],
        };
        const locations = new SideLocations(PLACES);
        const sandbox = new SandboxStock({ drift, day: '', today: [] });
        const network = replayNetwork(indexSeen(order, locations), locations, new Map(), sandbox);
        const expected = [...network.locations(SKUS)]
          .map((l) => ({ id: l.id, km: distanceKm(l.geo, to) }))
          .sort((a, b) => (a.km < b.km ? -1 : a.km > b.km ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
          .map((l) => l.id);
        assert.equal([...network.nearest!(SKUS, to)].map((l) => l.id), expected);
      },
    ),
  );
});

test.run();
