import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor } from 'xstate';
import { locationMachine, type LocationEmitted, type LocationEvent, type LocationInfo, type LocationSnapshot } from '../../actors/index.js';
import { mulberry32 as rng } from '../../src/demo.js';
import { openEngine, type LocationEntry } from '../../src/engine/index.js';
import { tempDataDir } from '../helpers/tmp.js';

// The engine holds a location as its snapshot and sends `stock.reserved` at an active location through
// `reserveDirect` instead of XState's macrostep. These tests run the same random events through the engine and
// through a running XState actor (what the engine used before) and require the same snapshot after every event.

const info = (status: LocationInfo['status']): LocationInfo => ({ name: 'L', type: 'store', geo: { lat: 1, lon: 1 }, country: 'DE', capabilities: [], tags: [], status });

const SKUS = ['A', 'B', 'C'];
const OTHER = ['damaged', 'quality_check'];

function randomEvent(r: () => number, n: number): LocationEvent {
  const int = (k: number) => Math.floor(r() * k);
  const sku = () => SKUS[int(SKUS.length)]!;
  const at = new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString();
  const lines = () => Array.from({ length: 1 + int(3) }, () => ({ sku: sku(), qty: 1 + int(5) }));
  const x = r();
  if (x < 0.45) {
    // Mostly reservations: one line from sellable (the hot case), several lines, some from other statuses,
    // some whose `from` does not add up, some larger than what is there.
    const ls = r() < 0.5 ? [{ sku: sku(), qty: 1 + int(6) }] : lines();
    return {
      type: 'stock.reserved',
      ref: `o${n}`,
      lines: ls.map((l) => {
        if (r() > 0.25) return l;
        const other = OTHER[int(OTHER.length)]!;
        const fromOther = int(l.qty + 1);
        const off = r() < 0.2 ? 1 : 0;
        return { ...l, from: { sellable: l.qty - fromOther + off, [other]: fromOther } };
      }),
    };
  }
  if (x < 0.6) return { type: 'stock.counted', sku: sku(), status: r() < 0.7 ? 'sellable' : OTHER[int(2)]!, onHand: int(12), at };
  if (x < 0.72) return { type: 'stock.adjusted', sku: sku(), status: r() < 0.7 ? 'sellable' : OTHER[int(2)]!, delta: int(9) - 3, reason: 'found', at };
  if (x < 0.82) return { type: 'stock.released', ref: 'o', lines: lines() };
  if (x < 0.9) return { type: 'stock.shipped', ref: 'o', lines: lines() };
  const s = r();
  return { type: 'location.configured', info: info(s < 0.7 ? 'active' : s < 0.85 ? 'paused' : 'closed') };
}

/** Everything a snapshot holds, in a comparable form (positions copied: both paths change them in place). */
function picture(s: LocationSnapshot): unknown {
  const { context, tags, _nodes, machine, ...rest } = s as LocationSnapshot & { _nodes: Array<{ id: string }> };
  return {
    keys: Object.keys(s),
    rest: JSON.parse(JSON.stringify(Object.entries(rest).filter(([, v]) => typeof v !== 'function'))),
    functions: Object.entries(rest).filter(([, v]) => typeof v === 'function').map(([k, v]) => [k, (v as () => void).name]),
    machine: (machine as unknown) === locationMachine,
    tags: [...tags],
    nodes: _nodes.map((n) => n.id),
    contextKeys: Object.keys(context),
    id: context.id,
    info: context.info,
    rev: context.rev,
    positions: JSON.parse(JSON.stringify([...context.positions].sort(([a], [b]) => (a < b ? -1 : 1)))),
    persisted: JSON.parse(JSON.stringify({ ...locationMachine.getPersistedSnapshot(s), context: undefined })),
  };
}

test('the engine yields the snapshot a running XState location actor yields, over random event sequences', async () => {
  const { dir, cleanup } = tempDataDir();
  const run = openEngine({ dataDir: dir, onFatal: (e) => { throw e; } });
  let direct = 0;
  try {
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(seed);
      const id = `L${seed}`;
      const actor = createActor(locationMachine, { input: { id, info: info('active') } }).start();
      const shorts: LocationEmitted[] = [];
      actor.on('stock.short', (e) => shorts.push({ ...e }));
      const entry = run.engine.run((step) => run.engine.createLocation(step, id, info('active'))).value as LocationEntry;
      for (let n = 0; n < 150; n++) {
        const event = randomEvent(r, n);
        const before = actor.getSnapshot();
        actor.send(event);
        const expectAccepted = actor.getSnapshot() !== before;
        if (event.type === 'stock.reserved' && entry.snapshot.value === 'active') direct++;
        const committed = run.engine.run((step) => ({ accepted: run.engine.send(step, entry, event), signals: [...step.signals] }));
        const where = `seed ${seed}, event ${n} (${event.type})`;
        assert.is(committed.value.accepted, expectAccepted, `accepted, ${where}`);
        assert.equal(committed.value.signals, shorts.splice(0), `stock.short signals, ${where}`);
        assert.equal(picture(entry.snapshot), picture(actor.getSnapshot()), `snapshot, ${where}`);
      }
    }
  } finally {
    await run.close();
    cleanup();
  }
  assert.ok(direct > 1000, `the direct path ran ${direct} times`);
});

test.run();
