import type { OrderContext } from '../../actors/index.js';
import type { Fulfilment } from '../domain/order.js';

/** An order as clients see it (`GET /orders/:id`). */
export interface OrderView {
  id: string;
  ref?: string;
  status: string;
  channel: string;
  pool: string;
  customer: OrderContext['customer'];
  deliverTo: OrderContext['deliverTo'];
  deliveryType: string;
  collectAt?: string;
  lines: OrderContext['lines'];
  split: OrderContext['split'];
  attributes: Record<string, unknown>;
  fulfilments: Fulfilment[];
  createdAt: string;
  updatedAt: string;
  cancelReason?: string;
  /** Units cancelled before they shipped, per SKU (`lines` holds what is left). */
  cancelledLines?: OrderContext['cancelledLines'];
  /** Which machine (workflow and version) runs the order. */
  workflow: string;
  /** The id of the API key that created it (never the key itself). */
  createdBy: string;
  holdId?: string;
  value?: number;
  /** The currency of the lines' unitPrice and shippingAmount, when the order carries prices. */
  currency?: string;
  shippingAmount?: number;
  /** When the carrier reported it delivered. */
  deliveredAt?: string;
  /** The sourcing profile version and strategy that planned it (`GET /orders/:id/sourcing` explains why). */
  sourcing?: OrderContext['sourcing'];
  /** The workflow state (status may be a label a workflow set). */
  state: string;
  /** Units waiting on inbound supply, each with its inbound and promised date, and how the order ships them. */
  waiting?: OrderContext['waiting'];
  backorder?: OrderContext['backorder'];
  /** The latest date promised for a waiting unit. */
  promisedAt?: string;
  unfulfillable?: OrderContext['unfulfillable'];
}

/** A state value as one status string: `reserved`, or `fulfilment.picking` for nested states. */
export function statusOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const [key, inner] = Object.entries(value)[0] ?? ['unknown', undefined];
    return inner === undefined || (typeof inner === 'object' && Object.keys(inner as object).length === 0) ? key : `${key}.${statusOf(inner)}`;
  }
  return 'unknown';
}

/** Builds the client view from an order's context and state value (live or stored snapshot). */
export function orderView(context: OrderContext, value: unknown, machine: string): OrderView {
  const view: OrderView = {
    id: context.id,
    status: context.status ?? statusOf(value),
    state: statusOf(value),
    channel: context.channel,
    pool: context.pool,
    customer: context.customer,
    deliverTo: context.deliverTo,
    deliveryType: context.deliveryType,
    lines: context.lines,
    split: context.split,
    attributes: context.attributes,
    fulfilments: context.fulfilments,
    createdAt: context.createdAt,
    updatedAt: context.updatedAt,
    workflow: machine,
    createdBy: context.createdBy,
  };
  if (context.ref !== undefined) view.ref = context.ref;
  if (context.collectAt !== undefined) view.collectAt = context.collectAt;
  if (context.cancelReason !== undefined) view.cancelReason = context.cancelReason;
  if (context.cancelledLines !== undefined) view.cancelledLines = context.cancelledLines;
  if (context.holdId !== undefined) view.holdId = context.holdId;
  if (context.value !== undefined) view.value = context.value;
  if (context.currency !== undefined) view.currency = context.currency;
  if (context.shippingAmount !== undefined) view.shippingAmount = context.shippingAmount;
  if (context.deliveredAt !== undefined) view.deliveredAt = context.deliveredAt;
  if (context.sourcing !== undefined) view.sourcing = context.sourcing;
  if (context.backorder !== undefined) view.backorder = context.backorder;
  if (context.waiting !== undefined && context.waiting.length > 0) {
    view.waiting = context.waiting;
    view.promisedAt = context.waiting.reduce((d, w) => (w.promisedAt > d ? w.promisedAt : d), '');
  }
  if (context.unfulfillable !== undefined && context.unfulfillable.length > 0) view.unfulfillable = context.unfulfillable;
  return view;
}
