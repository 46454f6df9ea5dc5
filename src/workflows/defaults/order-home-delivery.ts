/** Home delivery: an external fraud check above a value, payment, optional gift wrap and embroidery with SLAs, fulfilment by location, delivery. */
export const orderHomeDelivery = {
  description:
    'Home and express delivery. Stock is reserved at intake (so a flash sale never oversells); orders above 1,000 go through an external fraud check; ' +
    'then payment, optional embroidery and gift wrap steps with SLAs, fulfilment by location (a rejection re-sources the lines elsewhere), shipping and delivery.',
  appliesTo: { deliveryType: ['home', 'express'] },
  priority: 0,
  initial: 'placed',
  states: {
    placed: {
      description: 'Reserved at intake; high-value orders need a fraud check first; an exchange (settled by its return) goes straight to fulfilment.',
      always: [
        // An exchange is settled by its return: no fraud check, no payment.
        { guard: { type: 'hasAttribute', params: { key: 'exchangeOf' } }, target: 'fulfilling' },
        // A pre-order whose rule takes payment at allocation waits for its units first.
        { guard: 'paysAtAllocation', target: 'awaiting_allocation' },
        { guard: { type: 'orderValueAbove', params: { amount: 1000 } }, target: 'fraud_check' },
        { target: 'awaiting_payment' },
      ],
    },
    awaiting_allocation: {
      description: 'Waits on inbound supply before payment is asked (supply rule payment at_allocation); then as a new order.',
      always: [{ guard: 'nothingWaiting', target: 'placed' }],
      on: { 'order.cancelled': 'cancelled' },
    },
    fraud_check: {
      entry: [
        { type: 'sendWebhook', params: { event: 'fraud.check.requested', include: ['value', 'customer', 'deliverTo', 'lines'] } },
        { type: 'startTimer', params: { name: 'fraud-check', warnAfter: 'PT15M', escalateAfter: 'PT1H', alert: 'fraud-check-late' } },
        { type: 'awaitEvent', params: { event: 'fraud.passed' } },
      ],
      exit: [{ type: 'cancelTimer', params: { name: 'fraud-check' } }, { type: 'resolveAlerts', params: { alert: 'fraud-check-late' } }],
      on: {
        'fraud.passed': 'awaiting_payment',
        'fraud.failed': { target: 'cancelled' },
        'order.cancelled': 'cancelled',
      },
    },
    awaiting_payment: {
      entry: [{ type: 'requestPayment', params: { currency: 'EUR' } }],
      on: {
        'payment.authorized': [
          { guard: 'shipsComplete', target: 'awaiting_stock' },
          { guard: { type: 'hasAttribute', params: { key: 'embroidery' } }, target: 'embroidery' },
          { guard: { type: 'hasAttribute', params: { key: 'giftWrap' } }, target: 'gift_wrap' },
          { target: 'fulfilling' },
        ],
        'payment.failed': 'cancelled',
        'order.cancelled': 'cancelled',
      },
    },
    embroidery: {
      description: 'A manual step: the store embroiders the item, then reports embroidery.completed.',
      entry: [
        { type: 'raiseAlert', params: { alert: 'embroidery-requested', severity: 'info', message: 'Embroidery requested: stitch and report embroidery.completed' } },
        { type: 'startTimer', params: { name: 'embroidery', warnAfter: 'PT24H', escalateAfter: 'PT48H', alert: 'embroidery-late' } },
      ],
      exit: [
        { type: 'cancelTimer', params: { name: 'embroidery' } },
        { type: 'resolveAlerts', params: { alert: 'embroidery-requested' } },
        { type: 'resolveAlerts', params: { alert: 'embroidery-late' } },
      ],
      on: {
        'embroidery.completed': [{ guard: { type: 'hasAttribute', params: { key: 'giftWrap' } }, target: 'gift_wrap' }, { target: 'fulfilling' }],
        'order.cancelled': 'cancelled',
      },
    },
    gift_wrap: {
      entry: [
        { type: 'raiseAlert', params: { alert: 'gift-wrap-requested', severity: 'info', message: 'Gift wrap requested: wrap and report gift_wrap.completed' } },
        { type: 'startTimer', params: { name: 'gift-wrap', warnAfter: 'PT4H', escalateAfter: 'PT8H', alert: 'gift-wrap-late' } },
      ],
      exit: [
        { type: 'cancelTimer', params: { name: 'gift-wrap' } },
        { type: 'resolveAlerts', params: { alert: 'gift-wrap-requested' } },
        { type: 'resolveAlerts', params: { alert: 'gift-wrap-late' } },
      ],
      on: { 'gift_wrap.completed': 'fulfilling', 'order.cancelled': 'cancelled' },
    },
    awaiting_stock: {
      description: "Paid, shipping complete ('ship-complete'): waits until every unit waiting on inbound supply is allocated.",
      always: [{ guard: 'nothingWaiting', target: 'fulfilling' }],
      on: { 'order.cancelled': 'cancelled' },
    },
    fulfilling: {
      description: 'Each allocation becomes a fulfilment at its location; the order follows them until every line has shipped.',
      entry: ['createFulfilments'],
      always: [{ guard: 'allLinesShipped', target: 'shipped' }],
      on: {
        'order.allocated': { actions: ['createFulfilments'] },
        'fulfilment.accepted': { actions: ['recordFulfilment'] },
        'fulfilment.picked': { actions: ['recordFulfilment'] },
        'fulfilment.packed': { actions: ['recordFulfilment'] },
        'fulfilment.shipped': { actions: ['recordFulfilment', { type: 'notifyCustomer', params: { template: 'order-shipped' } }] },
        'fulfilment.rejected': { actions: ['recordFulfilment', 'sourceOrder'] },
        'sourcing.succeeded': { actions: ['recordSourcing', 'createFulfilments'] },
        'sourcing.failed': {
          actions: [
            'recordSourcing',
            { type: 'raiseAlert', params: { alert: 'order-unsourceable', severity: 'critical', message: 'Lines of a rejected fulfilment could not be sourced elsewhere' } },
          ],
        },
        'order.cancelled': { guard: 'nothingShipped', target: 'cancelled' },
      },
    },
    shipped: {
      entry: ['capturePayment', { type: 'sendWebhook', params: { event: 'order.shipped', include: ['fulfilments'] } }],
      on: { delivered: 'delivered' },
    },
    delivered: { type: 'final', entry: [{ type: 'notifyCustomer', params: { template: 'order-delivered' } }] },
    cancelled: {
      type: 'final',
      entry: [
        { type: 'recordReason', params: { default: 'cancelled' } },
        'release',
        'resolveAlerts',
        { type: 'sendWebhook', params: { event: 'order.cancelled', include: ['cancelReason'] } },
      ],
    },
  },
};
