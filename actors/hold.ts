import { assign, enqueueActions, setup } from 'xstate';
import type { OrderLine, Shipment } from '../src/domain/order.js';

/**
 * A cart hold: units reserved at concrete locations for a limited time, so a checkout can finish without the
 * stock selling out under it. Holding at locations (not as a pool-level number) is what makes the promise
 * safe when pools overlap: the units are gone from every pool that counts them.
 */
export interface HoldContext {
  id: string;
  pool: string;
  lines: OrderLine[];
  allocations: Shipment[];
  createdAt: string;
  createdBy: string;
  customer?: string;
  expiresAt: string;
  /** Deadlines the engine's timer wheel fires as `timer.fired` events (timers are data, not XState `after`). */
  timers: Record<string, string>;
  updatedAt: string;
  /** The order that consumed the hold. */
  orderId?: string;
}

export type HoldEvent =
  | { type: 'timer.fired'; name: string; at: string }
  | { type: 'hold.released'; at: string }
  | { type: 'hold.consumed'; orderId: string; at: string };

/** Effects a hold asks of the engine: give its units back to the shelf. */
export type HoldEffect = { type: 'stock.release'; ref: string; location: string; lines: OrderLine[] };

/** active -> expired | released | consumed; every way out returns the held units. */
export const holdMachine = setup({
  types: {} as { context: HoldContext; events: HoldEvent; emitted: HoldEffect; input: HoldContext },
  guards: {
    isExpiry: ({ event }) => event.type === 'timer.fired' && event.name === 'expiry',
  },
  actions: {
    releaseUnits: enqueueActions(({ context, enqueue }) => {
      for (const a of context.allocations) enqueue.emit({ type: 'stock.release', ref: context.id, location: a.location, lines: a.lines });
    }),
    close: assign(({ event }) => ({
      timers: {},
      updatedAt: event.at,
      ...(event.type === 'hold.consumed' ? { orderId: event.orderId } : {}),
    })),
  },
}).createMachine({
  id: 'hold',
  context: ({ input }) => input,
  initial: 'active',
  states: {
    active: {
      on: {
        'timer.fired': { guard: 'isExpiry', target: 'expired', actions: ['releaseUnits', 'close'] },
        'hold.released': { target: 'released', actions: ['releaseUnits', 'close'] },
        'hold.consumed': { target: 'consumed', actions: ['releaseUnits', 'close'] },
      },
    },
    expired: { type: 'final' },
    released: { type: 'final' },
    consumed: { type: 'final' },
  },
});
