import { enqueueActions, setup, type AnyStateMachine } from 'xstate';
import type { Effect } from '../domain/effects.js';
import type { Fulfilment, OrderLine } from '../domain/order.js';
import { applyEdit, cancelLines, subtractLines, type FulfilmentCut, type OrderEdit } from '../domain/order-changes.js';
import { answerRefund, type Refund } from '../domain/refunds.js';
import type { WaitingLine } from '../domain/supply.js';
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
 * actions), and root handling of `timer.fired` that clears the fired timer and raises SLA alerts. Order and
 * fulfilment machines also keep their books on a partial cancellation or an edit whatever state they are in
 * (the commands decide when one is allowed); a state that handles one of those events itself gets the same
 * bookkeeping first, as `timer.fired` gets its timer cleared.
 */
export function compileWorkflow(key: string, def: WorkflowDefinition, rules: RuleRegistry): AnyStateMachine {
  const actions: Record<string, unknown> = {
    __timerFired: timerFired,
    __cancelLines: enqueueActions(({ context, event, enqueue }) => {
      const e = event as BrickEvent & { cuts: FulfilmentCut[]; waitingCut?: WaitingLine[] };
      const waitingCut = e.waitingCut ?? [];
      let waiting = (context as { waiting?: WaitingLine[] }).waiting;
      for (const w of waitingCut) waiting = lessWaiting(waiting ?? [], w.inbound, w.sku, w.qty);
      enqueue.assign({ ...cancelLines(context as unknown as OrderBooks, e.cuts, waitingCut), ...(waitingCut.length > 0 ? { waiting } : {}), updatedAt: e.at });
    }),
    __applyEdit: enqueueActions(({ context, event, enqueue }) => {
      const e = event as BrickEvent & OrderEdit;
      enqueue.assign({ ...applyEdit(context as unknown as OrderBooks, e), updatedAt: e.at });
    }),
    __shrinkFulfilment: enqueueActions(({ context, event, enqueue }) => {
      const e = event as BrickEvent & { lines: OrderLine[] };
      enqueue.assign({ lines: subtractLines((context as { lines: OrderLine[] }).lines, e.lines), updatedAt: e.at });
    }),
    __recordRefund: enqueueActions(({ context, event, enqueue }) => {
      const ctx = context as Ctx & { orderId?: string; refunds?: Refund[] };
      const refund = (event as BrickEvent & { refund: Refund }).refund;
      enqueue.assign({ refunds: [...(ctx.refunds ?? []), refund], updatedAt: (event as BrickEvent).at });
      if (refund.settledBy === undefined) enqueue.emit({ type: 'webhook', event: 'refund.requested', data: { returnId: ctx.id, orderId: ctx.orderId, refund } } as never);
    }),
    __supplyWaiting: enqueueActions(({ context, event, enqueue }) => {
      const ctx = context as Ctx & { waiting?: WaitingLine[]; backorder?: string };
      // A fact changes the context (an event that changes nothing is not taken): the time it was recorded.
      enqueue.assign({ updatedAt: (event as BrickEvent).at });
      enqueue.emit({ type: 'webhook', event: 'order.waiting', data: { orderId: ctx.id, waiting: ctx.waiting ?? [], backorder: ctx.backorder } } as never);
    }),
    __supplyAllocated: enqueueActions(({ context, event, enqueue }) => {
      const ctx = context as Ctx & { fulfilments: Fulfilment[]; waiting?: WaitingLine[] };
      const e = event as BrickEvent & { sku: string; qty: number; inbound: string; fulfilments: Fulfilment[] };
      const waiting = lessWaiting(ctx.waiting ?? [], e.inbound, e.sku, e.qty);
      enqueue.assign({ fulfilments: [...ctx.fulfilments, ...e.fulfilments], waiting, updatedAt: e.at });
      enqueue.emit({ type: 'webhook', event: 'order.allocated', data: { orderId: ctx.id, sku: e.sku, qty: e.qty, inbound: e.inbound, fulfilments: e.fulfilments, waiting } } as never);
    }),
    __supplyRepromised: enqueueActions(({ context, event, enqueue }) => {
      const ctx = context as Ctx & { waiting?: WaitingLine[] };
      const e = event as BrickEvent & { inbound: string; sku: string; qty: number; to: string; promisedAt: string };
      const waiting = [...lessWaiting(ctx.waiting ?? [], e.inbound, e.sku, e.qty), ...(e.to ? [{ ...(ctx.waiting ?? []).find((w) => w.inbound === e.inbound && w.sku === e.sku)!, qty: e.qty, inbound: e.to, promisedAt: e.promisedAt }] : [])];
      enqueue.assign({ waiting, updatedAt: e.at });
      enqueue.emit({ type: 'webhook', event: 'order.repromised', data: { orderId: ctx.id, sku: e.sku, qty: e.qty, from: e.inbound, to: e.to, promisedAt: e.promisedAt, waiting } } as never);
    }),
    __supplyUnfulfillable: enqueueActions(({ context, event, enqueue }) => {
      const ctx = context as Ctx & { waiting?: WaitingLine[]; unfulfillable?: WaitingLine[] };
      const e = event as BrickEvent & { inbound: string; sku: string; qty: number };
      const line = (ctx.waiting ?? []).find((w) => w.inbound === e.inbound && w.sku === e.sku);
      enqueue.assign({ waiting: lessWaiting(ctx.waiting ?? [], e.inbound, e.sku, e.qty), unfulfillable: [...(ctx.unfulfillable ?? []), ...(line ? [{ ...line, qty: e.qty }] : [])], updatedAt: e.at });
      enqueue.emit({ type: 'alert.raise', alert: 'order-unfulfillable', severity: 'critical', message: `${e.qty} x ${e.sku} waited on inbound ${e.inbound}, which was cancelled, and no other supply can be promised` } as never);
      enqueue.emit({ type: 'webhook', event: 'order.unfulfillable', data: { orderId: ctx.id, sku: e.sku, qty: e.qty, inbound: e.inbound } } as never);
    }),
    __recordExchange: enqueueActions(({ context, event, enqueue }) => {
      const ctx = context as Ctx & { orderId?: string; exchange?: Record<string, unknown> };
      const e = event as BrickEvent & { orderId?: string; reason?: string };
      const placed = e.type === 'return.exchange_placed';
      const exchange = placed ? { ...ctx.exchange, status: 'placed', orderId: e.orderId, placedAt: e.at } : { ...ctx.exchange, status: 'failed', failure: e.reason };
      enqueue.assign({ exchange, updatedAt: e.at });
      enqueue.emit({ type: 'webhook', event: placed ? 'return.exchange.placed' : 'return.exchange.failed', data: { returnId: ctx.id, orderId: ctx.orderId, exchange } } as never);
      if (!placed) {
        const message = `The replacement order could not be placed (${e.reason ?? 'refused'}): the returned units will be refunded instead`;
        enqueue.emit({ type: 'alert.raise', alert: 'exchange-failed', severity: 'warning', message } as never);
      }
    }),
    __refundAnswered: enqueueActions(({ context, event, enqueue }) => {
      const e = event as BrickEvent & { refundId?: string; reason?: string };
      enqueue.assign({ refunds: answerRefund(((context as { refunds?: Refund[] }).refunds ?? []), e), updatedAt: e.at });
    }),
    __recordDelivery: enqueueActions(({ event, enqueue }) => {
      const at = (event as BrickEvent).at;
      if (typeof at === 'string') enqueue.assign({ deliveredAt: at });
    }),
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
  const bookkeeping: Record<string, string> = key.startsWith('order/')
    ? {
        'order.lines_cancelled': '__cancelLines',
        'order.edited': '__applyEdit',
        'order.waiting': '__supplyWaiting',
        'order.allocated': '__supplyAllocated',
        'order.repromised': '__supplyRepromised',
        'order.unfulfillable': '__supplyUnfulfillable',
        'timer.fired': '__clearTimer',
      }
    : key.startsWith('fulfilment/')
      ? { 'fulfilment.lines_cancelled': '__shrinkFulfilment', 'timer.fired': '__clearTimer' }
      : key.startsWith('return/')
        ? { 'return.refund_planned': '__recordRefund', 'return.exchange_placed': '__recordExchange', 'return.exchange_failed': '__recordExchange', 'timer.fired': '__clearTimer' }
        : { 'timer.fired': '__clearTimer' };
  // Only where the workflow takes the event: an order records when it was delivered (return windows count
  // from it), without making `delivered` acceptable in states that do not take it.
  const onTaken: Record<string, string> = key.startsWith('order/')
    ? { delivered: '__recordDelivery' }
    : key.startsWith('return/')
      ? { 'refund.completed': '__refundAnswered', 'refund.failed': '__refundAnswered' }
      : {};
  const transitions = (list: ReturnType<typeof transitionsOf>, event: string | undefined) =>
    list.map((t) => ({
      ...(t.target !== undefined ? { target: t.target } : {}),
      ...(t.guard !== undefined ? { guard: guard(t.guard) } : {}),
      actions: [
        ...(event && bookkeeping[event] ? [bookkeeping[event]] : []),
        ...(event && onTaken[event] ? [onTaken[event]] : []),
        ...actionsOf(t.actions).map(action),
      ],
    }));
  const states: Record<string, unknown> = { [NEW_STATE]: { on: { 'entity.created': def.initial } } };
  for (const [name, s] of Object.entries(def.states) as Array<[string, StateDefinition]>) {
    states[name] = {
      ...(s.type ? { type: s.type } : {}),
      ...(s.tags ? { tags: s.tags } : {}),
      ...(s.entry ? { entry: actionsOf(s.entry).map(action) } : {}),
      ...(s.exit ? { exit: actionsOf(s.exit).map(action) } : {}),
      ...(s.always ? { always: transitions(transitionsOf(s.always), undefined) } : {}),
      ...(s.on ? { on: Object.fromEntries(Object.entries(s.on).map(([event, t]) => [event, transitions(transitionsOf(t), event)])) } : {}),
    };
  }
  return (setup({ actions: actions as never, guards: guards as never }) as unknown as { createMachine(config: unknown): AnyStateMachine }).createMachine({
    id: key,
    context: ({ input }: { input: unknown }) => input as never,
    initial: NEW_STATE,
    on: {
      'timer.fired': { actions: '__timerFired' },
      ...Object.fromEntries(Object.entries(bookkeeping).filter(([event]) => event !== 'timer.fired').map(([event, act]) => [event, { actions: act }])),
    },
    states,
  });
}

/** What an order's context holds that partial cancellations and edits change. */
type OrderBooks = { lines: OrderLine[]; fulfilments: Fulfilment[]; cancelledLines?: OrderLine[]; deliverTo: OrderEdit['deliverTo'] & object; deliveryType: string };

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

/** Waiting lines less `qty` units of a SKU on one inbound (lines left with nothing are dropped). */
function lessWaiting(waiting: readonly WaitingLine[], inbound: string, sku: string, qty: number): WaitingLine[] {
  let left = qty;
  const out: WaitingLine[] = [];
  for (const w of waiting) {
    if (left > 0 && w.inbound === inbound && w.sku === sku) {
      const take = Math.min(left, w.qty);
      left -= take;
      if (w.qty > take) out.push({ ...w, qty: w.qty - take });
    } else out.push(w);
  }
  return out;
}

function without(timers: Record<string, string> | undefined, name: string): Record<string, string> {
  const out = { ...(timers ?? {}) };
  delete out[name];
  return out;
}

