import { addDuration, definePlugin, defineGuard, defineRule, Duration, z } from '../index.js';

/**
 * Example plugin: an embroidery step. `embroidery/request` alerts the store that holds the order, starts an
 * SLA (a warning, then an escalation) and tells the store's system by webhook; the step ends when the store
 * sends `embroidery.completed`, and `embroidery/complete` records who stitched it and clears the SLA.
 * Workflows name these bricks `embroidery/request`, `embroidery/complete`, `embroidery/isMonogram`.
 */
const request = defineRule({
  name: 'request',
  description: 'Asks the store holding the order to embroider it: an alert, an SLA, and a webhook; the state must handle embroidery.completed.',
  params: z.strictObject({ warnAfter: Duration.default('PT24H'), escalateAfter: Duration.default('PT48H') }),
  awaits: () => ['embroidery.completed'],
  run: ({ context, event, params }, api) => {
    const store = (context.fulfilments as Array<{ location: string }> | undefined)?.[0]?.location ?? 'unknown';
    const text = String((context.attributes as Record<string, unknown> | undefined)?.embroidery ?? '');
    api.emit({ type: 'alert.raise', alert: 'embroidery-requested', severity: 'info', message: `Embroider "${text}" for ${String(context.id)} at ${store}`, data: { store, text } });
    api.startTimer('embroidery.warn', addDuration(event.at, params.warnAfter));
    api.startTimer('embroidery.escalate', addDuration(event.at, params.escalateAfter));
    api.set('sla', { ...((context.sla as Record<string, unknown> | undefined) ?? {}), embroidery: { alert: 'embroidery-late', message: `embroidery for ${String(context.id)} is late at ${store}` } });
    api.emit({ type: 'webhook', event: 'embroidery.requested', data: { orderId: context.id, store, text } });
  },
});

const complete = defineRule({
  name: 'complete',
  description: 'Records who stitched the item, stops the SLA and resolves the embroidery alerts.',
  params: z.strictObject({}),
  run: ({ event }, api) => {
    api.setAttribute('embroideredBy', typeof event.by === 'string' ? event.by : 'store');
    api.cancelTimer('embroidery.warn');
    api.cancelTimer('embroidery.escalate');
    api.emit({ type: 'alert.resolve', alert: 'embroidery-requested' });
    api.emit({ type: 'alert.resolve', alert: 'embroidery-late' });
  },
});

const isMonogram = defineGuard({
  name: 'isMonogram',
  description: 'True when the embroidery text is a monogram (up to 3 letters), which a store stitches the same day.',
  params: z.strictObject({}),
  test: ({ context }) => /^[A-Za-z]{1,3}$/.test(String((context.attributes as Record<string, unknown> | undefined)?.embroidery ?? '')),
});

export default definePlugin({ name: 'embroidery', rules: [request, complete, isMonogram] });

/** A workflow using the plugin (for `PUT /workflows/order/atelier`): orders from the `atelier` channel get embroidered. */
export const atelierWorkflow = {
  description: 'Atelier orders: payment, then embroidery at the store holding the order (SLA 24 h / 48 h, monograms 4 h / 8 h), then fulfilment.',
  appliesTo: { channel: ['atelier'] },
  priority: 10,
  initial: 'awaiting_payment',
  states: {
    awaiting_payment: {
      entry: ['requestPayment'],
      on: {
        'payment.authorized': [{ guard: 'embroidery/isMonogram', target: 'monogram' }, { target: 'embroidery' }],
        'payment.failed': 'cancelled',
        'order.cancelled': 'cancelled',
      },
    },
    monogram: {
      entry: [{ type: 'embroidery/request', params: { warnAfter: 'PT4H', escalateAfter: 'PT8H' } }],
      on: { 'embroidery.completed': { target: 'fulfilling', actions: ['embroidery/complete'] }, 'order.cancelled': 'cancelled' },
    },
    embroidery: {
      entry: ['embroidery/request'],
      on: { 'embroidery.completed': { target: 'fulfilling', actions: ['embroidery/complete'] }, 'order.cancelled': 'cancelled' },
    },
    fulfilling: {
      entry: ['createFulfilments'],
      always: [{ guard: 'allLinesShipped', target: 'shipped' }],
      on: {
        'fulfilment.shipped': { actions: ['recordFulfilment'] },
        'fulfilment.accepted': { actions: ['recordFulfilment'] },
        'fulfilment.picked': { actions: ['recordFulfilment'] },
        'fulfilment.packed': { actions: ['recordFulfilment'] },
        'fulfilment.rejected': { actions: ['recordFulfilment', 'sourceOrder'] },
        'sourcing.succeeded': { actions: ['recordSourcing', 'createFulfilments'] },
        'sourcing.failed': { actions: ['recordSourcing'] },
        'order.cancelled': { guard: 'nothingShipped', target: 'cancelled' },
      },
    },
    shipped: { entry: ['capturePayment'], on: { delivered: 'delivered' } },
    delivered: { type: 'final' },
    cancelled: { type: 'final', entry: ['recordReason', 'release', 'resolveAlerts'] },
  },
};
