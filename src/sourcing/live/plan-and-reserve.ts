import type { OrderContext } from '../../../actors/index.js';
import type { Fulfilment, OrderLine } from '../../domain/order.js';
import type { SourcingPorts } from './sourcing.js';
import { planSourcing, type ShortOrderLine, type SourcingAsk } from './plan-sourcing.js';
import { recordDecision } from './decisions.js';
import type { Step } from '../../engine/index.js';

/** Re-sourcing: lines an order still needs (`ref` is the order), and the number its next fulfilment gets. */
export interface ResourcingAsk extends SourcingAsk {
  ref: string;
  /** Number of the first fulfilment this plan creates (`<ref>-<n>`). */
  firstFulfilment: number;
}

export type ResourcingOutcome = { ok: true; fulfilments: Fulfilment[] } | { ok: false; short: ShortOrderLine[]; reason: string };

/**
 * Plans with the active sourcing profile and reserves the plan, inside a step (re-sourcing after a
 * rejection runs as an effect of the rejecting event, so it cannot wait for the worker pool: it solves
 * inline). Nothing changes when it fails; the decision is recorded with the order either way.
 */
export function planAndReserve(ports: SourcingPorts, step: Step, ask: ResourcingAsk): ResourcingOutcome {
  const planned = planSourcing(ports, ask, step.iso);
  if (!planned.ok) {
    recordDecision(ports.engine, step, ask.ref, 'resourcing', ask, planned);
    return { ok: false, short: planned.short, reason: planned.reason };
  }
  const fulfilments: Fulfilment[] = planned.shipments.map((s, i) => ({ id: `${ask.ref}-${ask.firstFulfilment + i}`, location: s.location, lines: s.lines, status: 'created' }));
  for (const f of fulfilments) ports.stock.reserve(step, f.location, ask.ref, f.lines, ask.pool);
  recordDecision(ports.engine, step, ask.ref, 'resourcing', ask, planned, fulfilments.map((f) => f.id));
  return { ok: true, fulfilments };
}

/**
 * The ask that sources more lines for an existing order: its pool, destination and channel, splitting allowed
 * (the order is already in parts), fulfilments numbered after its last one. Re-sourcing after a rejection
 * excludes the rejecting locations; allocation on arrival excludes none.
 */
export function orderResourcingAsk(ctx: OrderContext, lines: OrderLine[], exclude: readonly string[] = []): ResourcingAsk {
  return {
    ref: ctx.id,
    lines,
    pool: ctx.pool,
    deliverTo: ctx.deliverTo,
    deliveryType: ctx.deliveryType,
    channel: ctx.channel,
    ...(ctx.value === undefined ? {} : { orderValue: ctx.value }),
    split: { ...ctx.split, allowed: true, maxShipments: Math.max(ctx.split.maxShipments, 1) },
    ...(exclude.length > 0 ? { exclude: new Set(exclude) } : {}),
    // An order collected at a store is sourced there, and nowhere else.
    ...(ctx.deliveryType === 'collect' && ctx.collectAt !== undefined ? { onlyAt: ctx.collectAt } : {}),
    firstFulfilment: ctx.fulfilments.length + 1,
  };
}
