import { enqueueActions, setup, type AnyStateMachine } from 'xstate';
import type { Effect } from '../domain/effects.js';
import { ENTITY_NEW_STATE } from '../engine/index.js';
import { actionsOf, brickOf, transitionsOf, type BrickRef, type StateDefinition, type WorkflowDefinition } from './definition.js';
import type { SlaTable } from './bricks/index.js';
import type { RuleRegistry } from './registry.js';
import type { ActionRule, BrickApi, BrickEvent } from './rule.js';

/** The state every compiled workflow starts in; the engine's `entity.created` event enters the user's initial state. */
export const NEW_STATE = ENTITY_NEW_STATE;

/**
 * Turns a validated definition into an XState machine with `setup({actions, guards})`: each brick becomes a
 * named, parameterised implementation, so snapshots stay persistable. Two things are added: a `__new` start
 * state (so a dormant entity can be created cheaply and then enter the initial state with its entry
 * actions), and root handling of `timer.fired` that clears the fired timer and raises SLA alerts.
 */
export function compileWorkflow(key: string, def: WorkflowDefinition, rules: RuleRegistry): AnyStateMachine {
  const actions: Record<string, unknown> = {
    __timerFired: timerFired,
    __clearTimer: enqueueActions(({ context, event, enqueue }) => enqueue.assign({ timers: without((context as Ctx).timers, String((event as BrickEvent).name)) })),
  };
  const guards: Record<string, unknown> = {};
  const action = (ref: BrickRef) => {
    const { type, params } = brickOf(ref);
    const rule = rules.action(type)!;
    actions[type] ??= brickAction(rule);
    return { type, params: rule.params.parse(params) };
  };
  const guard = (ref: BrickRef) => {
    const { type, params } = brickOf(ref);
    const rule = rules.guard(type)!;
    guards[type] ??= (args: { context: Ctx; event: BrickEvent }, p: unknown) => rule.test({ context: args.context, event: args.event, params: p });
    return { type, params: rule.params.parse(params) };
  };
  const transitions = (list: ReturnType<typeof transitionsOf>, clearTimer: boolean) =>
    list.map((t) => ({
      ...(t.target !== undefined ? { target: t.target } : {}),
      ...(t.guard !== undefined ? { guard: guard(t.guard) } : {}),
      actions: [...(clearTimer ? ['__clearTimer'] : []), ...actionsOf(t.actions).map(action)],
    }));
  const states: Record<string, unknown> = { [NEW_STATE]: { on: { 'entity.created': def.initial } } };
  for (const [name, s] of Object.entries(def.states) as Array<[string, StateDefinition]>) {
    states[name] = {
      ...(s.type ? { type: s.type } : {}),
      ...(s.tags ? { tags: s.tags } : {}),
      ...(s.entry ? { entry: actionsOf(s.entry).map(action) } : {}),
      ...(s.exit ? { exit: actionsOf(s.exit).map(action) } : {}),
      ...(s.always ? { always: transitions(transitionsOf(s.always), false) } : {}),
      ...(s.on ? { on: Object.fromEntries(Object.entries(s.on).map(([event, t]) => [event, transitions(transitionsOf(t), event === 'timer.fired')])) } : {}),
    };
  }
  return (setup({ actions: actions as never, guards: guards as never }) as unknown as { createMachine(config: unknown): AnyStateMachine }).createMachine({
    id: key,
    context: ({ input }: { input: unknown }) => input as never,
    initial: NEW_STATE,
    on: { 'timer.fired': { actions: '__timerFired' } },
    states,
  });
}

type Ctx = Record<string, unknown> & { timers?: Record<string, string>; attributes?: Record<string, unknown>; sla?: SlaTable };

/** A brick as an XState action: it runs with a small API and turns what it did into assign + emit. */
function brickAction(rule: ActionRule<unknown>) {
  return enqueueActions(({ context, event, enqueue }, params: unknown) => {
    const ctx = context as Ctx;
    const updates: Record<string, unknown> = {};
    let attributes: Record<string, unknown> | undefined;
    let timers: Record<string, string> | undefined;
    const api: BrickApi = {
      set(field, value) {
        if (field === 'id') throw new Error(`rule ${rule.name} may not change the entity id`);
        updates[field] = value;
      },
      setAttribute(k, v) {
        attributes ??= { ...(ctx.attributes ?? {}) };
        attributes[k] = v;
      },
      startTimer(name, at) {
        timers ??= { ...(ctx.timers ?? {}) };
        timers[name] = at;
      },
      cancelTimer(name) {
        timers ??= { ...(ctx.timers ?? {}) };
        delete timers[name];
      },
      emit(effect: Effect) {
        enqueue.emit(effect as never);
      },
    };
    rule.run({ context: { ...ctx, ...updates }, event: event as BrickEvent, params }, api);
    if (attributes) updates.attributes = attributes;
    if (timers) updates.timers = timers;
    updates.updatedAt = (event as BrickEvent).at ?? ctx.updatedAt;
    enqueue.assign(updates);
  });
}

/** Root `timer.fired`: clears the timer; an SLA timer (`<name>.warn` / `.escalate`) raises its alert. */
const timerFired = enqueueActions(({ context, event, enqueue }) => {
  const ctx = context as Ctx;
  const name = String((event as BrickEvent).name);
  enqueue.assign({ timers: without(ctx.timers, name) });
  const m = /^(.*)\.(warn|escalate)$/.exec(name);
  const sla = m ? ctx.sla?.[m[1]!] : undefined;
  if (m && sla) {
    const escalate = m[2] === 'escalate';
    enqueue.emit({
      type: 'alert.raise',
      alert: sla.alert,
      severity: escalate ? 'critical' : 'warning',
      message: sla.message ?? `${m[1]}: ${escalate ? 'SLA breached' : 'running late'}`,
    } as never);
  }
});

function without(timers: Record<string, string> | undefined, name: string): Record<string, string> {
  const out = { ...(timers ?? {}) };
  delete out[name];
  return out;
}

