import type { OrderContext } from '../../actors/index.js';
import { DomainError } from '../domain/errors.js';
import { checkExternalEvent, deliverEvent, openEntity } from './entity-events.js';
import type { Engine } from './engine.js';
import type { EntityKind } from './registry.js';
import type { OrderView } from './order-view.js';
import type { Committed } from './step.js';

/** Delivers an event from another system to an order (`POST /orders/:id/events`). */
export function sendOrderEvent(engine: Engine, id: string, event: { type: string; [k: string]: unknown }): Committed<OrderView> {
  checkExternalEvent(event.type);
  return engine.run((step) => {
    const entry = openEntity(engine, 'order', id);
    const ctx = entry.snapshot.context as OrderContext;
    if (typeof event.fulfilmentId === 'string' && !ctx.fulfilments.some((f) => f.id === event.fulfilmentId)) {
      throw new DomainError('invalid_request', `order ${id} has no fulfilment '${event.fulfilmentId}'`, [
        { path: 'fulfilmentId', message: `not one of: ${ctx.fulfilments.map((f) => f.id).join(', ')}` },
      ]);
    }
    deliverEvent(engine, step, entry, event);
    return engine.order(id)!;
  });
}

/** Cancels an order, releasing what it holds. */
export function cancelOrder(engine: Engine, id: string, reason: string): Committed<OrderView> {
  return engine.run((step) => {
    deliverEvent(engine, step, openEntity(engine, 'order', id), { type: 'order.cancelled', reason }, 'cancel');
    return engine.order(id)!;
  });
}

/** Delivers an event from another system to a fulfilment, return or transfer. */
export function sendEntityEvent(engine: Engine, kind: Exclude<EntityKind, 'order' | 'alert' | 'hold'>, id: string, event: { type: string; [k: string]: unknown }): Committed<{ kind: string; id: string }> {
  checkExternalEvent(event.type);
  return engine.run((step) => {
    deliverEvent(engine, step, openEntity(engine, kind, id), event);
    return { kind, id };
  });
}
