import type { OrderContext } from '../../actors/index.js';
import { DomainError } from '../domain/errors.js';
import { checkExternalEvent, deliverEvent, openEntity, type Committed, type Engine, type EntityKind, type EventEndpoint } from '../engine/index.js';
import type { OrderView } from './order-view.js';
import type { Orders } from './orders.js';

/** An order's commands with endpoints of their own, which refusals name beside the events it accepts. */
function orderEndpoints(id: string): EventEndpoint[] {
  return [{ event: 'order.cancelled', command: 'cancel', endpoint: `POST /orders/${id}/cancel` }];
}

/** Delivers an event from another system to an order (`POST /orders/:id/events`). */
export function sendOrderEvent({ engine, orders }: { engine: Engine; orders: Orders }, id: string, event: { type: string; [k: string]: unknown }, by = 'system'): Committed<OrderView> {
  checkExternalEvent(event.type);
  return engine.run((step) => {
    const entry = openEntity(engine, 'order', id);
    const ctx = entry.snapshot.context as OrderContext;
    if (typeof event.fulfilmentId === 'string' && !ctx.fulfilments.some((f) => f.id === event.fulfilmentId)) {
      throw new DomainError('invalid_request', `order ${id} has no fulfilment '${event.fulfilmentId}'`, [
        { path: 'fulfilmentId', message: `not one of: ${ctx.fulfilments.map((f) => f.id).join(', ')}` },
      ]);
    }
    deliverEvent(engine, step, entry, event, { endpoints: orderEndpoints(id) });
    return orders.get(id)!;
  }, by);
}

/** Cancels an order, releasing what it holds. */
export function cancelOrder({ engine, orders }: { engine: Engine; orders: Orders }, id: string, reason: string, by = 'system'): Committed<OrderView> {
  return engine.run((step) => {
    deliverEvent(engine, step, openEntity(engine, 'order', id), { type: 'order.cancelled', reason }, { shownAs: 'cancel', endpoints: orderEndpoints(id) });
    return orders.get(id)!;
  }, by);
}

/** Delivers an event from another system to a fulfilment, return or transfer. */
export function sendEntityEvent({ engine }: { engine: Engine }, kind: Exclude<EntityKind, 'order' | 'alert' | 'hold'>, id: string, event: { type: string; [k: string]: unknown }, by = 'system'): Committed<{ kind: string; id: string }> {
  checkExternalEvent(event.type);
  return engine.run((step) => {
    deliverEvent(engine, step, openEntity(engine, kind, id), event);
    return { kind, id };
  }, by);
}
