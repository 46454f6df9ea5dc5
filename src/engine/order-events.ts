import type { Snapshot } from 'xstate';
import type { OrderContext } from '../../actors/index.js';
import { DomainError } from '../domain/errors.js';
import type { Engine } from './engine.js';
import type { OrderView } from './order-view.js';
import type { OrderEntry } from './registry.js';
import type { Committed } from './step.js';

/** Event types only the engine may send: intake and cancellation go through their own endpoints. */
const INTERNAL_PREFIX = 'order.';

type OrderSnapshot = Snapshot<unknown> & {
  context: OrderContext;
  value: unknown;
  can(event: { type: string }): boolean;
  _nodes: Array<{ ownEvents: string[] }>;
};

/** Delivers an event from another system to an order (`POST /orders/:id/events`). */
export function sendOrderEvent(engine: Engine, id: string, event: { type: string; [k: string]: unknown }): Committed<OrderView> {
  if (event.type.startsWith(INTERNAL_PREFIX)) {
    throw new DomainError('invalid_request', `events named '${INTERNAL_PREFIX}*' are reserved for Fulcrum itself`, [
      { path: 'type', message: `'${event.type}' cannot be sent from outside; use the order's endpoints` },
    ]);
  }
  return engine.run((step) => {
    const entry = liveOrder(engine, id);
    const snap = entry.snapshot as unknown as OrderSnapshot;
    if (typeof event.fulfilmentId === 'string' && !snap.context.fulfilments.some((f) => f.id === event.fulfilmentId)) {
      throw new DomainError('invalid_request', `order ${id} has no fulfilment '${event.fulfilmentId}'`, [
        { path: 'fulfilmentId', message: `not one of: ${snap.context.fulfilments.map((f) => f.id).join(', ')}` },
      ]);
    }
    const full = { ...event, at: step.iso };
    if (!snap.can(full) || !engine.send(step, entry, full)) throw notAccepted(id, snap, event.type);
    return engine.order(id)!;
  });
}

/** Cancels an order, releasing what it holds. */
export function cancelOrder(engine: Engine, id: string, reason: string): Committed<OrderView> {
  return engine.run((step) => {
    const entry = liveOrder(engine, id);
    const snap = entry.snapshot as unknown as OrderSnapshot;
    if (!engine.send(step, entry, { type: 'order.cancelled', reason, at: step.iso })) throw notAccepted(id, snap, 'cancel');
    return engine.order(id)!;
  });
}

function liveOrder(engine: Engine, id: string): OrderEntry {
  const entry = engine.registry.orders.get(id);
  if (entry) return entry;
  const stored = engine.order(id);
  if (!stored) throw new DomainError('not_found', `no order '${id}'`);
  throw new DomainError('invalid_state', `order ${id} is ${stored.status} and takes no more events`, [
    { message: 'accepted events', accepted: [] },
  ]);
}

function notAccepted(id: string, snap: OrderSnapshot, what: string): DomainError {
  const accepted = [...new Set(snap._nodes.flatMap((n) => n.ownEvents))]
    .map((t) => (t === 'order.cancelled' ? 'cancel' : t))
    .filter((t) => !t.startsWith(INTERNAL_PREFIX) && t !== '*')
    .sort();
  const status = typeof snap.value === 'string' ? snap.value : JSON.stringify(snap.value);
  return new DomainError('invalid_state', `order ${id} is ${status} and cannot take '${what}' now`, [
    { message: `accepted now: ${accepted.join(', ') || 'none'}`, accepted },
  ]);
}
