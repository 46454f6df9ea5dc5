import { z } from 'zod';
import { defineRule, type BrickInput } from '../rule.js';

/** A compact description of the entity for other systems: its id and the fields asked for. */
function summary({ context }: BrickInput<unknown>, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { id: context.id };
  for (const f of fields) if (context[f] !== undefined) out[f] = context[f];
  return out;
}

export const sendWebhook = defineRule({
  name: 'sendWebhook',
  description: 'Sends an event to the webhook endpoints subscribed to it (after the facts are durable, at least once).',
  params: z.strictObject({
    event: z.string().regex(/^[a-z][a-z0-9_.-]{0,99}$/, 'event names are lower-case, e.g. order.ready'),
    include: z.array(z.string().min(1).max(100)).max(30).default([]),
  }),
  run: (input, api) => api.emit({ type: 'webhook', event: input.params.event, data: summary(input, input.params.include) }),
});

export const requestPayment = defineRule({
  name: 'requestPayment',
  description: 'Asks the payment system to authorise the order value (webhook payment.requested); answers come as payment.authorized / payment.failed.',
  params: z.strictObject({ currency: z.string().length(3).default('EUR') }),
  awaits: () => ['payment.authorized', 'payment.failed'],
  run: ({ context, params }, api) =>
    api.emit({ type: 'webhook', event: 'payment.requested', data: { orderId: context.id, amount: context.value ?? 0, currency: params.currency, customer: context.customer } }),
});

export const capturePayment = defineRule({
  name: 'capturePayment',
  description: 'Asks the payment system to capture the authorised payment (webhook payment.capture.requested); an exchange order (settled by its return) has none.',
  params: z.strictObject({}),
  run: ({ context }, api) => {
    if ((context.attributes as Record<string, unknown> | undefined)?.exchangeOf !== undefined) return;
    api.emit({ type: 'webhook', event: 'payment.capture.requested', data: { orderId: context.id, amount: context.value ?? 0 } });
  },
});

export const requestRefund = defineRule({
  name: 'requestRefund',
  description:
    "Return workflows: computes the return's refund (prices paid, the policy's deductions for reasons and inspection outcomes, shipping, " +
    'never more than the order has left to refund) and asks the payment system for it (webhook refund.requested with the amounts); ' +
    'the answer comes as refund.completed or refund.failed with the refundId.',
  params: z.strictObject({}),
  awaits: () => ['refund.completed'],
  run: (_input, api) => api.emit({ type: 'refund.request' }),
});

export const notifyCustomer = defineRule({
  name: 'notifyCustomer',
  description: 'Asks the messaging system to notify the customer with a template (webhook customer.notification).',
  params: z.strictObject({ template: z.string().min(1).max(100) }),
  run: ({ context, params }, api) =>
    api.emit({ type: 'webhook', event: 'customer.notification', data: { template: params.template, entity: context.id, customer: context.customer } }),
});
