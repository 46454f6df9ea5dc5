/** A return: requested, received at a location, inspected (restock, refurbish or scrap), refunded. */
export const returnStandard = {
  description: 'The customer asks to return lines; a location receives them; inspection decides restock (sellable), refurbish or scrap; then the refund is requested.',
  priority: 0,
  initial: 'requested',
  states: {
    requested: {
      entry: [{ type: 'sendWebhook', params: { event: 'return.requested', include: ['orderId', 'lines', 'reason'] } }],
      on: { received: { target: 'inspecting', actions: ['recordReceipt'] }, cancelled: 'cancelled' },
    },
    inspecting: {
      entry: [{ type: 'startTimer', params: { name: 'inspection', warnAfter: 'P1D', escalateAfter: 'P3D', alert: 'return-inspection-late' } }],
      exit: [{ type: 'cancelTimer', params: { name: 'inspection' } }, { type: 'resolveAlerts', params: { alert: 'return-inspection-late' } }],
      on: {
        inspected: [
          { guard: { type: 'eventIs', params: { field: 'outcome', equals: 'restock' } }, target: 'refunding', actions: [{ type: 'restock', params: { status: 'sellable' } }, { type: 'setAttribute', params: { key: 'outcome', value: 'restock' } }] },
          { guard: { type: 'eventIs', params: { field: 'outcome', equals: 'refurbish' } }, target: 'refunding', actions: [{ type: 'restock', params: { status: 'refurbished' } }, { type: 'setAttribute', params: { key: 'outcome', value: 'refurbish' } }] },
          { guard: { type: 'eventIs', params: { field: 'outcome', equals: 'scrap' } }, target: 'refunding', actions: [{ type: 'restock', params: { status: 'damaged' } }, { type: 'setAttribute', params: { key: 'outcome', value: 'scrap' } }] },
        ],
      },
    },
    refunding: { entry: ['requestRefund'], on: { 'refund.completed': 'closed' } },
    closed: { type: 'final', entry: [{ type: 'sendWebhook', params: { event: 'return.closed', include: ['attributes'] } }] },
    cancelled: { type: 'final' },
  },
};
