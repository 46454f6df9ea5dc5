import { z } from 'zod';
import type { OrderLine } from '../../domain/order.js';
import { defineRule } from '../rule.js';
import { str } from './shape.js';

export const notifyOrder = defineRule({
  name: 'notifyOrder',
  description: "Tells the fulfilment's order its new status (the order receives fulfilment.<status>).",
  params: z.strictObject({ status: z.string().regex(/^[a-z_]{1,40}$/) }),
  run: ({ context, params }, api) =>
    api.emit({
      type: 'entity.notify',
      kind: 'order',
      id: str(context, 'orderId'),
      event: { type: `fulfilment.${params.status}`, fulfilmentId: context.id, status: params.status, location: context.location, lines: context.lines },
    }),
});

export const shipStock = defineRule({
  name: 'shipStock',
  description: "Moves the fulfilment's reserved units out of the location as shipped.",
  params: z.strictObject({}),
  run: ({ context }, api) =>
    api.emit({ type: 'stock.ship', ref: str(context, 'orderId'), location: str(context, 'location'), lines: context.lines as OrderLine[] }),
});

export const releaseStock = defineRule({
  name: 'releaseStock',
  description: "Gives the fulfilment's reserved units back to the location's shelf (a rejection).",
  params: z.strictObject({}),
  run: ({ context }, api) =>
    api.emit({ type: 'stock.release', ref: str(context, 'orderId'), location: str(context, 'location'), lines: context.lines as OrderLine[] }),
});
