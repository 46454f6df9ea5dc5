/**
 * A return: requested, received at a location into returns_received, inspected line by line (restock,
 * refurbish, scrap, back to the vendor), refunded; refurbishment finishes on its own SLA.
 */
export const returnStandard = {
  description:
    'The customer asks to return lines; a location receives them into returns_received (not for sale); inspection gives each line, or part of one, ' +
    'its outcome: restock (sellable), refurbish (refurbishing, then refurbished), scrap (damaged) or vendor (the units leave). Once every unit has an ' +
    'outcome the refund is requested; the return closes when the refund is completed and refurbishment is done.',
  priority: 0,
  initial: 'requested',
  states: {
    requested: {
      entry: [
        { type: 'routeReturn', params: { rules: [{ when: { method: 'store' }, to: 'dropOff', because: 'brought to a store: received there' }], otherwise: 'origin' } },
        'requestReturnLabel',
        // Customers the retailer trusts (`"trusted": true` on the order's customer) get their exchange at once.
        { type: 'placeExchange', params: { onlyTrusted: { attribute: 'trusted' } } },
        { type: 'sendWebhook', params: { event: 'return.requested', include: ['orderId', 'lines', 'reason', 'method', 'dropOffLocation', 'routedTo', 'routing'] } },
      ],
      on: {
        received: [
          { guard: 'needsAuthentication', target: 'authenticating', actions: ['recordReceipt', 'receiveReturn'] },
          { target: 'inspecting', actions: ['recordReceipt', 'receiveReturn', 'placeExchange'] },
        ],
        cancelled: 'cancelled',
      },
    },
    authenticating: {
      description: 'Luxury goods: an expert checks authenticity before inspection.',
      entry: [{ type: 'startTimer', params: { name: 'authentication', warnAfter: 'PT4H', escalateAfter: 'PT24H', alert: 'return-authentication-late' } }],
      exit: [{ type: 'cancelTimer', params: { name: 'authentication' } }, { type: 'resolveAlerts', params: { alert: 'return-authentication-late' } }],
      on: { 'authentication.passed': { target: 'inspecting', actions: ['placeExchange'] }, 'authentication.failed': { target: 'rejected', actions: ['rejectReturn'] } },
    },
    inspecting: {
      entry: [{ type: 'startTimer', params: { name: 'inspection', warnAfter: 'P1D', escalateAfter: 'P3D', alert: 'return-inspection-late' } }],
      exit: [{ type: 'cancelTimer', params: { name: 'inspection' } }, { type: 'resolveAlerts', params: { alert: 'return-inspection-late' } }],
      on: { inspected: { actions: ['inspectLines'] } },
      always: [{ guard: 'returnInspected', target: 'refunding' }],
    },
    refunding: {
      entry: ['requestRefund'],
      exit: [{ type: 'resolveAlerts', params: { alert: 'refund-failed' } }],
      on: {
        'refund.completed': [{ guard: 'refurbishmentDone', target: 'closed' }, { target: 'refurbishing' }],
        'refund.failed': { actions: [{ type: 'raiseAlert', params: { alert: 'refund-failed', severity: 'critical', message: 'The payment system could not refund this return: retry with refund.retry' } }] },
        'refund.retry': { actions: ['requestRefund'] },
        'refurbishment.completed': { actions: ['completeRefurbishment'] },
      },
    },
    refurbishing: {
      entry: [{ type: 'startTimer', params: { name: 'refurbishment', warnAfter: 'P3D', escalateAfter: 'P7D', alert: 'return-refurbishment-late' } }],
      exit: [{ type: 'cancelTimer', params: { name: 'refurbishment' } }, { type: 'resolveAlerts', params: { alert: 'return-refurbishment-late' } }],
      on: { 'refurbishment.completed': { actions: ['completeRefurbishment'] } },
      always: [{ guard: 'refurbishmentDone', target: 'closed' }],
    },
    closed: { type: 'final', entry: [{ type: 'sendWebhook', params: { event: 'return.closed', include: ['dispositions', 'refurbished', 'refunds'] } }] },
    rejected: { type: 'final', entry: [{ type: 'sendWebhook', params: { event: 'return.rejected', include: ['orderId', 'rejection'] } }] },
    cancelled: { type: 'final' },
  },
};
