import type { OrderContext } from '../../actors/index.js';
import { DomainError, type ErrorDetail } from '../domain/errors.js';
import { quantitiesBySku, type Fulfilment, type OrderLine } from '../domain/order.js';
import { ENTITY_NEW_STATE, type Committed, type Engine } from '../engine/index.js';
import type { Returns } from './returns.js';

/** What returns need of a Fulcrum. */
export interface ReturnPorts {
  engine: Engine;
  returns: Returns;
}

/** A return request (`POST /returns`). */
export interface CreateReturn {
  orderId: string;
  lines: OrderLine[];
  reason: string;
}

/** Fulfilment statuses whose units have left the location for the customer, and so can come back. */
export const SHIPPED_STATUSES: ReadonlySet<string> = new Set(['shipped', 'collected', 'delivered']);

/** The units of an order that left for the customer, per SKU. */
export function shippedUnits(fulfilments: readonly Fulfilment[]): Map<string, number> {
  return quantitiesBySku(fulfilments.filter((f) => SHIPPED_STATUSES.has(f.status)).flatMap((f) => f.lines));
}

/**
 * Opens a return for lines of an order; it runs the active return workflow (receive, inspect, restock, refund).
 * Each SKU may ask back at most what shipped minus what the order's other returns (open or finished, not
 * cancelled) already claim. The check and the new claim happen in one step, so concurrent returns of one
 * order cannot both pass it.
 */
export function createReturn({ engine, returns }: ReturnPorts, cmd: CreateReturn, createdBy: string): Committed<{ id: string }> {
  return engine.run((step) => {
    const order = engine.entityState('order', cmd.orderId);
    if (!order) throw new DomainError('not_found', `no order '${cmd.orderId}'`, [{ path: 'orderId', message: 'unknown order' }]);
    const ctx = order.state.context as OrderContext;
    const shipped = shippedUnits(ctx.fulfilments ?? []);
    if (shipped.size === 0) {
      throw new DomainError('invalid_state', `order '${cmd.orderId}' has shipped nothing yet: only shipped or collected units can be returned`, [
        { path: 'orderId', message: 'nothing shipped' },
      ]);
    }
    const claimed = returns.claimed(cmd.orderId);
    const asked = quantitiesBySku(cmd.lines);
    const problems: ErrorDetail[] = [];
    const reported = new Set<string>();
    cmd.lines.forEach((l, i) => {
      const returnable = (shipped.get(l.sku) ?? 0) - (claimed.get(l.sku) ?? 0);
      const want = asked.get(l.sku) ?? 0;
      if (want > returnable && !reported.has(l.sku)) {
        reported.add(l.sku);
        const why = `${shipped.get(l.sku) ?? 0} shipped, ${claimed.get(l.sku) ?? 0} already in other returns`;
        problems.push({ path: `lines[${i}]`, message: `${l.sku}: ${want} to return, ${Math.max(0, returnable)} returnable (${why})` });
      }
    });
    if (problems.length > 0) throw new DomainError('invalid_request', 'the return asks for more than was shipped and not yet returned', problems);
    const machine = engine.workflows?.select('return', { channel: ctx.channel, deliveryType: ctx.deliveryType, attributes: ctx.attributes });
    if (!machine) throw new DomainError('unavailable', 'no return workflow is active');
    const id = engine.ids.next('return', step.at);
    const context = { id, orderId: cmd.orderId, lines: cmd.lines, reason: cmd.reason, customer: ctx.customer, createdAt: step.iso, createdBy, updatedAt: step.iso, timers: {}, attributes: {} };
    const entry = engine.createEntity(step, 'return', machine, ENTITY_NEW_STATE, context);
    engine.send(step, entry, { type: 'entity.created', at: step.iso });
    return { id };
  }, createdBy);
}
