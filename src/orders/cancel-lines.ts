/** Partial cancellation: some units of an order cancelled before they ship, their reservation given back at once. */
import type { OrderContext } from '../../actors/index.js';
import { DomainError } from '../domain/errors.js';
import { CANCELLABLE_STATUSES, planCancel, type FulfilmentCut } from '../domain/order-changes.js';
import type { OrderLine } from '../domain/order.js';
import type { WaitingLine } from '../domain/supply.js';
import { deliverEvent, openEntity, type Committed, type EntityEntry } from '../engine/index.js';
import type { OrderView } from './order-view.js';
import type { OrderPorts } from './orders.js';

/**
 * Cancels `lines` (units per SKU) of an order, taken from fulfilments that have not shipped: the least
 * advanced first. In one step: the units go back to their locations' shelves, each fulfilment that gave
 * some up shrinks (or, emptied, is cancelled), and the order's workflow receives `order.lines_cancelled`.
 * Asking for every unit left of an order that shipped nothing is a whole cancellation (`order.cancelled`).
 * Refused with 409 `invalid_state`, changing nothing, when the order is finished, when a line asks for more
 * than has not shipped, or when a fulfilment's workflow state cannot take the change.
 */
export function cancelOrderLines(ports: Pick<OrderPorts, 'engine' | 'stock' | 'orders'>, id: string, lines: OrderLine[], reason: string, by: string): Committed<OrderView> {
  const { engine, stock, orders } = ports;
  return engine.run((step) => {
    const order = openEntity(engine, 'order', id);
    const ctx = order.snapshot.context as OrderContext;
    // Units still waiting on inbound supply go first: they are the least advanced of all.
    const { waitingCut, rest } = cutWaiting(ctx.waiting ?? [], lines);
    const plan = planCancel(ctx.fulfilments, rest);
    if ('short' in plan) {
      throw new DomainError(
        'invalid_state',
        `order ${id} has fewer units left to cancel than asked: units that shipped, or are not allocated to a location, cannot be cancelled`,
        plan.short.map((s) => ({ path: `lines[${s.index}].qty`, message: `${s.asked} asked, ${s.cancellable} of '${s.sku}' not yet shipped` })),
      );
    }
    if (cancelsEverything(ctx, lines)) {
      deliverEvent(engine, step, order, { type: 'order.cancelled', reason }, { shownAs: 'cancel' });
      return orders.get(id)!;
    }
    const notices = plan.cuts.map((cut) => fulfilmentNotice(ports, ctx, cut));
    const event = { type: 'order.lines_cancelled', lines, cuts: plan.cuts, ...(waitingCut.length > 0 ? { waitingCut } : {}), reason, at: step.iso };
    if (!order.snapshot.can(event as never)) {
      throw new DomainError('invalid_state', `order ${id} is ${String(order.snapshot.value)} and its lines cannot be cancelled now`, [{ path: 'lines', message: 'the order workflow does not take a partial cancellation in this state' }]);
    }
    // Validated: from here every change must be accepted (a refusal would be fatal, and is a bug).
    for (const cut of plan.cuts) stock.release(step, cut.location, id, cut.lines);
    if (waitingCut.length > 0) orders.waiting!.unclaim(step, id, waitingCut);
    for (const n of notices) if (n && !engine.send(step, n.entry, { ...n.event, at: step.iso })) throw new Error(`fulfilment ${n.entry.id} refused ${n.event.type} it could take`);
    deliverEvent(engine, step, order, event, { shownAs: 'cancel' });
    return orders.get(id)!;
  }, by);
}

/** Whether `lines` is every unit the order has left and nothing has shipped: then the whole order is cancelled. */
function cancelsEverything(ctx: OrderContext, lines: OrderLine[]): boolean {
  const open = ctx.fulfilments.filter((f) => CANCELLABLE_STATUSES.includes(f.status));
  const done = ctx.fulfilments.some((f) => f.status !== 'cancelled' && f.status !== 'rejected' && !CANCELLABLE_STATUSES.includes(f.status));
  const units = (ls: ReadonlyArray<{ qty: number }>) => ls.reduce((n, l) => n + l.qty, 0);
  return !done && units(ctx.lines) === units(lines) && units(open.flatMap((f) => f.lines)) + units(ctx.waiting ?? []) === units(lines);
}

/** Takes the asked units from the order's waiting lines first (latest promise first); what is left comes from fulfilments. */
function cutWaiting(waiting: readonly WaitingLine[], asked: readonly OrderLine[]): { waitingCut: WaitingLine[]; rest: OrderLine[] } {
  const waitingCut: WaitingLine[] = [];
  const rest: OrderLine[] = [];
  const byLatest = [...waiting].sort((a, b) => (a.promisedAt < b.promisedAt ? 1 : a.promisedAt > b.promisedAt ? -1 : 0));
  const left = new Map(byLatest.map((w, i) => [i, w.qty]));
  for (const l of asked) {
    let need = l.qty;
    byLatest.forEach((w, i) => {
      if (need === 0 || w.sku !== l.sku) return;
      const take = Math.min(need, left.get(i)!);
      if (take === 0) return;
      left.set(i, left.get(i)! - take);
      need -= take;
      waitingCut.push({ ...w, qty: take });
    });
    // Kept when 0, so that a refusal names the line by its index in the request.
    rest.push({ sku: l.sku, qty: need });
  }
  return { waitingCut, rest };
}

/**
 * What a fulfilment already handed to its location is told: `fulfilment.lines_cancelled` with the units it
 * gives up, or `cancelled` when it gives up all of them. A fulfilment still only reserved (`created`) is
 * not an entity yet: the order's own books are enough. A state that cannot take it refuses the whole change.
 */
function fulfilmentNotice({ engine }: Pick<OrderPorts, 'engine'>, ctx: OrderContext, cut: FulfilmentCut): { entry: EntityEntry; event: { type: string; [k: string]: unknown } } | undefined {
  const entry = engine.registry.entities('fulfilment').get(cut.id);
  if (!entry) return undefined;
  const held = ctx.fulfilments.find((f) => f.id === cut.id)!.lines.reduce((n, l) => n + l.qty, 0);
  const cutUnits = cut.lines.reduce((n, l) => n + l.qty, 0);
  const event = cutUnits === held ? { type: 'cancelled' } : { type: 'fulfilment.lines_cancelled', lines: cut.lines };
  if (!entry.snapshot.can({ ...event, at: '' } as never)) {
    throw new DomainError('invalid_state', `fulfilment ${cut.id} is ${String(entry.snapshot.value)} and cannot give up units now`, [{ path: 'lines', message: `fulfilment ${cut.id} at ${cut.location} is ${String(entry.snapshot.value)}` }]);
  }
  return { entry, event };
}
