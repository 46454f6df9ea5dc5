import { assign, emit, setup } from 'xstate';
import type { Allotment, InboundContext, InboundLine, SkuUnits } from '../src/domain/supply.js';

/**
 * Events an inbound supply takes. The supply module decides (quantities, what a receipt holds for the queue,
 * what a batch allocates) and sends the outcome as these facts; the actor records them, so replay never
 * re-decides. Each carries units per SKU, never the queue itself: an inbound with 100,000 pre-orders on it
 * changes in constant time per event.
 */
export type InboundEvent =
  | { type: 'inbound.updated'; expectedAt: string; lines: InboundLine[]; kind: InboundContext['kind']; reference?: string; at: string }
  /**
   * Units arrived in `status`; `allotted` gives some of them to the orders waiting, in queue order (they are
   * held for them). `stocked`: the units are on hand already (their transfer moved them in).
   */
  | { type: 'inbound.received'; receiptId: string; lines: SkuUnits; status: string; allotted: Allotment[]; stocked?: true; at: string }
  | { type: 'inbound.claimed'; lines: SkuUnits; at: string }
  | { type: 'inbound.unclaimed'; lines: SkuUnits; at: string }
  /**
   * A batch of allocation: the first `done` allotments are through (`lines`: the units sourced for their
   * orders; the rest belonged to orders gone meanwhile), and `add` gives freed units to the next in line.
   */
  | { type: 'inbound.allocated'; done: number; lines: SkuUnits; add: Allotment[]; at: string }
  /** Allotted units taken back from orders (cancelled, or sourced elsewhere), and given to the next in line (`add`). */
  | { type: 'inbound.withdrawn'; withdraw: Allotment[]; add: Allotment[]; at: string }
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

const unitsOf = (list: readonly Allotment[]): SkuUnits => list.map(([, sku, qty]) => ({ sku, qty }));

/**
 * The bookkeeping of allotments: drop the first `done`, take `withdraw` back (per order and SKU), append
 * `add` (units that stop waiting and are held); `held` follows the list, `waiting` gives up what `add` takes.
 */
function allot(c: InboundContext, change: { done?: number; withdraw?: Allotment[]; add?: Allotment[] }): Pick<InboundContext, 'allotted' | 'held' | 'waiting'> {
  const before = c.allotted ?? [];
  const done = change.done ?? 0;
  let held = plus(c.held, unitsOf(before.slice(0, done)), -1);
  let list = done > 0 ? before.slice(done) : before;
  if (change.withdraw && change.withdraw.length > 0) {
    list = list.map((a) => [...a] as Allotment);
    for (const [order, sku, qty] of change.withdraw) {
      let left = qty;
      for (const a of list) {
        if (left === 0) break;
        if (a[0] !== order || a[1] !== sku) continue;
        const take = Math.min(left, a[2]);
        a[2] -= take;
        left -= take;
      }
      held = plus(held, [{ sku, qty: qty - left }], -1);
    }
    list = list.filter((a) => a[2] > 0);
  }
  const add = change.add ?? [];
  if (add.length > 0) list = [...list, ...add];
  return { allotted: list, held: plus(held, unitsOf(add), 1), waiting: plus(c.waiting, unitsOf(add), -1) };
}

/** open -> received (every unit in, nobody waiting, nothing held) | cancelled. */
export const inboundMachine = setup({
  types: {} as { context: InboundContext; events: InboundEvent; emitted: InboundEffect; input: InboundContext },
  guards: { complete: ({ context: c }) => c.lines.every((l) => l.received >= l.qty) && none(c.waiting) && (c.allotted ?? []).length === 0 },
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
      return { lines, receipts: [...context.receipts, event.receiptId], ...allot(context, { add: event.allotted ?? [] }), updatedAt: event.at };
    }),
    stockIn: emit(({ context, event }) => {
      const e = event as Extract<InboundEvent, { type: 'inbound.received' }>;
      return { type: 'stock.adjust', location: context.location, lines: e.lines, status: e.status, reason: `inbound ${context.id} receipt ${e.receiptId}`, sign: 1 } as const;
    }),
    claim: assign(({ context, event }) => (event.type === 'inbound.claimed' ? { waiting: plus(context.waiting, event.lines, 1), updatedAt: event.at } : {})),
    unclaim: assign(({ context, event }) => (event.type === 'inbound.unclaimed' ? { waiting: plus(context.waiting, event.lines, -1), updatedAt: event.at } : {})),
    allocate: assign(({ context, event }) => {
      if (event.type !== 'inbound.allocated') return {};
      return { ...allot(context, event), allocated: plus(context.allocated, event.lines, 1), updatedAt: event.at };
    }),
    withdraw: assign(({ context, event }) => (event.type === 'inbound.withdrawn' ? { ...allot(context, event), updatedAt: event.at } : {})),
    cancel: assign(({ event }) => ({ cancelReason: event.type === 'inbound.cancelled' ? event.reason : 'cancelled', waiting: {}, held: {}, allotted: [], updatedAt: event.at })),
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
        'inbound.received': [{ guard: ({ event }) => event.stocked === true, actions: 'receive' }, { actions: ['receive', 'stockIn'] }],
        'inbound.claimed': { actions: 'claim' },
        'inbound.unclaimed': { actions: 'unclaim' },
        'inbound.allocated': { actions: 'allocate' },
        'inbound.withdrawn': { actions: 'withdraw' },
        'inbound.cancelled': { target: 'cancelled', actions: 'cancel' },
      },
    },
    received: { type: 'final' },
    cancelled: { type: 'final' },
  },
});
