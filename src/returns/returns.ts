import type { AnyMachineSnapshot } from 'xstate';
import type { OrderContext } from '../../actors/index.js';
import type { StoredState } from '../../snapshots/index.js';
import type { OrderLine } from '../domain/order.js';
import { subtractLines } from '../domain/order-changes.js';
import { computeRefund, paidCents, type Refund } from '../domain/refunds.js';
import type { DispositionLine, ExchangeLine } from '../domain/return-lines.js';
import { DomainError } from '../domain/errors.js';
import type { Engine, EntityEntry, Step } from '../engine/index.js';
import { placeOrderIn, type OrderPorts, type PlaceOrder } from '../orders/index.js';
import { shippedUnits } from './shipped.js';
import { ReturnPolicies } from './policies.js';

/** What a return's context holds that the claims and refunds need. */
export interface ReturnFacts {
  id: string;
  orderId: string;
  lines: Array<OrderLine & { reason: string; policy?: string }>;
  dispositions?: DispositionLine[];
  refunds?: Refund[];
  /** Replacement units asked instead of money, and what came of them. */
  exchange?: { lines: Required<ExchangeLine>[]; status: 'requested' | 'placed' | 'failed'; orderId?: string };
}

/**
 * What the claims index keeps of a return: not its context (a finished return's would stay in memory for
 * good) but its units, what it was refunded, and what a placed exchange replaced.
 */
interface Claim {
  lines: Array<{ sku: string; qty: number }>;
  /** Refunds requested or completed (failed ones do not count), in cents. */
  refundedCents: number;
  shippingRefunded: boolean;
  exchanged?: Array<{ replaces: string; qty: number }>;
}

function claimOf(r: ReturnFacts): Claim {
  let refundedCents = 0;
  let shippingRefunded = false;
  for (const f of r.refunds ?? []) {
    if (f.status === 'failed') continue;
    refundedCents += cents(f.total);
    shippingRefunded ||= (f.shipping ?? 0) > 0;
  }
  return {
    lines: r.lines.map(({ sku, qty }) => ({ sku, qty })),
    refundedCents,
    shippingRefunded,
    ...(r.exchange?.status === 'placed' ? { exchanged: r.exchange.lines.map(({ replaces, qty }) => ({ replaces, qty })) } : {}),
  };
}

/**
 * Places a return's replacement order in the step that asked for it: to the original order's customer and
 * address, on its channel, each unit at the price paid for the unit it replaces (so a later return of the
 * replacement refunds what was paid), marked `exchangeOf` (the order workflows skip payment for it). A refusal
 * (no stock, a purchase limit) changes nothing of the order and is recorded on the return, which then refunds.
 */
function placeExchange(ports: OrderPorts, step: Step, entry: EntityEntry): void {
  const r = entry.snapshot.context as ReturnFacts;
  if (r.exchange?.status !== 'requested') return;
  const order = ports.engine.entityState('order', r.orderId)?.state.context as OrderContext | undefined;
  if (!order) return;
  const priceOf = (sku: string) => (order.lines as Array<{ sku: string; unitPrice?: number }>).find((l) => l.sku === sku)?.unitPrice;
  const lines = new Map<string, { sku: string; qty: number; unitPrice?: number }>();
  for (const x of r.exchange.lines) {
    const line = lines.get(x.sku) ?? { sku: x.sku, qty: 0, ...(order.currency !== undefined && priceOf(x.replaces) !== undefined ? { unitPrice: priceOf(x.replaces)! } : {}) };
    line.qty += x.qty;
    lines.set(x.sku, line);
  }
  const cmd: PlaceOrder = {
    ref: `${r.id}-exchange`,
    channel: order.channel,
    pool: order.pool,
    customer: order.customer,
    deliverTo: order.deliverTo,
    deliveryType: order.deliveryType === 'collect' ? 'home' : order.deliveryType,
    lines: [...lines.values()],
    ...(order.currency !== undefined ? { currency: order.currency } : {}),
    attributes: { exchangeOf: r.id, originalOrder: r.orderId },
  };
  try {
    const id = placeOrderIn(ports, step, cmd, `return:${r.id}`);
    ports.engine.send(step, entry, { type: 'return.exchange_placed', orderId: id, at: step.iso });
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    ports.engine.send(step, entry, { type: 'return.exchange_failed', reason: e.message, at: step.iso });
  }
}

/**
 * The states a return workflow ends in when its units did not come back to stay: withdrawn by the customer,
 * or rejected (a failed authenticity check sends them back). Their units are no longer claimed.
 */
export const RETURN_RELEASED: ReadonlySet<unknown> = new Set(['cancelled', 'rejected']);

const cents = (x: number | undefined) => Math.round((x ?? 0) * 100);

/**
 * Returns: what each order's returns claim and were refunded. A return claims its units from the moment it
 * is opened until it is cancelled (received, inspected and closed returns keep their claim), so that the
 * units of an order that can still be returned are the shipped units minus every claim, open returns
 * included; its refunds (requested or completed, not failed) count against what the order paid. Both are
 * derived state: kept current by the engine's entity changes (in the very step that opens a return or plans
 * a refund, so two returns of one order cannot both pass a check), and rebuilt from the stored returns on
 * recovery. It also computes refunds (`refund.request` effects of return workflows).
 */
export class Returns {
  /** Windows, reasons, non-returnable products and refund rules. */
  readonly policies = new ReturnPolicies();
  /** orderId -> returnId -> what the return claims and was refunded (cancelled returns left out). */
  readonly #byOrder = new Map<string, Map<string, Claim>>();

