import { createActor, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import { locationMachine, reserveDirect, type LocationSnapshot } from '../../actors/index.js';
import { flatMacrostep, MachineCatalog, standInScope } from '../../src/engine/index.js';
import { BUILT_IN_RULES, compileWorkflow, DEFAULT_WORKFLOWS, RuleRegistry, WorkflowDefinition } from '../../src/workflows/index.js';
import { parseArgs, positiveFlag } from '../lib/args.js';

/**
 * The two XState costs of an order at intake, each by the path main took and the path this branch takes,
 * alternated in one process (CPU µs per operation, median of the rounds):
 * - entry: an order created in `__new` and sent `entity.created` through the home-delivery workflow
 *   (`resolveState` + XState's `machine.transition`, against `MachineCatalog.resolve` + `flatMacrostep`);
 * - reserve: one `stock.reserved` at an active location (a running actor's `send`, against `reserveDirect`).
 * Usage: node dist/bench/intake/xstate-paths.js [--ops 20000] [--rounds 5]
 */
const USAGE = 'usage: node dist/bench/intake/xstate-paths.js [--ops 20000] [--rounds 5]';
const args = parseArgs(process.argv.slice(2));
const OPS = positiveFlag('ops', args.ops as string | undefined, 20_000, USAGE);
const ROUNDS = positiveFlag('rounds', args.rounds as string | undefined, 5, USAGE);

/** The engine's scope: emits deferred, run after the transition. */
let emitted = 0;
const scope = standInScope(() => void emitted++);
const deferred = scope.deferred;
const flush = () => {
  for (let i = 0; i < deferred.length; i++) deferred[i]!();
  deferred.length = 0;
};

const KEY = 'order/home-delivery@1';
const machines = new MachineCatalog();
const home = DEFAULT_WORKFLOWS.find((w) => w.entity === 'order' && w.name === 'home-delivery')!;
const machine: AnyStateMachine = compileWorkflow(KEY, WorkflowDefinition.parse(home.definition), new RuleRegistry(BUILT_IN_RULES));
machines.register(KEY, machine);

function context(i: number) {
  const at = new Date(Date.UTC(2026, 0, 1) + i).toISOString();
  return {
    id: `o${i}`,
    channel: 'web',
    pool: 'default',
    customer: { id: 'c' },
    deliverTo: { lat: 52.5, lon: 13.4, country: 'DE' },
    deliveryType: 'home',
    lines: [{ sku: 'A', qty: 1 }],
    split: 'allow',
    attributes: {},
    createdAt: at,
    createdBy: 'bench',
    updatedAt: at,
    fulfilments: [{ id: `o${i}-1`, location: 'BER', lines: [{ sku: 'A', qty: 1 }], status: 'created' }],
    value: 20,
    timers: {},
    short: [],
  };
}

function entryOld(i: number): AnyMachineSnapshot {
  const s = machine.resolveState({ value: '__new', context: context(i) });
  const next = machine.transition(s, { type: 'entity.created', at: s.context.createdAt } as never, scope as never) as AnyMachineSnapshot;
  flush();
  return next;
}

function entryNew(i: number): AnyMachineSnapshot {
  const s = machines.resolve(KEY, '__new', context(i));
  const next = flatMacrostep(machine, s, { type: 'entity.created', at: s.context.createdAt } as never, scope)!;
  flush();
  return next;
}

const info = { name: 'L', type: 'warehouse', geo: { lat: 1, lon: 1 }, country: 'DE', capabilities: [], tags: [], status: 'active' as const };
const actor = createActor(locationMachine, { input: { id: 'L', info } }).start();
actor.send({ type: 'stock.counted', sku: 'A', status: 'sellable', onHand: 1e9, at: '2026-01-01T00:00:00Z' });
const held = createActor(locationMachine, { input: { id: 'L', info } }).start();
held.send({ type: 'stock.counted', sku: 'A', status: 'sellable', onHand: 1e9, at: '2026-01-01T00:00:00Z' });
let snapshot: LocationSnapshot = held.getSnapshot();

function reserveOld(i: number): void {
  actor.send({ type: 'stock.reserved', ref: `o${i}`, lines: [{ sku: 'A', qty: 1 }] });
}

function reserveNew(i: number): void {
  snapshot = reserveDirect(snapshot, { type: 'stock.reserved', ref: `o${i}`, lines: [{ sku: 'A', qty: 1 }] })!;
}

// Same outcome first: the benches compare paths that give the same result.
if (JSON.stringify(entryOld(0).value) !== JSON.stringify(entryNew(0).value)) throw new Error('entry paths differ');

function time(fn: (i: number) => unknown): number {
  const t = process.cpuUsage();
  for (let i = 0; i < OPS; i++) fn(i);
  const d = process.cpuUsage(t);
  return (d.user + d.system) / OPS;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results: Record<string, number[]> = { 'entry main': [], 'entry branch': [], 'reserve main': [], 'reserve branch': [] };
for (const fn of [entryOld, entryNew, reserveOld, reserveNew]) time(fn); // warm-up
for (let r = 0; r < ROUNDS; r++) {
  // Alternate which path goes first.
  const order = r % 2 === 0 ? (['main', 'branch'] as const) : (['branch', 'main'] as const);
  for (const which of order) results[`entry ${which}`]!.push(time(which === 'main' ? entryOld : entryNew));
  for (const which of order) results[`reserve ${which}`]!.push(time(which === 'main' ? reserveOld : reserveNew));
}
for (const [name, xs] of Object.entries(results)) {
  console.log(`${name}: median ${median(xs).toFixed(2)} µs per op (rounds ${xs.map((x) => x.toFixed(2)).join(', ')})`);
}
if (actor.getSnapshot().context.positions.get('A')!.reserved !== snapshot.context.positions.get('A')!.reserved) throw new Error('reserve paths differ');
console.log(`(${OPS} ops per round, ${ROUNDS} rounds; ${emitted} effects emitted)`);
