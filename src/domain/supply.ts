/** Supply over time: inbound stock, the rules that sell against it, and the orders that wait for it. */

export const INBOUND_KINDS = ['purchase_order', 'asn', 'transfer', 'production'] as const;
export type InboundKind = (typeof INBOUND_KINDS)[number];

/** One SKU expected on an inbound, and how much of it has arrived. */
export interface InboundLine {
  sku: string;
  qty: number;
  received: number;
}

/** An inbound supply (a purchase order, an ASN, a transfer, a production run) as its actor holds it. */
export interface InboundContext {
  id: string;
  location: string;
  kind: InboundKind;
  reference?: string;
  expectedAt: string;
  lines: InboundLine[];
  /** Receipt ids applied (a repeated one is answered, not applied again). */
  receipts: string[];
  /**
   * Units of orders waiting on this inbound, per SKU. Which orders, in which order, is in each order's own
   * `waiting` lines (their `rank`); the supply module keeps the queues from them.
   */
  waiting: Record<string, number>;
  /**
   * Units received and given to waiting orders (the receipt decided who, in queue order) but not yet sourced
   * into fulfilments: reserved at the location under the inbound's id meanwhile, per SKU (the sum of `allotted`).
   */
  held: Record<string, number>;
  /**
   * Who the held units belong to, in allocation order: decided once, in the receipt's own step, so that the
   * order of priority is the one at arrival; the orders are then sourced a batch per step, from the front.
   * Absent in inbound stored before allotments existed (read as empty).
   */
  allotted?: Allotment[];
  /** Units allocated to waiting orders so far, per SKU: sold against this inbound and delivered on it. */
  allocated: Record<string, number>;
  cancelReason?: string;
  /** The transfer whose arrival this is (kind `transfer`): it is received and cancelled with the transfer. */
  transfer?: string;
  /** The order sourcing made the transfer for: its units are allocated to it here, at this location. */
  forOrder?: string;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  timers: Record<string, string>;
}

export type SupplyMode = 'backorder' | 'preorder';

/** How an order with waiting lines ships: what is in stock now and the rest later, or everything together. */
export type BackorderOption = 'ship-available' | 'ship-complete';

/** A supply rule: SKUs that may be sold against inbound supply, and within which limits. */
export interface SupplyRule {
  id: string;
  skus: string[];
  /** Only orders on this pool (or channel) may wait under the rule; absent: any. */
  pool?: string;
  channel?: string;
  mode: SupplyMode;
  /** Units that may be sold against inbound under this rule, over all inbound (waiting plus allocated). */
  cap?: number;
  /** The same, per inbound. */
  capPerInbound?: number;
  /** Pre-orders: when they may be placed. */
  window?: { from?: string; to?: string };
  /** The share of each kind of supply worth promising, in percent (default 100). */
  confidence?: Partial<Record<InboundKind, number>>;
  /** Supply expected later than this many days from now is not promised. */
  maxLeadDays?: number;
  /** How a waiting order ships by default (the order may say otherwise). */
  backorder?: BackorderOption;
  /** When a waiting order is asked to pay: when it is placed (default), or once its last unit is allocated. */
  payment?: 'at_order' | 'at_allocation';
  /**
   * Who is allocated first when supply arrives, key by key (then first come, first served): pre-orders
   * before backorders, channels, a customer attribute (a tier) or an order attribute, each in the order
   * given (values not listed come after).
   */
  priority?: PriorityKey[];
  description?: string;
  version: number;
  updatedAt: string;
}

/** One key of allocation priority. */
export type PriorityKey =
  | { by: 'mode' }
  | { by: 'channel'; order: string[] }
  | { by: 'customer'; attribute: string; order: Array<string | number | boolean> }
  | { by: 'attribute'; key: string; order: Array<string | number | boolean> };

/** What allocation priority reads of an order. */
export interface PriorityFacts {
  channel: string;
  customer: Record<string, unknown>;
  attributes: Record<string, unknown>;
}

/**
 * The part of a queue rank that priority decides: two digits per key (the position of the order's value in
 * the key's list; values not listed after every listed one), so that ranks sort by priority, then by arrival.
 */
export function priorityPrefix(keys: readonly PriorityKey[] | undefined, mode: SupplyMode, facts: PriorityFacts): string {
  if (!keys || keys.length === 0) return '';
  const at = (list: readonly unknown[], value: unknown) => {
    const i = list.indexOf(value);
    return String(i < 0 ? Math.min(list.length, 99) : i).padStart(2, '0');
  };
  return keys
    .map((k) => {
      if (k.by === 'mode') return mode === 'preorder' ? '00' : '01';
      if (k.by === 'channel') return at(k.order, facts.channel);
      if (k.by === 'customer') return at(k.order, facts.customer[k.attribute]);
      return at(k.order, facts.attributes[k.key]);
    })
    .join('');
}

/**
 * Units of a SKU an order waits for on one inbound, as the order records them. `rank` is the order's place
 * in the inbound's queue (first come, first served: the step that claimed them); `promisedAt` the date the
 * customer was given.
 */
export interface WaitingLine {
  sku: string;
  qty: number;
  inbound: string;
  mode: SupplyMode;
  promisedAt: string;
  rank: string;
}

/** Units of a SKU a receipt gave to a waiting order: `[orderId, sku, qty]`. */
export type Allotment = [string, string, number];

/** Units per SKU, as inbound events carry them. */
export type SkuUnits = Array<{ sku: string; qty: number }>;

/** Promisable units of a SKU by date: `qty` more become available from `from`. */
export interface FutureBucket {
  qty: number;
  from: string;
}
