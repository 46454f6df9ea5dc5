import type { HoldContext, OrderContext } from '../../actors/index.js';
import { DomainError, type ErrorDetail } from '../domain/errors.js';
import { DEFAULT_SPLIT_POLICY, type Destination, type Fulfilment, type OrderLine, type SplitPolicy } from '../domain/order.js';
import type { Engine } from './engine.js';
import { activeHold } from './holds.js';
import type { OrderView } from './order-view.js';
import type { Committed } from './step.js';
import { stockView } from './stock-view.js';

/** An order as intake receives it, already validated for shape at the edge. */
export interface PlaceOrder {
  ref?: string;
  channel?: string;
  pool?: string;
  customer: { id: string; [k: string]: unknown };
  deliverTo: Destination;
  deliveryType?: string;
  collectAt?: string;
  lines: OrderLine[];
  split?: { allowed: boolean; maxShipments?: number; splitLines?: boolean };
  attributes?: Record<string, unknown>;
  /** A cart hold to consume: its units count as free for this order, and it ends as consumed. */
  holdId?: string;
}

/**
 * Sources and reserves an order in one synchronous step: either every line is reserved and the order exists,
 * or nothing changed and a DomainError says why (`insufficient_stock` names the short lines).
 */
export function placeOrder(engine: Engine, cmd: PlaceOrder, createdBy: string, options: { anyHold?: boolean } = {}): Committed<OrderView> {
  return engine.run((step) => {
    const pool = cmd.pool ?? 'default';
    checkReferences(engine, cmd, pool);
    const split = splitPolicy(cmd.split);
    const hold = cmd.holdId === undefined ? undefined : activeHold(engine, cmd.holdId, { keyId: createdBy, anyOwner: options.anyHold ?? false });
    const releasing = hold ? (hold.snapshot.context as HoldContext).allocations : [];
    const placed = engine.placement.place(
      {
        lines: cmd.lines,
        deliverTo: cmd.deliverTo,
        split,
        pool,
        ...(cmd.deliveryType === 'collect' && cmd.collectAt !== undefined ? { onlyAt: cmd.collectAt } : {}),
      },
      stockView(engine, releasing),
    );
    if (!placed.ok) {
      engine.counters.ordersRejected++;
      throw new DomainError(
        'insufficient_stock',
        `order cannot be sourced: ${placed.reason}`,
        placed.short.map((s) => ({
          path: `lines[${s.line}]`,
          message: `${s.sku}: ${s.requested} requested, ${s.available} available in pool ${pool}`,
          sku: s.sku,
          requested: s.requested,
          available: s.available,
        })),
      );
    }
    const id = engine.orderIds.next(step.at);
    // Consuming the hold gives its units back in this same step, just before the order reserves: nothing
    // else can take them in between, and the plan above already counted them as free.
    if (hold && !engine.send(step, hold, { type: 'hold.consumed', orderId: id, at: step.iso })) {
      throw new DomainError('invalid_state', `hold ${cmd.holdId} can no longer be consumed`);
    }
    const fulfilments: Fulfilment[] = placed.shipments.map((s, i) => ({ id: `${id}-${i + 1}`, location: s.location, lines: s.lines, status: 'created' }));
    // Reserve first: a location refusing now would mean the index and the actors disagree, which is fatal.
    for (const f of fulfilments) engine.reserve(step, f.location, id, f.lines);
    const input: OrderContext = {
      id,
      channel: cmd.channel ?? 'default',
      pool,
      customer: cmd.customer,
      deliverTo: cmd.deliverTo,
      deliveryType: cmd.deliveryType ?? 'home',
      lines: cmd.lines,
      split,
      attributes: cmd.attributes ?? {},
      createdAt: step.iso,
      createdBy,
      updatedAt: step.iso,
      fulfilments,
    };
    if (cmd.ref !== undefined) input.ref = cmd.ref;
    if (cmd.collectAt !== undefined) input.collectAt = cmd.collectAt;
    if (cmd.holdId !== undefined) input.holdId = cmd.holdId;
    engine.createOrder(step, 'reserved', input);
    engine.counters.ordersPlaced++;
    return engine.order(id)!;
  });
}

/** The order's split policy: what it asked for, else the default; no split means one shipment. */
export function splitPolicy(asked: PlaceOrder['split']): SplitPolicy {
  if (!asked) return DEFAULT_SPLIT_POLICY;
  if (!asked.allowed) return { allowed: false, maxShipments: 1, splitLines: false };
  return {
    allowed: true,
    maxShipments: asked.maxShipments ?? DEFAULT_SPLIT_POLICY.maxShipments,
    splitLines: asked.splitLines ?? DEFAULT_SPLIT_POLICY.splitLines,
  };
}

function checkReferences(engine: Engine, cmd: PlaceOrder, pool: string): void {
  const details: ErrorDetail[] = [];
  if (!engine.index.pool(pool)) details.push({ path: 'pool', message: `unknown pool '${pool}'` });
  cmd.lines.forEach((l, i) => {
    if (!engine.catalog.has(l.sku)) details.push({ path: `lines[${i}].sku`, message: `unknown SKU '${l.sku}'` });
  });
  if (cmd.collectAt !== undefined && !engine.location(cmd.collectAt)) {
    details.push({ path: 'collectAt', message: `unknown location '${cmd.collectAt}'` });
  }
  if (details.length > 0) throw new DomainError('invalid_request', 'the order names things Fulcrum does not know', details);
}
