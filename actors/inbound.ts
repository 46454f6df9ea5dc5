import { assign, emit, setup } from 'xstate';
import type { InboundContext, InboundLine, SkuUnits } from '../src/domain/supply.js';

/**
 * Events an inbound supply takes. The supply module decides (quantities, what a receipt holds for the queue,
 * what a batch allocates) and sends the outcome as these facts; the actor records them, so replay never
 * re-decides. Each carries units per SKU, never the queue itself: an inbound with 100,000 pre-orders on it
 * changes in constant time per event.
 */
export type InboundEvent =
  | { type: 'inbound.updated'; expectedAt: string; lines: InboundLine[]; kind: InboundContext['kind']; reference?: string; at: string }
  /** Units arrived in `status`; `held` of them are reserved (by the inbound) for the orders waiting. */
  | { type: 'inbound.received'; receiptId: string; lines: SkuUnits; status: string; held: SkuUnits; at: string }
  | { type: 'inbound.claimed'; lines: SkuUnits; at: string }
  | { type: 'inbound.unclaimed'; lines: SkuUnits; at: string }
  /** Units allocated to waiting orders (taken from what was held), and held units given back to the shelf. */
  | { type: 'inbound.allocated'; lines: SkuUnits; released: SkuUnits; at: string }
  | { type: 'inbound.cancelled'; reason: string; at: string }
  | { type: 'timer.fired'; name: string; at: string };

/** What an inbound asks of the engine: its received units enter the location (in a status). */
export type InboundEffect = { type: 'stock.adjust'; location: string; lines: SkuUnits; status: string; reason: string; sign: 1 };

function plus(into: Record<string, number>, lines: SkuUnits, sign: 1 | -1): Record<string, number> {
  const out = { ...into };
  for (const l of lines) {
    const n = (out[l.sku] ?? 0) + sign * l.qty;
    if (n === 0) delete out[l.sku];
    else out[l.sku] = n;
  }
  return out;
}

const none = (r: Record<string, number>) => Object.keys(r).length === 0;

/** open -> received (every unit in, nobody waiting, nothing held) | cancelled. */
export const inboundMachine = setup({
  types: {} as { context: InboundContext; events: InboundEvent; emitted: InboundEffect; input: InboundContext },
  guards: { complete: ({ context: c }) => c.lines.every((l) => l.received >= l.qty) && none(c.waiting) && none(c.held) },
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
      return { lines, receipts: [...context.receipts, event.receiptId], held: plus(context.held, event.held, 1), updatedAt: event.at };
    }),
    stockIn: emit(({ context, event }) => {
      const e = event as Extract<InboundEvent, { type: 'inbound.received' }>;
      return { type: 'stock.adjust', location: context.location, lines: e.lines, status: e.status, reason: `inbound ${context.id} receipt ${e.receiptId}`, sign: 1 } as const;
    }),
    claim: assign(({ context, event }) => (event.type === 'inbound.claimed' ? { waiting: plus(context.waiting, event.lines, 1), updatedAt: event.at } : {})),
    unclaim: assign(({ context, event }) => (event.type === 'inbound.unclaimed' ? { waiting: plus(context.waiting, event.lines, -1), updatedAt: event.at } : {})),
    allocate: assign(({ context, event }) => {
      if (event.type !== 'inbound.allocated') return {};
      return {
        waiting: plus(context.waiting, event.lines, -1),
        held: plus(plus(context.held, event.lines, -1), event.released, -1),
        allocated: plus(context.allocated, event.lines, 1),
        updatedAt: event.at,
      };
    }),
    cancel: assign(({ event }) => ({ cancelReason: event.type === 'inbound.cancelled' ? event.reason : 'cancelled', waiting: {}, updatedAt: event.at })),
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
