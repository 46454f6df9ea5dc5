import { assign, emit, enqueueActions, setup } from 'xstate';
import type { Destination, Fulfilment, FulfilmentStatus, OrderLine, SplitPolicy } from '../src/domain/order.js';
import { applyEdit, cancelLines, CANCELLABLE_STATUSES, type FulfilmentCut, type OrderEdit } from '../src/domain/order-changes.js';
import type { BackorderOption, WaitingLine } from '../src/domain/supply.js';

/** The facts of an order that never change after intake. */
export interface OrderInput {
  id: string;
  ref?: string;
  channel: string;
  pool: string;
  customer: { id: string; [k: string]: unknown };
  deliverTo: Destination;
  deliveryType: string;
  collectAt?: string;
  lines: OrderLine[];
  split: SplitPolicy;
  attributes: Record<string, unknown>;
  createdAt: string;
  /** The API key (its id, never the secret) that created the order: storefront keys read only their own. */
  createdBy: string;
  /** The cart hold the order consumed, if any. */
  holdId?: string;
  /** The currency of the lines' `unitPrice` and of `shippingAmount`, when the order carries prices. */
  currency?: string;
  /** What the customer paid for shipping. */
  shippingAmount?: number;
  /** The order's value from catalog prices at intake (workflow guards such as orderValueAbove read it). */
  value?: number;
  /** The sourcing profile version and strategy that planned the order at intake. */
  sourcing?: { profile: string; version: number; strategy: string };
  /** How an order with waiting lines ships: what is in stock now and the rest later, or all together. */
  backorder?: BackorderOption;
  /** Set when the supply rule takes payment only once every waiting unit is allocated. */
  payment?: 'at_allocation';
}

export interface OrderContext extends OrderInput {
  updatedAt: string;
  fulfilments: Fulfilment[];
  cancelReason?: string;
  /** A status label a workflow set (setStatus); the state name is shown when absent. */
  status?: string;
  /** Deadlines the engine's timer wheel fires (workflow orders). */
  timers?: Record<string, string>;
  /** Lines a re-sourcing could not place (workflow orders). */
  short?: unknown[];
  /** Units cancelled before they shipped (`POST /orders/:id/cancel` with lines), per SKU. */
  cancelledLines?: OrderLine[];
  /** When the carrier reported the order delivered (`delivered`); return windows may count from it. */
  deliveredAt?: string;
  /** Units waiting on inbound supply (backorders, pre-orders), each on one inbound with its promised date. */
  waiting?: WaitingLine[];
  /** Waiting units whose supply was cancelled with no other to wait on. */
  unfulfillable?: WaitingLine[];
}

/**
 * Events an order takes. `order.*` events come from the engine only (intake, cancel endpoint); the others
 * arrive from other systems through `POST /orders/:id/events`. Every event carries its time: actors never
 * read the clock.
 */
export type OrderEvent =
  | { type: 'order.sourced'; fulfilments: Fulfilment[]; at: string }
  | { type: 'order.cancelled'; reason: string; at: string }
  /** Some units cancelled before shipping: `cuts` says which fulfilments gave them up (decided by the command). */
  | { type: 'order.lines_cancelled'; lines: OrderLine[]; cuts: FulfilmentCut[]; reason: string; at: string }
  /** A new destination or delivery type, with the fulfilments of a new plan when the order was sourced again. */
  | ({ type: 'order.edited'; reason: string; at: string } & OrderEdit)
  | { type: 'picked'; fulfilmentId: string; at: string }
  | { type: 'packed'; fulfilmentId: string; at: string }
  | { type: 'shipped'; fulfilmentId: string; at: string }
  | { type: 'delivered'; at: string };

/** Effects an order asks of the engine, which turns them into facts on location actors in the same step. */
export type OrderEffect =
  | { type: 'stock.release'; ref: string; location: string; lines: OrderLine[] }
  | { type: 'stock.ship'; ref: string; location: string; lines: OrderLine[] };

type StepEvent = Extract<OrderEvent, { fulfilmentId: string }>;

const NEXT: Record<StepEvent['type'], { from: FulfilmentStatus[]; to: FulfilmentStatus }> = {
  picked: { from: ['created'], to: 'picked' },
  packed: { from: ['created', 'picked'], to: 'packed' },
  shipped: { from: ['created', 'picked', 'packed'], to: 'shipped' },
};

function stepAllowed(context: OrderContext, event: OrderEvent): event is StepEvent {
  if (!('fulfilmentId' in event)) return false;
  const f = context.fulfilments.find((x) => x.id === event.fulfilmentId);
  return f !== undefined && NEXT[event.type].from.includes(f.status);
}

