/** A location's part of an order: accepted or rejected by the location, picked, packed, shipped (or made ready and collected). */
export const fulfilmentStandard = {
  description:
    'The location accepts or rejects (a rejection gives the units back and the order re-sources the lines), then picks, packs and ships, ' +
    'or for click & collect makes it ready and hands it over. Acceptance and picking have SLAs with escalation.',
  priority: 0,
  initial: 'created',
  states: {
    created: {
      entry: [{ type: 'startTimer', params: { name: 'accept', warnAfter: 'PT30M', escalateAfter: 'PT2H', alert: 'fulfilment-not-accepted' } }],
      exit: [{ type: 'cancelTimer', params: { name: 'accept' } }, { type: 'resolveAlerts', params: { alert: 'fulfilment-not-accepted' } }],
      on: { accepted: 'accepted', rejected: 'rejected', cancelled: 'cancelled' },
    },
    accepted: {
      entry: [{ type: 'notifyOrder', params: { status: 'accepted' } }, { type: 'startTimer', params: { name: 'pick', warnAfter: 'PT2H', escalateAfter: 'PT4H', alert: 'pick-late' } }],
      exit: [{ type: 'cancelTimer', params: { name: 'pick' } }, { type: 'resolveAlerts', params: { alert: 'pick-late' } }],
      on: { picked: 'picked', rejected: 'rejected', cancelled: 'cancelled' },
    },
    picked: {
      entry: [{ type: 'notifyOrder', params: { status: 'picked' } }],
      on: { packed: 'packed', cancelled: 'cancelled' },
    },
    packed: {
      entry: [{ type: 'notifyOrder', params: { status: 'packed' } }],
      on: {
        shipped: { guard: { type: 'deliveryTypeIs', params: { types: ['home', 'express'] } }, target: 'shipped' },
        ready: { guard: { type: 'deliveryTypeIs', params: { types: ['collect'] } }, target: 'ready_for_collection' },
        cancelled: 'cancelled',
      },
    },
    ready_for_collection: {
      entry: [{ type: 'notifyOrder', params: { status: 'ready' } }],
      on: { collected: 'collected', cancelled: 'cancelled' },
    },
    shipped: { type: 'final', entry: ['shipStock', { type: 'notifyOrder', params: { status: 'shipped' } }] },
    collected: { type: 'final', entry: ['shipStock', { type: 'notifyOrder', params: { status: 'collected' } }] },
    rejected: { type: 'final', entry: [{ type: 'recordReason', params: { default: 'rejected by the location' } }, 'releaseStock', { type: 'notifyOrder', params: { status: 'rejected' } }] },
    cancelled: { type: 'final' },
  },
};
