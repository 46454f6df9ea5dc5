import { z } from 'zod';
import { defineGuard } from '../rule.js';
import { DONE_FULFILMENT, fulfilmentsOf, OPEN_FULFILMENT } from './shape.js';

export const orderValueAbove = defineGuard({
  name: 'orderValueAbove',
  description: 'True when the order value (sum of line prices from the catalog) is above an amount.',
  params: z.strictObject({ amount: z.number().min(0) }),
  test: ({ context, params }) => Number(context.value ?? 0) > params.amount,
});

export const hasAttribute = defineGuard({
  name: 'hasAttribute',
  description: 'True when the entity has an attribute (truthy), or one equal to a value.',
  params: z.strictObject({ key: z.string().min(1).max(100), equals: z.unknown().optional() }),
  test: ({ context, params }) => {
    const value = (context.attributes as Record<string, unknown> | undefined)?.[params.key];
    return params.equals === undefined ? Boolean(value) : value === params.equals;
  },
});

export const deliveryTypeIs = defineGuard({
  name: 'deliveryTypeIs',
  description: 'True when the delivery type is one of the given ones (home, collect, express).',
  params: z.strictObject({ types: z.array(z.string().min(1).max(50)).min(1) }),
  test: ({ context, params }) => params.types.includes(String(context.deliveryType)),
});

export const countryIn = defineGuard({
  name: 'countryIn',
  description: 'True when the destination country is one of the given ISO codes.',
  params: z.strictObject({ countries: z.array(z.string().regex(/^[A-Z]{2}$/)).min(1) }),
  test: ({ context, params }) => params.countries.includes(String((context.deliverTo as { country?: string } | undefined)?.country)),
});

export const allLinesShipped = defineGuard({
  name: 'allLinesShipped',
  description: 'True when every line has left in a shipment (or was collected) and nothing is still open, unsourced or waiting on inbound supply.',
  params: z.strictObject({}),
  test: ({ context }) => {
    const fs = fulfilmentsOf(context);
    const short = (context.short as unknown[] | undefined) ?? [];
    const waiting = (context.waiting as unknown[] | undefined) ?? [];
    return short.length === 0 && waiting.length === 0 && fs.some((f) => DONE_FULFILMENT.has(f.status)) && !fs.some((f) => OPEN_FULFILMENT.has(f.status));
  },
});

export const nothingWaiting = defineGuard({
  name: 'nothingWaiting',
  description: 'True when no unit of the order waits on inbound supply any more.',
  params: z.strictObject({}),
  test: ({ context }) => ((context.waiting as unknown[] | undefined) ?? []).length === 0,
});

export const paysAtAllocation = defineGuard({
  name: 'paysAtAllocation',
  description: 'True when units wait on inbound supply and their rule takes payment only once they are allocated.',
  params: z.strictObject({}),
  test: ({ context }) => ((context.waiting as unknown[] | undefined) ?? []).length > 0 && context.payment === 'at_allocation',
});

export const shipsComplete = defineGuard({
  name: 'shipsComplete',
  description: "True when units wait on inbound supply and the order ships everything together (backorder 'ship-complete').",
  params: z.strictObject({}),
  test: ({ context }) => ((context.waiting as unknown[] | undefined) ?? []).length > 0 && context.backorder === 'ship-complete',
});

export const allFulfilmentsAre = defineGuard({
  name: 'allFulfilmentsAre',
  description: 'True when every live fulfilment (not rejected or cancelled) is in one of the given statuses.',
  params: z.strictObject({ statuses: z.array(z.string().min(1).max(40)).min(1) }),
  test: ({ context, params }) => {
    const live = fulfilmentsOf(context).filter((f) => f.status !== 'rejected' && f.status !== 'cancelled');
    return live.length > 0 && live.every((f) => params.statuses.includes(f.status));
  },
});

export const nothingShipped = defineGuard({
  name: 'nothingShipped',
  description: 'True while no fulfilment of the order has shipped or been collected.',
  params: z.strictObject({}),
  test: ({ context }) => !fulfilmentsOf(context).some((f) => DONE_FULFILMENT.has(f.status)),
});

export const eventIs = defineGuard({
  name: 'eventIs',
  description: "True when a field of the event equals a value (e.g. an inspection's outcome).",
  params: z.strictObject({ field: z.string().min(1).max(100), equals: z.unknown() }),
  test: ({ event, params }) => event[params.field] === params.equals,
});