function afterStep(context: OrderContext, event: StepEvent): Fulfilment[] {
  const to = NEXT[event.type].to;
  return context.fulfilments.map((f) => (f.id === event.fulfilmentId ? { ...f, status: to, ...(to === 'shipped' ? { shippedAt: event.at } : {}) } : f));
}

/** The default order lifecycle: created -> reserved -> (partially_)shipped -> delivered, or cancelled. */
export const orderMachine = setup({
  types: {} as { context: OrderContext; events: OrderEvent; input: OrderInput; emitted: OrderEffect },
  guards: {
    nothingOpen: ({ context }) => !context.fulfilments.some((f) => CANCELLABLE_STATUSES.includes(f.status)),
    stepAllowed: ({ context, event }) => stepAllowed(context, event),
    isLastShipment: ({ context, event }) =>
      event.type === 'shipped' &&
      stepAllowed(context, event) &&
      context.fulfilments.every((f) => f.id === event.fulfilmentId || f.status === 'shipped'),
  },
  actions: {
    recordFulfilments: assign(({ event }) => {
      if (event.type !== 'order.sourced') return {};
      return { fulfilments: event.fulfilments, updatedAt: event.at };
    }),
    recordStep: assign(({ context, event }) => {
      if (!stepAllowed(context, event)) return {};
      return { fulfilments: afterStep(context, event), updatedAt: event.at };
    }),
    shipStock: emit(({ context, event }) => {
      const f = 'fulfilmentId' in event ? context.fulfilments.find((x) => x.id === event.fulfilmentId) : undefined;
      return { type: 'stock.ship', ref: context.id, location: f?.location ?? '', lines: f?.lines ?? [] } as const;
    }),
    releaseStock: enqueueActions(({ context, enqueue }) => {
      for (const f of context.fulfilments) {
        if (f.status !== 'shipped' && f.status !== 'cancelled') {
          enqueue.emit({ type: 'stock.release', ref: context.id, location: f.location, lines: f.lines });
        }
      }
    }),
    recordCancel: assign(({ context, event }) => {
      if (event.type !== 'order.cancelled') return {};
      const fulfilments = context.fulfilments.map((f) => ({ ...f, status: 'cancelled' as const }));
      return { fulfilments, cancelReason: event.reason, updatedAt: event.at };
    }),
    recordDelivery: assign(({ event }) => ('at' in event ? { deliveredAt: event.at, updatedAt: event.at } : {})),
    recordLinesCancelled: assign(({ context, event }) => {
      if (event.type !== 'order.lines_cancelled') return {};
      return { ...cancelLines(context, event.cuts), updatedAt: event.at };
    }),
    recordEdit: assign(({ context, event }) => {
      if (event.type !== 'order.edited') return {};
      return { ...applyEdit(context, event), updatedAt: event.at };
    }),
  },
}).createMachine({
  id: 'order',
  context: ({ input }) => ({ ...input, updatedAt: input.createdAt, fulfilments: [] }),
  initial: 'created',
  // Partial cancellations and edits are checked by their commands (units still unshipped, nothing started).
  on: {
    'order.lines_cancelled': { actions: 'recordLinesCancelled' },
    'order.edited': { actions: 'recordEdit' },
  },
  states: {
    created: {
      on: {
        'order.sourced': { target: 'reserved', actions: 'recordFulfilments' },
        'order.cancelled': { target: 'cancelled', actions: 'recordCancel' },
      },
    },
    reserved: {
      on: {
        picked: { guard: 'stepAllowed', actions: 'recordStep' },
        packed: { guard: 'stepAllowed', actions: 'recordStep' },
        shipped: [
          { guard: 'isLastShipment', target: 'shipped', actions: ['shipStock', 'recordStep'] },
          { guard: 'stepAllowed', target: 'partially_shipped', actions: ['shipStock', 'recordStep'] },
        ],
        // Release before recording: the release reads which fulfilments still hold stock.
        'order.cancelled': { target: 'cancelled', actions: ['releaseStock', 'recordCancel'] },
      },
    },
    partially_shipped: {
      // The units that had not shipped were cancelled: what is left has all gone.
      always: { guard: 'nothingOpen', target: 'shipped' },
      on: {
        picked: { guard: 'stepAllowed', actions: 'recordStep' },
        packed: { guard: 'stepAllowed', actions: 'recordStep' },
        shipped: [
          { guard: 'isLastShipment', target: 'shipped', actions: ['shipStock', 'recordStep'] },
          { guard: 'stepAllowed', actions: ['shipStock', 'recordStep'] },
        ],
      },
    },
    shipped: { on: { delivered: { target: 'delivered', actions: 'recordDelivery' } } },
    delivered: { type: 'final' },
    cancelled: { type: 'final' },
  },
});
