import type { AnyMachineSnapshot } from 'xstate';
import type { OrderContext } from '../../actors/index.js';
import type { StoredState } from '../../snapshots/index.js';
import type { OrderLine } from '../domain/order.js';
import { computeRefund, paidCents, type Refund } from '../domain/refunds.js';
import type { DispositionLine } from '../domain/return-lines.js';
import type { Engine, EntityEntry, Step } from '../engine/index.js';
import { shippedUnits } from './shipped.js';
import { ReturnPolicies } from './policies.js';

/** What a return's context holds that the claims and refunds need. */
export interface ReturnFacts {
  id: string;
  orderId: string;
  lines: Array<OrderLine & { reason: string; policy?: string }>;
  dispositions?: DispositionLine[];
  refunds?: Refund[];
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
  /** orderId -> returnId -> the return's context (cancelled returns left out). */
  readonly #byOrder = new Map<string, Map<string, ReturnFacts>>();

  constructor(engine: Engine) {
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
    for (const r of this.#byOrder.get(orderId)?.values() ?? []) {
      if (r.id === exceptReturn) continue;
      for (const f of r.refunds ?? []) {
        if (f.status === 'failed') continue;
        total += cents(f.total);
        shipping ||= (f.shipping ?? 0) > 0;
      }
    }
    return { cents: total, shipping };
  }

  /** Computes a return's refund and hands it to the return (`return.refund_planned`), which records it and sends the webhook. */
  #planRefund(engine: Engine, step: Step, entry: EntityEntry): void {
    const r = entry.snapshot.context as ReturnFacts;
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
    engine.send(step, entry, { type: 'return.refund_planned', refund, at: step.iso });
  }

  /** Every unit the order shipped is claimed by its returns. */
  #allReturned(order: OrderContext, orderId: string): boolean {
    const claimed = this.claimed(orderId);
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
    byReturn.set(r.id, r);
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
