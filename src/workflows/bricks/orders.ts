import { z } from 'zod';
import type { WaitingLine } from '../../domain/supply.js';
import { SHIPPED_STATUSES, type Fulfilment, type OrderLine } from '../../domain/order.js';
import { defineRule } from '../rule.js';
import { fulfilmentsOf, OPEN_FULFILMENT, str, unallocated } from './shape.js';

/** Source lines again (after a rejection, or lines still unallocated), excluding rejected locations. */
function sourcingEffect(context: Readonly<Record<string, unknown>>, lines: OrderLine[], extraExclude: string[]) {
  const exclude = new Set(extraExclude);
  for (const f of fulfilmentsOf(context)) if (f.status === 'rejected') exclude.add(f.location);
  return { type: 'order.source' as const, orderId: str(context, 'id'), lines, excludeLocations: [...exclude].sort() };
}

export const sourceOrder = defineRule({
  name: 'sourceOrder',
  description:
    'Sources the lines a rejected fulfilment gave back (or any unallocated lines) again, excluding locations that rejected; ' +
    'the engine answers sourcing.succeeded or sourcing.failed.',
  params: z.strictObject({}),
  awaits: () => ['sourcing.succeeded', 'sourcing.failed'],
  run: ({ context, event }, api) => {
    const lines = unallocated(context);
    if (lines.length > 0) api.emit(sourcingEffect(context, lines, typeof event.location === 'string' ? [event.location] : []));
  },
});

export const reserve = defineRule({
  name: 'reserve',
  description: 'Reserves the lines not yet reserved (e.g. a backordered line once stock arrives); answers sourcing.succeeded / failed.',
  params: z.strictObject({}),
  awaits: () => ['sourcing.succeeded', 'sourcing.failed'],
  run: ({ context }, api) => {
    const lines = unallocated(context);
    if (lines.length > 0) api.emit(sourcingEffect(context, lines, []));
  },
});

export const release = defineRule({
  name: 'release',
  description: 'Gives back every unit the order still holds, cancels its open fulfilments, and frees its place in the queues of inbound supply it waits on.',
  params: z.strictObject({}),
  run: ({ context }, api) => {
    const waiting = (context.waiting as WaitingLine[] | undefined) ?? [];
    if (waiting.length > 0) {
      api.emit({ type: 'supply.unclaim', lines: waiting });
      api.set('waiting', []);
    }
    const fulfilments = fulfilmentsOf(context).map((f) => {
      if (!OPEN_FULFILMENT.has(f.status)) return f;
      api.emit({ type: 'stock.release', ref: str(context, 'id'), location: f.location, lines: f.lines });
      if (f.status !== 'created') api.emit({ type: 'entity.notify', kind: 'fulfilment', id: f.id, event: { type: 'cancelled' } });
      return { ...f, status: 'cancelled' };
    });
    api.set('fulfilments', fulfilments);
  },
});

export const createFulfilments = defineRule({
  name: 'createFulfilments',
  description: 'Releases the reserved allocations to their locations as fulfilments (each runs the fulfilment workflow).',
  params: z.strictObject({}),
  run: ({ context }, api) => {
    const fresh = fulfilmentsOf(context).filter((f) => f.status === 'created');
    if (fresh.length === 0) return;
    api.emit({ type: 'fulfilments.create', orderId: str(context, 'id'), fulfilments: fresh.map(({ id, location, lines }) => ({ id, location, lines })) });
    api.set('fulfilments', fulfilmentsOf(context).map((f) => (f.status === 'created' ? { ...f, status: 'released' } : f)));
  },
});

export const recordFulfilment = defineRule({
  name: 'recordFulfilment',
  description: "Records a fulfilment's new status on its order (from fulfilment.* events).",
  params: z.strictObject({}),
  run: ({ context, event }, api) => {
    if (typeof event.fulfilmentId !== 'string' || typeof event.status !== 'string') return;
    const status = event.status as string;
    const shippedAt = SHIPPED_STATUSES.has(status) && typeof event.at === 'string' ? { shippedAt: event.at } : {};
    api.set('fulfilments', fulfilmentsOf(context).map((f) => (f.id === event.fulfilmentId ? { ...f, status, ...shippedAt } : f)));
  },
});

export const recordSourcing = defineRule({
  name: 'recordSourcing',
  description: 'Records the outcome of sourceOrder/reserve: new fulfilments, or the lines that could not be sourced.',
  params: z.strictObject({}),
  run: ({ context, event }, api) => {
    if (event.type === 'sourcing.succeeded') {
      api.set('fulfilments', [...fulfilmentsOf(context), ...((event.fulfilments as Fulfilment[] | undefined) ?? [])]);
      api.set('short', []);
    } else if (event.type === 'sourcing.failed') {
      api.set('short', event.short ?? []);
    }
  },
});
