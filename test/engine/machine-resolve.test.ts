import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import { MachineCatalog } from '../../src/engine/index.js';
import { BUILT_IN_RULES, compileWorkflow, DEFAULT_WORKFLOWS, RuleRegistry, WorkflowDefinition } from '../../src/workflows/index.js';

// `MachineCatalog.resolve` copies a cached resolution of a state instead of calling `resolveState` per entity.
// It must give what `resolveState` gives, for every state of every machine, with the entity's own context and
// its own mutable parts.

function catalog(): MachineCatalog {
  const machines = new MachineCatalog();
  const rules = new RuleRegistry(BUILT_IN_RULES);
  for (const w of DEFAULT_WORKFLOWS) {
    const key = `${w.entity}/${w.name}@1`;
    machines.register(key, compileWorkflow(key, WorkflowDefinition.parse(w.definition), rules));
  }
  return machines;
}

function keys(): string[] {
  return ['order/default@1', 'hold@1', 'alert@1', 'inbound@1', ...DEFAULT_WORKFLOWS.map((w) => `${w.entity}/${w.name}@1`)];
}

function statesOf(machine: AnyStateMachine): string[] {
  return Object.keys((machine.root as unknown as { states: Record<string, unknown> }).states);
}

function picture(s: AnyMachineSnapshot): unknown {
  const { _nodes, tags, machine, ...rest } = s as AnyMachineSnapshot & { _nodes: Array<{ id: string }> };
  return {
    keys: Object.keys(s),
    nodes: _nodes.map((n) => n.id),
    tags: [...tags],
    machine,
    rest: Object.entries(rest).map(([k, v]) => [k, typeof v === 'function' ? (v as () => void).name : v]),
  };
}

test('resolve gives what resolveState gives, for every state of every machine, twice', () => {
  const machines = catalog();
  let n = 0;
  for (const key of keys()) {
    const machine = machines.get(key);
    for (const value of statesOf(machine)) {
      for (const round of [1, 2]) {
        const context = { id: `${value}-${round}`, n: round };
        const cached = machines.resolve(key, value, context);
        const direct = machine.resolveState({ value, context });
        assert.equal(picture(cached), picture(direct), `${key} ${value} round ${round}`);
        assert.is(cached.context, context, 'the entity context itself');
        assert.is(cached.status, direct.status);
        n++;
      }
    }
  }
  assert.ok(n > 60, `${n} states resolved`);
});

test('snapshots resolved from the cache share no mutable part with each other', () => {
  const machines = catalog();
  const a = machines.resolve('order/home-delivery@1', '__new', { id: 'a' });
  const b = machines.resolve('order/home-delivery@1', '__new', { id: 'b' });
  assert.is.not(a.children, b.children);
  assert.is.not(a.historyValue, b.historyValue);
  assert.is.not(a.tags, b.tags);
  assert.is(b.context.id, 'b');
  const t1 = machines.resolve('order/home-delivery@1', 'fraud_check', { id: 'c' });
  const t2 = machines.resolve('order/home-delivery@1', 'awaiting_payment', { id: 'c' });
  assert.is(t1.value, 'fraud_check');
  assert.is(t2.value, 'awaiting_payment');
});

test('a machine registered again under the same key is resolved afresh', () => {
  const machines = catalog();
  const key = 'order/home-delivery@1';
  const first = machines.resolve(key, 'placed', { id: 'x' });
  const other = machines.get('order/click-collect@1');
  machines.register(key, other);
  const second = machines.resolve(key, 'placed', { id: 'x' });
  assert.is(second.machine, other);
  assert.is.not(first.machine, second.machine);
});

test.run();
