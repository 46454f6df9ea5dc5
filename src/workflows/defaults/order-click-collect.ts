/** Click & collect: payment, preparation at the collection store with an SLA, ready for collection, collected; expiry returns the stock. */
export const orderClickCollect = {
  description:
    'Click & collect. Reserved at the collection store at intake (units the store lacks may wait on inbound to it); after payment, and once every unit is there, ' +
    'the store prepares the order (SLA), the customer is told it is ready, and an order not collected within 3 days expires and its stock goes back on the shelf.',
  appliesTo: { deliveryType: ['collect'] },
  priority: 0,
  initial: 'placed',
  states: {
    placed: {
      description: 'Reserved at intake; a pre-order whose rule takes payment at allocation waits for its units first.',
      always: [{ guard: 'paysAtAllocation', target: 'awaiting_allocation' }, { target: 'awaiting_payment' }],
    },
    awaiting_allocation: {
      description: 'Waits on inbound supply to the store before payment is asked (supply rule payment at_allocation).',
      always: [{ guard: 'nothingWaiting', target: 'awaiting_payment' }],
      on: { 'order.cancelled': 'cancelled' },
    },
    awaiting_payment: {
      entry: [{ type: 'requestPayment', params: { currency: 'EUR' } }],
      on: { 'payment.authorized': [{ guard: 'shipsComplete', target: 'awaiting_stock' }, { target: 'preparing' }], 'payment.failed': 'cancelled', 'order.cancelled': 'cancelled' },
    },
    awaiting_stock: {
      description: 'Paid; units wait on inbound supply to the store: preparation starts when the last one is allocated.',
      always: [{ guard: 'nothingWaiting', target: 'preparing' }],
      on: { 'order.cancelled': 'cancelled' },
    },
    preparing: {
      entry: ['createFulfilments', { type: 'startTimer', params: { name: 'preparation', warnAfter: 'PT2H', escalateAfter: 'PT4H', alert: 'collect-preparation-late' } }],
      exit: [{ type: 'cancelTimer', params: { name: 'preparation' } }, { type: 'resolveAlerts', params: { alert: 'collect-preparation-late' } }],
      always: [{ guard: { type: 'allFulfilmentsAre', params: { statuses: ['ready'] } }, target: 'ready_for_collection' }],
      on: {
        'fulfilment.accepted': { actions: ['recordFulfilment'] },
        'fulfilment.picked': { actions: ['recordFulfilment'] },
        'fulfilment.packed': { actions: ['recordFulfilment'] },
        'fulfilment.ready': { actions: ['recordFulfilment'] },
        'fulfilment.rejected': { target: 'cancelled', actions: ['recordFulfilment'] },
        'order.cancelled': 'cancelled',
      },
    },
    ready_for_collection: {
      entry: [
        { type: 'notifyCustomer', params: { template: 'ready-for-collection' } },
        { type: 'sendWebhook', params: { event: 'order.ready_for_collection', include: ['collectAt'] } },
        { type: 'startTimer', params: { name: 'collection', after: 'P3D' } },
      ],
      always: [{ guard: 'allLinesShipped', target: 'collected' }],
      on: {
        'fulfilment.collected': { actions: ['recordFulfilment'] },
        'timer.fired': { guard: { type: 'timerIs', params: { name: 'collection' } }, target: 'expired' },
        'order.cancelled': 'cancelled',
      },
    },
    collected: { type: 'final', entry: ['capturePayment', { type: 'sendWebhook', params: { event: 'order.collected' } }] },
    expired: {
      type: 'final',
      entry: [
        { type: 'recordReason', params: { default: 'not collected in time' } },
        'release',
        { type: 'notifyCustomer', params: { template: 'collection-expired' } },
        { type: 'sendWebhook', params: { event: 'order.expired' } },
      ],
    },
    cancelled: {
      type: 'final',
      entry: [{ type: 'recordReason', params: { default: 'cancelled' } }, 'release', 'resolveAlerts', { type: 'sendWebhook', params: { event: 'order.cancelled', include: ['cancelReason'] } }],
    },
  },
};
