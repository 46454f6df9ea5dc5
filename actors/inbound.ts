import { assign, emit, setup } from 'xstate';
import type { InboundContext, InboundLine, SupplyClaim } from '../src/domain/supply.js';
import type { OrderLine } from '../src/domain/order.js';

/**
 * Events an inbound supply takes. The supply module decides (quantities, queue order, what a receipt
 * allocates) and sends the outcome as these facts; the actor records them, so replay never re-decides.
 */
export type InboundEvent =
  | { type: 'inbound.updated'; expectedAt: string; lines: InboundLine[]; kind: InboundContext['kind']; reference?: string; at: string }
  | { type: 'inbound.received'; receiptId: string; lines: OrderLine[]; status: string; at: string }
  | { type: 'inbound.claimed'; claims: SupplyClaim[]; at: string }
  | { type: 'inbound.unclaimed'; orderId: string; at: string }
  | { type: 'inbound.allocated'; orderId: string; sku: string; qty: number; at: string }
  | { type: 'inbound.cancelled'; reason: string; at: string }
  | { type: 'timer.fired'; name: string; at: string };

/** What an inbound asks of the engine: its received units enter the location (in a status). */
export type InboundEffect = { type: 'stock.adjust'; location: string; lines: OrderLine[]; status: string; reason: string; sign: 1 };

/** Whether every line has arrived in full and no order waits on it any more. */
function complete(c: InboundContext): boolean {
  return c.lines.every((l) => l.received >= l.qty) && c.claims.length === 0;
}

/** open -> received (every unit in, nobody waiting) | cancelled. */
export const inboundMachine = setup({
  types: {} as { context: InboundContext; events: InboundEvent; emitted: InboundEffect; input: InboundContext },
  guards: { complete: ({ context }) => complete(context) },
  actions: {
    update: assign(({ event }) => {
      if (event.type !== 'inbound.updated') return {};
      return { expectedAt: event.expectedAt, lines: event.lines, kind: event.kind, ...(event.reference !== undefined ? { reference: event.reference } : {}), updatedAt: event.at };
    }),
    receive: assign(({ context, event }) => {
      if (event.type !== 'inbound.received') return {};
      const lines = context.lines.map((l) => ({ ...l }));
      for (const r of event.lines) {
        const line = lines.find((l) => l.sku === r.sku);
        if (line) line.received += r.qty;
        else lines.push({ sku: r.sku, qty: r.qty, received: r.qty });
      }
      return { lines, receipts: [...context.receipts, event.receiptId], updatedAt: event.at };
    }),
    stockIn: emit(({ context, event }) => {
      const e = event as Extract<InboundEvent, { type: 'inbound.received' }>;
      return { type: 'stock.adjust', location: context.location, lines: e.lines, status: e.status, reason: `inbound ${context.id} receipt ${e.receiptId}`, sign: 1 } as const;
    }),
    claim: assign(({ context, event }) => {
      if (event.type !== 'inbound.claimed') return {};
      return { claims: [...context.claims, ...event.claims].sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0)), updatedAt: event.at };
    }),
    unclaim: assign(({ context, event }) => {
      if (event.type !== 'inbound.unclaimed') return {};
      return { claims: context.claims.filter((c) => c.orderId !== event.orderId), updatedAt: event.at };
    }),
    allocate: assign(({ context, event }) => {
      if (event.type !== 'inbound.allocated') return {};
      let left = event.qty;
      const claims: SupplyClaim[] = [];
      for (const c of context.claims) {
        if (left > 0 && c.orderId === event.orderId && c.sku === event.sku) {
          const take = Math.min(left, c.qty);
          left -= take;
          if (c.qty > take) claims.push({ ...c, qty: c.qty - take });
        } else claims.push(c);
      }
      return { claims, allocated: { ...context.allocated, [event.sku]: (context.allocated[event.sku] ?? 0) + event.qty }, updatedAt: event.at };
    }),
    cancel: assign(({ event }) => ({ cancelReason: event.type === 'inbound.cancelled' ? event.reason : 'cancelled', claims: [], updatedAt: event.at })),
  },
}).createMachine({
  id: 'inbound',
  context: ({ input }) => input,
  initial: 'open',
  states: {
    open: {
      always: [{ guard: 'complete', target: 'received' }],
      on: {
        'inbound.updated': { actions: 'update' },
        'inbound.received': { actions: ['receive', 'stockIn'] },
        'inbound.claimed': { actions: 'claim' },
        'inbound.unclaimed': { actions: 'unclaim' },
        'inbound.allocated': { actions: 'allocate' },
        'inbound.cancelled': { target: 'cancelled', actions: 'cancel' },
      },
    },
    received: { type: 'final' },
    cancelled: { type: 'final' },
  },
});
