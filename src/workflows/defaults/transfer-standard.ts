/** A stock transfer between locations: reserved at the source, shipped (in transit at the destination), received (sellable). */
export const transferStandard = {
  description: 'Units are reserved at the source when the transfer is requested; shipping moves them out and into in_transit at the destination; receiving makes them sellable.',
  priority: 0,
  initial: 'requested',
  states: {
    requested: {
      on: { shipped: { target: 'in_transit', actions: ['shipTransfer'] }, cancelled: { target: 'cancelled', actions: ['cancelTransfer'] } },
    },
    in_transit: {
      entry: [{ type: 'startTimer', params: { name: 'transit', warnAfter: 'P2D', escalateAfter: 'P5D', alert: 'transfer-late' } }],
      exit: [{ type: 'cancelTimer', params: { name: 'transit' } }, { type: 'resolveAlerts', params: { alert: 'transfer-late' } }],
      on: { received: { target: 'received', actions: ['receiveTransfer'] } },
    },
    received: { type: 'final' },
    cancelled: { type: 'final' },
  },
};
