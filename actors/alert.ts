import { assign, setup } from 'xstate';
import type { AlertContext } from '../src/domain/alert.js';

export type { AlertContext };

export type AlertEvent =
  | { type: 'alert.escalated'; severity: AlertContext['severity']; message: string; at: string }
  | { type: 'alert.acknowledged'; by: string; at: string }
  | { type: 'alert.resolved'; by: string; at: string };

/** open -> acknowledged -> resolved (resolving straight from open is allowed); escalation reopens an acknowledged alert. */
export const alertMachine = setup({
  types: {} as { context: AlertContext; events: AlertEvent; input: AlertContext },
  actions: {
    escalate: assign(({ event }) => (event.type === 'alert.escalated' ? { severity: event.severity, message: event.message, updatedAt: event.at } : {})),
    acknowledge: assign(({ event }) => (event.type === 'alert.acknowledged' ? { acknowledgedBy: event.by, updatedAt: event.at } : {})),
    resolve: assign(({ event }) => (event.type === 'alert.resolved' ? { resolvedBy: event.by, updatedAt: event.at } : {})),
  },
}).createMachine({
  id: 'alert',
  context: ({ input }) => input,
  initial: 'open',
  states: {
    open: {
      on: {
        'alert.escalated': { actions: 'escalate' },
        'alert.acknowledged': { target: 'acknowledged', actions: 'acknowledge' },
        'alert.resolved': { target: 'resolved', actions: 'resolve' },
      },
    },
    acknowledged: {
      on: {
        'alert.escalated': { target: 'open', actions: 'escalate' },
        'alert.resolved': { target: 'resolved', actions: 'resolve' },
      },
    },
    resolved: { type: 'final' },
  },
});
