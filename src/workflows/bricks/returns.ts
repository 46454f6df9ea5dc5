import { z } from 'zod';
import type { OrderLine } from '../../domain/order.js';
import { defineRule } from '../rule.js';
import { str } from './shape.js';

export const recordReceipt = defineRule({
  name: 'recordReceipt',
  description: 'Records which location received a return (event field `location`).',
  params: z.strictObject({}),
  run: ({ event }, api) => {
    if (typeof event.location === 'string') api.set('location', event.location);
  },
});

export const restock = defineRule({
  name: 'restock',
  description: 'Puts the returned units into a status at the receiving location: sellable (restock), refurbished, or damaged (scrap).',
  params: z.strictObject({ status: z.string().min(1).max(50) }),
  run: ({ context, params }, api) =>
    api.emit({ type: 'stock.adjust', location: str(context, 'location'), lines: context.lines as OrderLine[], status: params.status, sign: 1, reason: `return ${str(context, 'id')}` }),
});

export const shipTransfer = defineRule({
  name: 'shipTransfer',
  description: 'Ships a transfer: the units leave the source (as shipped) and arrive at the destination as in_transit.',
  params: z.strictObject({}),
  run: ({ context }, api) => {
    const lines = context.lines as OrderLine[];
    api.emit({ type: 'stock.ship', ref: str(context, 'id'), location: str(context, 'from'), lines });
    api.emit({ type: 'stock.adjust', location: str(context, 'to'), lines, status: 'in_transit', sign: 1, reason: `transfer ${str(context, 'id')}` });
  },
});

export const receiveTransfer = defineRule({
  name: 'receiveTransfer',
  description: 'Receives a transfer: the in_transit units at the destination become sellable.',
  params: z.strictObject({}),
  run: ({ context }, api) =>
    api.emit({ type: 'stock.move', location: str(context, 'to'), lines: context.lines as OrderLine[], from: 'in_transit', to: 'sellable', reason: `transfer ${str(context, 'id')}` }),
});

export const cancelTransfer = defineRule({
  name: 'cancelTransfer',
  description: 'Cancels a transfer before it ships: the units reserved at the source go back on the shelf.',
  params: z.strictObject({}),
  run: ({ context }, api) =>
    api.emit({ type: 'stock.release', ref: str(context, 'id'), location: str(context, 'from'), lines: context.lines as OrderLine[] }),
});
