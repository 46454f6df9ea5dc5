import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DomainError } from '../../src/domain/errors.js';
import { BUILT_IN_RULES, DEFAULT_WORKFLOWS, RuleRegistry, validateWorkflow } from '../../src/workflows/index.js';

const rules = new RuleRegistry(BUILT_IN_RULES);

function problems(entity: 'order' | 'fulfilment', doc: unknown): Array<{ path?: string; message: string }> {
  try {
    validateWorkflow(entity, doc, rules);
  } catch (e) {
    assert.instance(e, DomainError);
    assert.is((e as DomainError).type, 'invalid_request');
    return (e as DomainError).details;
  }
  assert.unreachable('expected the workflow to be refused');
  return [];
}

const minimal = () => ({
  initial: 'open',
  states: {
    open: { on: { 'order.cancelled': 'done', finish: 'done' } },
    done: { type: 'final' },
  },
});

test('every default workflow is valid', () => {
  for (const d of DEFAULT_WORKFLOWS) validateWorkflow(d.entity, d.definition, rules);
});

test('all problems are reported together, each with its path', () => {
  const doc = {
    initial: 'start',
    states: {
      start: {
        entry: [{ type: 'noSuchRule' }, { type: 'raiseAlert', params: { alert: 'x', severity: 'loud', message: 'm' } }],
        on: { go: { target: 'nowhere', guard: { type: 'noSuchGuard' } }, 'order.cancelled': 'end' },
      },
      stuck: { on: { poke: { actions: ['setStatus'] } } },
      end: { type: 'final' },
    },
  };
  const found = problems('order', doc);
  const byPath = (p: string) => found.filter((d) => d.path === p).map((d) => d.message);
  assert.match(byPath('states.start.entry[0]')[0] ?? '', /unknown rule 'noSuchRule'; known: .*raiseAlert/);
  assert.match(byPath('states.start.entry[1].params.severity')[0] ?? '', /Invalid option/);
  assert.match(byPath('states.start.on["go"].target')[0] ?? '', /unknown state 'nowhere'/);
  assert.match(byPath('states.start.on["go"].guard')[0] ?? '', /unknown guard 'noSuchGuard'/);
  assert.ok(found.some((d) => d.path === 'states.stuck' && /cannot be reached/.test(d.message)), 'unreachable state');
  assert.ok(found.some((d) => d.path === 'states.stuck' && /no way out and is not final/.test(d.message)), 'dead end');
  assert.ok(found.some((d) => d.path === 'states.stuck.on["poke"].actions[0].params.status'), 'setStatus without its status parameter');
});

test('a state waiting for an event it does not handle is refused', () => {
  const doc = minimal();
  (doc.states.open as Record<string, unknown>).entry = ['requestPayment'];
  const found = problems('order', doc);
  assert.ok(found.some((d) => d.path === 'states.open.on' && /waits for 'payment.authorized'/.test(d.message)));
  assert.ok(found.some((d) => /waits for 'payment.failed'/.test(d.message)));
});

test('the events an entity kind needs are required', () => {
  const noCancel = { initial: 'open', states: { open: { on: { finish: 'done' } }, done: { type: 'final' } } };
  assert.ok(problems('order', noCancel).some((d) => /no state accepts 'order.cancelled'/.test(d.message)));
  const fulfilment = { initial: 'open', states: { open: { on: { shipped: 'done' } }, done: { type: 'final' } } };
  assert.ok(problems('fulfilment', fulfilment).some((d) => d.path === 'states.open.on' && /must accept 'cancelled'/.test(d.message)));
});

test('engine events cannot be handled, unknown initial and shape errors have paths', () => {
  const doc = { initial: 'missing', states: { open: { on: { 'entity.created': 'open', 'order.cancelled': 'open' } } } };
  const found = problems('order', doc);
  assert.ok(found.some((d) => d.path === 'initial'));
  assert.ok(found.some((d) => /sent by Fulcrum itself/.test(d.message)));
  const shape = problems('order', { initial: 'Open', states: { Open: { type: 'weird' } }, extra: 1 });
  assert.ok(shape.length >= 2);
  assert.ok(shape.every((d) => typeof d.path === 'string'));
});

test('a final state cannot take events; no reachable final state is refused', () => {
  const found = problems('order', { initial: 'a', states: { a: { on: { go: 'b', 'order.cancelled': 'b' } }, b: { on: { back: 'a' } }, c: { type: 'final', on: { x: 'a' } } } });
  assert.ok(found.some((d) => /no final state can be reached/.test(d.message)));
  assert.ok(found.some((d) => d.path === 'states.c' && /final state takes no events/.test(d.message)));
});

test.run();