  constructor(engine: Engine, ports: OrderPorts) {
    engine.onEntityChanged((entry) => {
      if (entry.kind === 'return') this.#track(entry.snapshot);
    });
    engine.onRecovered(() => {
      this.policies.load(engine);
      this.#rebuild(engine);
    });
    engine.handleEffect('refund.request', (step, from) => {
      if (from.kind === 'return') this.#planRefund(engine, step, from as EntityEntry);
    });
    engine.handleEffect('exchange.place', (step, from) => {
      if (from.kind === 'return') placeExchange(ports, step, from as EntityEntry);
    });
  }

  /** The units per SKU that the order's returns claim (open, received or closed; cancelled ones not). */
  claimed(orderId: string): Map<string, number> {
    const out = new Map<string, number>();
    for (const r of this.#byOrder.get(orderId)?.values() ?? []) {
      for (const l of r.lines) out.set(l.sku, (out.get(l.sku) ?? 0) + l.qty);
    }
    return out;
  }

  /** The ids of the order's returns (cancelled ones left out), oldest first. */
  returnsOf(orderId: string): string[] {
    return [...(this.#byOrder.get(orderId)?.keys() ?? [])].sort();
  }

  /** What the order's returns other than `exceptReturn` were refunded or asked to be (failed refunds do not count). */
  #refunded(orderId: string, exceptReturn: string): { cents: number; shipping: boolean } {
    let total = 0;
    let shipping = false;
    for (const [id, r] of this.#byOrder.get(orderId) ?? []) {
      if (id === exceptReturn) continue;
      total += r.refundedCents;
      shipping ||= r.shippingRefunded;
    }
    return { cents: total, shipping };
  }

  /** Computes a return's refund and hands it to the return (`return.refund_planned`), which records it and sends the webhook. */
  #planRefund(engine: Engine, step: Step, entry: EntityEntry): void {
    const asked = entry.snapshot.context as ReturnFacts;
    // Units replaced by a placed exchange are settled by it, not refunded.
    const r = asked.exchange?.status === 'placed' ? { ...asked, lines: subtractLines(asked.lines, asked.exchange.lines.map((x) => ({ sku: x.replaces, qty: x.qty }))) as ReturnFacts['lines'] } : asked;
    const order = engine.entityState('order', r.orderId)?.state.context as OrderContext | undefined;
    const previous = r.refunds ?? [];
    const base = { id: `${r.id}-R${previous.length + 1}`, status: 'requested' as const, requestedAt: step.iso };
    let refund: Refund;
    if (!order?.currency) {
      refund = { ...base, lines: r.lines.map(({ sku, qty }) => ({ sku, qty })) };
    } else {
      // Other refunds of this return (failed ones aside) also count against what was paid.
      const own = previous.filter((f) => f.status !== 'failed').reduce((n, f) => n + cents(f.total), 0);
      const others = this.#refunded(r.orderId, r.id);
      const remaining = paidCents({ currency: order.currency, lines: order.lines, ...(order.shippingAmount !== undefined ? { shippingAmount: order.shippingAmount } : {}) }) - others.cents - own;
      const rule = (policy: string | undefined) => (policy ? this.policies.get(policy)?.refund : undefined);
      const shippingRule = rule(r.lines[0]?.policy)?.shipping ?? 'full_return';
      const shippingOnce = !others.shipping && !previous.some((f) => f.status !== 'failed' && (f.shipping ?? 0) > 0);
      const shippingDue = shippingOnce && (shippingRule === 'always' || (shippingRule === 'full_return' && this.#allReturned(order, r.orderId)));
      const paid = { currency: order.currency, lines: order.lines, ...(order.shippingAmount !== undefined ? { shippingAmount: order.shippingAmount } : {}) };
      refund = { ...base, ...computeRefund(paid, r, rule, remaining, shippingDue) };
    }
    if (r.lines.length === 0 && !(refund.total! > 0)) {
      // Every unit was exchanged: nothing goes to the payment system, and the refund is complete at once.
      engine.send(step, entry, { type: 'return.refund_planned', refund: { ...refund, settledBy: 'exchange' }, at: step.iso });
      engine.send(step, entry, { type: 'refund.completed', refundId: refund.id, at: step.iso });
      return;
    }
    engine.send(step, entry, { type: 'return.refund_planned', refund, at: step.iso });
  }

  /** Every unit the order shipped is claimed by its returns and not replaced by an exchange (the customer keeps a replacement). */
  #allReturned(order: OrderContext, orderId: string): boolean {
    const claimed = this.claimed(orderId);
    for (const r of this.#byOrder.get(orderId)?.values() ?? []) {
      for (const x of r.exchanged ?? []) claimed.set(x.replaces, (claimed.get(x.replaces) ?? 0) - x.qty);
    }
    for (const [sku, qty] of shippedUnits(order.fulfilments ?? [])) if ((claimed.get(sku) ?? 0) < qty) return false;
    return true;
  }

  #track(snapshot: AnyMachineSnapshot | StoredState): void {
    const r = snapshot.context as ReturnFacts;
    let byReturn = this.#byOrder.get(r.orderId);
    if (RETURN_RELEASED.has(snapshot.value)) {
      byReturn?.delete(r.id);
      if (byReturn?.size === 0) this.#byOrder.delete(r.orderId);
      return;
    }
    if (!byReturn) this.#byOrder.set(r.orderId, (byReturn = new Map()));
    byReturn.set(r.id, claimOf(r));
  }

  /** Every return ever opened, open ones from memory and finished ones from the store. */
  #rebuild(engine: Engine): void {
    this.#byOrder.clear();
    const live = engine.registry.entities('return');
    for (const entry of live.values()) this.#track(entry.snapshot);
    for (const { key, value } of engine.store.actors.getRange({ start: 'ret:', end: 'ret;' })) {
      if (!live.has(key.slice(4))) this.#track(value.snapshot as StoredState);
    }
  }
}
