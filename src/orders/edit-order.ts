/** Order edits: a new destination or delivery type before fulfilment starts, sourcing the order again when the best plan changes. */
import type { OrderContext } from '../../actors/index.js';
import { DomainError } from '../domain/errors.js';
import type { Destination, Fulfilment, Shipment } from '../domain/order.js';
import { deliverEvent, openEntity, type Committed } from '../engine/index.js';
import { planSourcing, recordDecision, shortLineDetail, type SourcingAsk } from '../sourcing/index.js';
import type { OrderView } from './order-view.js';
import type { OrderPorts } from './orders.js';

/** What `PATCH /orders/:id` may change. */
export interface OrderEditRequest {
  deliverTo?: Destination;
  deliveryType?: 'home' | 'express';
  reason?: string;
}

/**
 * Changes an order's destination or delivery type while no fulfilment has been handed to a location. In one
 * step the order is planned again for the new destination, counting its own reservations as free: when the
 * best plan is the one it holds, nothing moves; otherwise the old reservations are released, the new plan
 * reserved, and the old fulfilments cancelled. Either way the decision is stored (`GET /orders/:id/sourcing`,
 * kind `edit`) and the order's workflow receives `order.edited` saying whether and why it was sourced again.
 * Refused with 409, changing nothing, once fulfilment has started, for a click & collect order, or when the
 * new destination cannot be sourced (`insufficient_stock`, the order keeps its plan).
 */
export function editOrder(ports: OrderPorts, id: string, edit: OrderEditRequest, by: string): Committed<OrderView> {
  const { engine, stock, orders } = ports;
  return engine.run((step) => {
    const order = openEntity(engine, 'order', id);
    const ctx = order.snapshot.context as OrderContext;
    const live = ctx.fulfilments.filter((f) => f.status !== 'cancelled' && f.status !== 'rejected');
    const started = live.filter((f) => f.status !== 'created');
    if (started.length > 0) {
      throw new DomainError(
        'invalid_state',
        `order ${id} is being fulfilled: its destination and delivery type can no longer change`,
        started.map((f) => ({ path: 'fulfilments', message: `${f.id} at ${f.location} is ${f.status}` })),
      );
    }
    if (ctx.deliveryType === 'collect') {
      throw new DomainError('invalid_state', `order ${id} is collected at ${ctx.collectAt}: cancel it and place a delivery order instead`, [{ path: 'deliveryType', message: 'a click & collect order cannot be edited' }]);
    }
    const deliverTo = edit.deliverTo ?? ctx.deliverTo;
    const deliveryType = edit.deliveryType ?? ctx.deliveryType;
    const holding: Shipment[] = live.map((f) => ({ location: f.location, lines: f.lines }));
    const ask: SourcingAsk = {
      lines: holding.flatMap((s) => s.lines),
      pool: ctx.pool,
      deliverTo,
      deliveryType,
      channel: ctx.channel,
      ...(ctx.value === undefined ? {} : { orderValue: ctx.value }),
      split: ctx.split,
      releasing: holding,
    };
    const planned = planSourcing(ports, ask, step.iso);
    if (!planned.ok) {
      throw new DomainError('insufficient_stock', `order ${id} cannot be sourced for the new destination (${planned.reason}); it keeps its plan`, planned.short.map((s) => shortLineDetail(s, ctx.pool)));
    }
    const kept = samePlan(planned.shipments, holding);
    const strategy = planned.decision.strategyId ?? 'none';
    const fulfilments: Fulfilment[] | undefined = kept
      ? undefined
      : planned.shipments.map((s, i) => ({ id: `${id}-${ctx.fulfilments.length + i + 1}`, location: s.location, lines: s.lines, status: 'created' }));
    const event = {
      type: 'order.edited',
      ...(edit.deliverTo ? { deliverTo } : {}),
      ...(edit.deliveryType ? { deliveryType } : {}),
      reason: edit.reason ?? 'edited',
      resourced: !kept,
      why: kept
        ? `the best plan for the new ${edit.deliverTo ? 'destination' : 'delivery type'} (strategy ${strategy}) is the one the order holds`
        : `strategy ${strategy} plans ${describe(planned.shipments)} instead of ${describe(holding)}`,
      ...(fulfilments ? { fulfilments } : {}),
      at: step.iso,
    };
    if (!order.snapshot.can(event as never)) {
      throw new DomainError('invalid_state', `order ${id} is ${String(order.snapshot.value)} and cannot be edited now`, [{ path: 'deliverTo', message: 'the order workflow does not take an edit in this state' }]);
    }
    // Validated: release the old plan before reserving the new one, which counted those units as free.
    if (fulfilments) {
      for (const s of holding) stock.release(step, s.location, id, s.lines);
      for (const f of fulfilments) stock.reserve(step, f.location, id, f.lines, ctx.pool);
    }
    deliverEvent(engine, step, order, event, { shownAs: 'edit' });
    recordDecision(engine, step, id, 'edit', ask, planned, (fulfilments ?? live).map((f) => f.id));
    return orders.get(id)!;
  }, by);
}

/** Whether two plans ship the same units from the same locations. */
function samePlan(a: readonly Shipment[], b: readonly Shipment[]): boolean {
  const ta = totals(a);
  const tb = totals(b);
  return ta.size === tb.size && [...ta].every(([k, n]) => tb.get(k) === n);
}

function totals(ss: readonly Shipment[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of ss) for (const l of s.lines) out.set(`${s.location}/${l.sku}`, (out.get(`${s.location}/${l.sku}`) ?? 0) + l.qty);
  return out;
}

function describe(ss: readonly Shipment[]): string {
  return ss.map((s) => `${s.location} (${s.lines.map((l) => `${l.qty} ${l.sku}`).join(', ')})`).join(' + ');
}
