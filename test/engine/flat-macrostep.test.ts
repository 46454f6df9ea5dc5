import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assign, emit, raise, setup, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import { z } from 'zod';
import { alertMachine, holdMachine, orderMachine } from '../../actors/index.js';
import { mulberry32 } from '../../src/demo.js';
import { flatMacrostep, standInScope } from '../../src/engine/index.js';
import { BUILT_IN_RULES, compileWorkflow, defineGuard, defineRule, DEFAULT_WORKFLOWS, RuleRegistry, WorkflowDefinition } from '../../src/workflows/index.js';

// Entities' events take `flatMacrostep` instead of XState's macrostep when their machine is flat (every
// compiled workflow). These tests run random workflows (user data: states, entry/exit actions, guarded
// eventless and event transitions, final states) and the default ones over random events through both, and
// require the same snapshot, the same emitted effects in the same order, and the same errors.

/** The engine's scope, collecting what is emitted; `flush` runs the deferred work as dormantTransition does. */
function scope() {
  const emitted: unknown[] = [];
  const s = standInScope((e) => void emitted.push(e));
  return Object.assign(s, {
    flush(): unknown[] {
      for (let i = 0; i < s.deferred.length; i++) s.deferred[i]!();
      s.deferred.length = 0;
      return emitted.splice(0);
    },
  });
}

const counter = (c: Readonly<Record<string, unknown>>) => (c.counter as number | undefined) ?? 0;

const TEST_RULES = [
  defineGuard({ name: 'counterBelow', description: 't', params: z.object({ n: z.number() }), test: ({ context, params }) => counter(context) < params.n }),
  defineGuard({ name: 'flagged', description: 't', params: z.object({}).optional(), test: ({ event }) => event.flag === true }),
  defineRule({
    name: 'bump',
    description: 't',
    params: z.object({}).optional(),
    run: ({ context }, api) => {
      api.set('counter', counter(context) + 1);
      api.emit({ type: 'webhook', event: 'bumped', data: { counter: counter(context) + 1 } } as never);
    },
  }),
  defineRule({
    name: 'note',
    description: 't',
    params: z.object({ tag: z.string() }),
    run: ({ context, params, event }, api) => {
      api.set('log', [...((context.log as string[] | undefined) ?? []), `${params.tag}:${event.type}`]);
      if (params.tag.endsWith('1')) api.setAttribute(params.tag, event.at);
      if (params.tag.endsWith('2')) api.startTimer(params.tag, event.at);
      if (params.tag.endsWith('3')) api.cancelTimer('n2');
      if (params.tag.endsWith('4')) api.emit({ type: 'alert.raise', alert: params.tag, severity: 'warning', message: 'm' } as never);
    },
  }),
];

const EVENTS = ['e1', 'e2', 'e3', 'timer.fired', 'order.waiting', 'delivered'];

function randomDefinition(r: () => number): unknown {
  const int = (k: number) => Math.floor(r() * k);
  const n = 2 + int(5);
  const names = Array.from({ length: n }, (_, i) => `s${i}`);
  const action = () => (r() < 0.4 ? 'bump' : { type: 'note', params: { tag: `n${int(5)}` } });
  const actions = () => Array.from({ length: int(3) }, action);
  const guard = () => (r() < 0.5 ? { type: 'counterBelow', params: { n: 1 + int(5) } } : 'flagged');
  const states: Record<string, unknown> = {};
  for (const [i, name] of names.entries()) {
    if (i > 0 && r() < 0.2) {
      states[name] = { type: 'final', entry: actions(), ...(r() < 0.3 ? { exit: actions() } : {}), ...(r() < 0.3 ? { tags: ['done', name] } : {}) };
      continue;
    }
    const s: Record<string, unknown> = {};
    if (r() < 0.6) s.entry = actions();
    if (r() < 0.4) s.exit = actions();
    if (r() < 0.3) s.tags = [name, 't'];
    // Eventless transitions always count up and are bounded by the counter, so no macrostep loops forever.
    if (r() < 0.5)
      s.always = Array.from({ length: 1 + int(2) }, () => ({
        guard: { type: 'counterBelow', params: { n: 1 + int(6) } },
        ...(r() < 0.7 ? { target: names[int(n)] } : {}),
        actions: ['bump', ...actions()],
      }));
    const on: Record<string, unknown> = {};
    for (const e of EVENTS) {
      if (r() < 0.5) continue;
      on[e] = Array.from({ length: 1 + int(2) }, () => ({
        ...(r() < 0.6 ? { guard: guard() } : {}),
        ...(r() < 0.7 ? { target: names[int(n)] } : {}),
        actions: actions(),
      }));
    }
    if (Object.keys(on).length > 0) s.on = on;
    states[name] = s;
  }
  return { initial: names[0], states };
}

