import type { OrderLine } from '../../domain/order.js';

/** The parts of an entity's context the built-in bricks read. Workflow contexts are plain data. */
export interface FulfilmentCopy {
  id: string;
  location: string;
  lines: OrderLine[];
  status: string;
}

/** Fulfilment statuses (as the order keeps them) that still hold reserved units. */
export const OPEN_FULFILMENT = new Set(['created', 'released', 'accepted', 'picked', 'packed', 'ready']);
/** Statuses in which a fulfilment's units left the building. */
export const DONE_FULFILMENT = new Set(['shipped', 'collected']);

export function fulfilmentsOf(context: Readonly<Record<string, unknown>>): FulfilmentCopy[] {
  return (context.fulfilments as FulfilmentCopy[] | undefined) ?? [];
}

export function linesOf(context: Readonly<Record<string, unknown>>): OrderLine[] {
  return (context.lines as OrderLine[] | undefined) ?? [];
}

export function str(context: Readonly<Record<string, unknown>>, field: string): string {
  return String(context[field] ?? '');
}

/** Lines of the order not covered by a live (not rejected or cancelled) fulfilment. */
export function unallocated(context: Readonly<Record<string, unknown>>): OrderLine[] {
  const need = new Map<string, number>();
  for (const l of linesOf(context)) need.set(l.sku, (need.get(l.sku) ?? 0) + l.qty);
  for (const f of fulfilmentsOf(context)) {
    if (f.status === 'rejected' || f.status === 'cancelled') continue;
    for (const l of f.lines) need.set(l.sku, (need.get(l.sku) ?? 0) - l.qty);
  }
  return [...need].filter(([, qty]) => qty > 0).map(([sku, qty]) => ({ sku, qty }));
}
