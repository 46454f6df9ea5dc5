import type { OrderContext } from '../../actors/index.js';
import { DomainError, type ErrorDetail } from '../domain/errors.js';
import { quantitiesBySku, type OrderLine } from '../domain/order.js';
import { ENTITY_NEW_STATE, type Committed, type Engine } from '../engine/index.js';

/** A return request (`POST /returns`). */
export interface CreateReturn {
  orderId: string;
  lines: OrderLine[];
  reason: string;
}

/** Opens a return for lines of an order; it runs the active return workflow (receive, inspect, restock, refund). */
export function createReturn({ engine }: { engine: Engine }, cmd: CreateReturn, createdBy: string): Committed<{ id: string }> {
  return engine.run((step) => {
    const order = engine.entityState('order', cmd.orderId);
    if (!order) throw new DomainError('not_found', `no order '${cmd.orderId}'`, [{ path: 'orderId', message: 'unknown order' }]);
    const ctx = order.state.context as OrderContext;
    const ordered = quantitiesBySku(ctx.lines);
    const asked = quantitiesBySku(cmd.lines);
    const problems: ErrorDetail[] = [];
    cmd.lines.forEach((l, i) => {
      const max = ordered.get(l.sku) ?? 0;
      if ((asked.get(l.sku) ?? 0) > max) problems.push({ path: `lines[${i}]`, message: `${l.sku}: ${asked.get(l.sku)} to return, the order has ${max}` });
    });
    if (problems.length > 0) throw new DomainError('invalid_request', 'the return names more than the order holds', problems);
    const machine = engine.workflows?.select('return', { channel: ctx.channel, deliveryType: ctx.deliveryType, attributes: ctx.attributes });
    if (!machine) throw new DomainError('unavailable', 'no return workflow is active');
    const id = engine.ids.next('return', step.at);
    const context = { id, orderId: cmd.orderId, lines: cmd.lines, reason: cmd.reason, customer: ctx.customer, createdAt: step.iso, createdBy, updatedAt: step.iso, timers: {}, attributes: {} };
    const entry = engine.createEntity(step, 'return', machine, ENTITY_NEW_STATE, context);
    engine.send(step, entry, { type: 'entity.created', at: step.iso });
    return { id };
  }, createdBy);
}