function randomEvent(r: () => number, i: number): { type: string; at: string; [k: string]: unknown } {
  const type = EVENTS[Math.floor(r() * EVENTS.length)]!;
  const at = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
  return { type, at, flag: r() < 0.5, name: r() < 0.5 ? 'n2' : 'sla.warn' };
}

function picture(s: AnyMachineSnapshot): unknown {
  const { _nodes, tags, machine, context, ...rest } = s as AnyMachineSnapshot & { _nodes: Array<{ id: string }> };
  return {
    keys: Object.keys(s),
    nodes: _nodes.map((n) => n.id),
    tags: [...tags],
    machine: machine.id,
    context,
    rest: Object.entries(rest).map(([k, v]) => [k, typeof v === 'function' ? (v as () => void).name : v]),
  };
}

type Outcome = { snapshot: AnyMachineSnapshot; accepted: boolean; emitted: unknown[] } | { error: string };

function step(run: (sc: ReturnType<typeof scope>) => AnyMachineSnapshot, before: AnyMachineSnapshot): Outcome {
  const sc = scope();
  try {
    const snapshot = run(sc);
    return { snapshot, accepted: snapshot !== before, emitted: sc.flush() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** Runs `events` through both paths from `initial`, comparing after each; returns how many were compared. */
function compare(machine: AnyStateMachine, context: Record<string, unknown>, events: Array<{ type: string }>, where: string): number {
  let ref = machine.resolveState({ value: '__new', context: structuredClone(context) });
  let cand = machine.resolveState({ value: '__new', context: structuredClone(context) });
  let n = 0;
  for (const [i, event] of events.entries()) {
    const a = step((sc) => machine.transition(ref, event as never, sc as never) as AnyMachineSnapshot, ref);
    const b = step((sc) => {
      const next = flatMacrostep(machine, cand, event, sc);
      if (next === undefined) throw new Error('the flat path was not taken');
      return next;
    }, cand);
    const at = `${where}, event ${i} (${event.type})`;
    if ('error' in a || 'error' in b) {
      assert.equal(b, a, `error, ${at}`);
      return n;
    }
    assert.is(b.accepted, a.accepted, `accepted, ${at}`);
    assert.equal(b.emitted, a.emitted, `emitted, ${at}`);
    assert.equal(picture(b.snapshot), picture(a.snapshot), `snapshot, ${at}`);
    n++;
    ref = a.snapshot;
    cand = b.snapshot;
    if (ref.status !== 'active') return n;
  }
  return n;
}

test('random workflows: the flat macrostep gives what XState gives, event by event', () => {
  const rules = new RuleRegistry([...BUILT_IN_RULES, ...TEST_RULES]);
  let compared = 0;
  let done = 0;
  for (let seed = 1; seed <= 300; seed++) {
    const r = mulberry32(seed);
    const key = r() < 0.5 ? `order/random-${seed}@1` : `transfer/random-${seed}@1`;
    const machine = compileWorkflow(key, WorkflowDefinition.parse(randomDefinition(r)), rules);
    const events = [{ type: 'entity.created', at: '2026-01-01T00:00:00.000Z' }, ...Array.from({ length: 25 }, (_, i) => randomEvent(r, i))];
    const before = compared;
    compared += compare(machine, { id: `x${seed}`, counter: 0, timers: { n2: 'later' }, attributes: {}, waiting: [], sla: { sla: { alert: 'late' } } }, events, `seed ${seed} (${key})`);
    if (compared - before < events.length) done++;
  }
  assert.ok(compared > 3000, `${compared} events compared`);
  assert.ok(done > 20, `${done} runs reached a final state`);
});

test('the default workflows: the flat macrostep gives what XState gives on their own events', () => {
  const rules = new RuleRegistry(BUILT_IN_RULES);
  let compared = 0;
  for (const w of DEFAULT_WORKFLOWS) {
    const key = `${w.entity}/${w.name}@1`;
    const def = WorkflowDefinition.parse(w.definition);
    const machine = compileWorkflow(key, def, rules);
    const names = [...new Set(Object.values(def.states).flatMap((s) => Object.keys(s.on ?? {})))];
    for (let seed = 1; seed <= 30; seed++) {
      const r = mulberry32(seed * 7919);
      const events = [{ type: 'entity.created', at: '2026-01-01T00:00:00.000Z' }];
      for (let i = 0; i < 12; i++) events.push({ type: names[Math.floor(r() * names.length)]!, at: new Date(Date.UTC(2026, 0, 2) + i * 1000).toISOString() });
      const context = {
        id: `${w.entity}-${seed}`,
        lines: [{ sku: 'A', qty: 1 }],
        fulfilments: [{ id: 'f1', location: 'L', lines: [{ sku: 'A', qty: 1 }], status: 'created' }],
        value: r() < 0.3 ? 5000 : 10,
        attributes: r() < 0.3 ? { giftWrap: true } : {},
        deliveryType: 'home',
        timers: {},
        short: [],
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:00:00.000Z',
      };
      compared += compare(machine, context, events, `${key} seed ${seed}`);
    }
  }
  assert.ok(compared > 200, `${compared} events compared`);
});

test('the hand-written entity machines (order, hold, alert): the flat macrostep gives what XState gives', () => {
  const at = (i: number) => new Date(Date.UTC(2026, 0, 2) + i * 1000).toISOString();
  const f = (id: string) => ({ id, location: 'L', lines: [{ sku: 'A', qty: 1 }], status: 'created' });
  const cases: Array<{ machine: AnyStateMachine; value: string; context: Record<string, unknown>; events: (r: () => number, i: number) => { type: string } }> = [
    {
      machine: orderMachine,
      value: 'created',
      context: { id: 'o', channel: 'web', pool: 'default', customer: { id: 'c' }, deliverTo: { lat: 1, lon: 1, country: 'DE' }, deliveryType: 'home', lines: [{ sku: 'A', qty: 2 }], split: 'allow', attributes: {}, createdAt: at(0), createdBy: 'k', updatedAt: at(0), fulfilments: [] },
      events: (r, i) => {
        const pick = ['order.sourced', 'picked', 'packed', 'shipped', 'delivered', 'order.cancelled'][Math.floor(r() * 6)]!;
        const fulfilmentId = r() < 0.45 ? 'f1' : r() < 0.9 ? 'f2' : 'fx';
        return pick === 'order.sourced' ? { type: pick, fulfilments: [f('f1'), f('f2')], at: at(i) } : { type: pick, fulfilmentId, reason: 'r', at: at(i) };
      },
    },
    {
      machine: holdMachine,
      value: 'active',
      context: { id: 'h', pool: 'default', lines: [{ sku: 'A', qty: 1 }], allocations: [{ location: 'L', lines: [{ sku: 'A', qty: 1 }] }], createdAt: at(0), createdBy: 'k', expiresAt: at(5), timers: { expiry: at(5) }, updatedAt: at(0) },
      events: (r, i) => {
        const pick = ['timer.fired', 'hold.released', 'hold.consumed'][Math.floor(r() * 3)]!;
        return { type: pick, name: r() < 0.7 ? 'expiry' : 'other', orderId: 'o', at: at(i) };
      },
    },
    {
      machine: alertMachine,
      value: 'open',
      context: { id: 'a', alert: 'x', severity: 'warning', message: 'm', subject: 's', openedAt: at(0), updatedAt: at(0) },
      events: (r, i) => {
        const pick = ['alert.escalated', 'alert.acknowledged', 'alert.resolved'][Math.floor(r() * 3)]!;
        return { type: pick, severity: 'critical', message: 'm2', by: 'u', at: at(i) };
      },
    },
  ];
  let compared = 0;
  for (const c of cases) {
    for (let seed = 1; seed <= 40; seed++) {
      const r = mulberry32(seed * 104729);
      let ref = c.machine.resolveState({ value: c.value, context: structuredClone(c.context) });
      let cand = c.machine.resolveState({ value: c.value, context: structuredClone(c.context) });
      for (let i = 1; i <= 12 && ref.status === 'active'; i++) {
        const event = c.events(r, i);
        const a = step((sc) => c.machine.transition(ref, event as never, sc as never) as AnyMachineSnapshot, ref);
        const b = step((sc) => flatMacrostep(c.machine, cand, event, sc) ?? (() => { throw new Error('the flat path was not taken'); })(), cand);
        const where = `${c.machine.id} seed ${seed} event ${i} (${event.type})`;
        if ('error' in a || 'error' in b) {
          assert.equal(b, a, `error, ${where}`);
          break;
        }
        assert.is(b.accepted, a.accepted, `accepted, ${where}`);
        assert.equal(b.emitted, a.emitted, `emitted, ${where}`);
        assert.equal(picture(b.snapshot), picture(a.snapshot), `snapshot, ${where}`);
        ref = a.snapshot;
        cand = b.snapshot;
        compared++;
      }
    }
  }
  assert.ok(compared > 300, `${compared} events compared`);
});

test('a raised event is taken after the eventless transitions, as XState takes it', () => {
  const machine = setup({}).createMachine({
    initial: 'a',
    context: { n: 0 },
    states: {
      a: { on: { go: { target: 'b', actions: [raise({ type: 'next' }), assign({ n: ({ context }) => context.n + 1 })] } } },
      b: {
        entry: emit({ type: 'in-b' }),
        always: { guard: ({ context }) => context.n < 3, actions: assign({ n: ({ context }) => context.n + 1 }) },
        on: { next: { target: 'c', actions: raise({ type: 'again' }) } },
      },
      c: { on: { again: { target: 'd', actions: emit({ type: 'in-d' }) } } },
      d: { type: 'final', exit: emit({ type: 'bye' }) },
    },
  });
  const start = machine.resolveState({ value: 'a', context: { n: 0 } });
  const a = step((sc) => machine.transition(start, { type: 'go' }, sc as never) as AnyMachineSnapshot, start);
  const b = step((sc) => flatMacrostep(machine, start, { type: 'go' }, sc)!, start);
  assert.ok(!('error' in a) && !('error' in b));
  assert.is((a as { snapshot: AnyMachineSnapshot }).snapshot.value, 'd');
  assert.equal(picture((b as { snapshot: AnyMachineSnapshot }).snapshot), picture((a as { snapshot: AnyMachineSnapshot }).snapshot));
  assert.equal((b as { emitted: unknown[] }).emitted, (a as { emitted: unknown[] }).emitted);
});

test('machines that are not flat are left to XState', () => {
  const nested = setup({}).createMachine({ initial: 'a', states: { a: { initial: 'x', states: { x: {} } } } });
  assert.is(flatMacrostep(nested, nested.resolveState({ value: { a: 'x' }, context: {} }), { type: 'e' }, scope()), undefined);
  const targeted = setup({}).createMachine({ initial: 'a', on: { go: '.b' }, states: { a: {}, b: {} } });
  assert.is(flatMacrostep(targeted, targeted.resolveState({ value: 'a', context: {} }), { type: 'go' }, scope()), undefined);
  const wildcard = setup({}).createMachine({ initial: 'a', states: { a: { on: { '*': 'b' } }, b: {} } });
  assert.is(flatMacrostep(wildcard, wildcard.resolveState({ value: 'a', context: {} }), { type: 'go' }, scope()), undefined);
  const delayed = setup({}).createMachine({ initial: 'a', states: { a: { after: { 10: 'b' } }, b: {} } });
  assert.is(flatMacrostep(delayed, delayed.resolveState({ value: 'a', context: {} }), { type: 'go' }, scope()), undefined);
});

test.run();
