import type { DispositionLine } from './return-lines.js';

/** How a policy turns returned units into money: deductions in percent, and when shipping is refunded. */
export interface RefundRule {
  /** Percent kept back per inspection outcome (e.g. `{scrap: 50}`) and per return reason (e.g. `{changed_mind: 10}`); the larger applies. */
  deductions?: { outcomes?: Partial<Record<DispositionLine['outcome'], number>>; reasons?: Record<string, number> };
  /** `never`, `always` (with the first refund of the order), or `full_return` (default: when every unit that shipped has come back). */
  shipping?: 'never' | 'always' | 'full_return';
}

/** One refunded part of a return line. */
export interface RefundLine {
  sku: string;
  qty: number;
  unitPrice: number;
  /** The percent kept back, and why (`outcome:scrap`, `reason:changed_mind`). */
  deduction?: { percent: number; why: string };
  amount: number;
}

/**
 * A refund as requested from the payment system, and what came of it. An order placed without prices gets
 * refunds without amounts (the lines only): the payment system prices them.
 */
export interface Refund {
  id: string;
  currency?: string;
  lines: Array<RefundLine | { sku: string; qty: number }>;
  shipping?: number;
  total?: number;
  /** Set when the order's remaining refundable amount was less than the lines add up to. */
  cappedFrom?: number;
  status: 'requested' | 'completed' | 'failed';
  /** Nothing to pay: every returned unit was replaced by an exchange (no webhook; completed in the same step). */
  settledBy?: 'exchange';
  requestedAt: string;
  completedAt?: string;
  failure?: string;
}

/** What a refund needs to know of the order. */
export interface PaidOrder {
  currency: string;
  lines: Array<{ sku: string; qty: number; unitPrice?: number }>;
  shippingAmount?: number;
}

/** What a refund needs to know of the return. */
export interface ReturnToRefund {
  lines: Array<{ sku: string; qty: number; reason: string; policy?: string }>;
  dispositions?: DispositionLine[];
}

const cents = (x: number) => Math.round(x * 100);

/** What the order paid: its lines at their prices, and shipping. */
export function paidCents(order: PaidOrder): number {
  let total = cents(order.shippingAmount ?? 0);
  for (const l of order.lines) total += cents(l.unitPrice ?? 0) * l.qty;
  return total;
}

/** A SKU's unit price on the order (intake refuses two prices for one SKU). */
function unitPriceOf(order: PaidOrder, sku: string): number {
  return order.lines.find((l) => l.sku === sku && l.unitPrice !== undefined)?.unitPrice ?? 0;
}

/**
 * A return's refund: each returned unit at the price paid, less the larger of its outcome's and its
 * reason's deduction (outcomes known only after inspection), shipping by the rule, and never more than the
 * order has left to refund (`remainingCents`: paid less the refunds of its other returns). Integer cents
 * throughout, so amounts add up exactly.
 */
export function computeRefund(
  order: PaidOrder,
  ret: ReturnToRefund,
  ruleOf: (policy: string | undefined) => RefundRule | undefined,
  remainingCents: number,
  shippingDue: boolean,
): Omit<Refund, 'id' | 'status' | 'requestedAt'> {
  const lines: RefundLine[] = [];
  // Units of each SKU with an outcome, consumed line by line in the order the outcomes were given.
  const outcomes = new Map<string, DispositionLine[]>();
  for (const d of ret.dispositions ?? []) outcomes.set(d.sku, [...(outcomes.get(d.sku) ?? []), { ...d }]);
  let total = 0;
  for (const l of ret.lines) {
    const rule = ruleOf(l.policy);
    const price = unitPriceOf(order, l.sku);
    let left = l.qty;
    const parts: Array<{ qty: number; outcome?: DispositionLine['outcome'] }> = [];
    for (const d of outcomes.get(l.sku) ?? []) {
      if (left === 0) break;
      const take = Math.min(left, d.qty);
      if (take === 0) continue;
      d.qty -= take;
      left -= take;
      parts.push({ qty: take, outcome: d.outcome });
    }
    if (left > 0) parts.push({ qty: left });
    for (const part of parts) {
      const byOutcome = part.outcome !== undefined ? (rule?.deductions?.outcomes?.[part.outcome] ?? 0) : 0;
      const byReason = rule?.deductions?.reasons?.[l.reason] ?? 0;
      const percent = Math.max(byOutcome, byReason);
      const gross = cents(price) * part.qty;
      const amount = gross - Math.round((gross * percent) / 100);
      total += amount;
      lines.push({
        sku: l.sku,
        qty: part.qty,
        unitPrice: price,
        ...(percent > 0 ? { deduction: { percent, why: byOutcome >= byReason ? `outcome:${part.outcome}` : `reason:${l.reason}` } } : {}),
        amount: amount / 100,
      });
    }
  }
  const shipping = shippingDue ? cents(order.shippingAmount ?? 0) : 0;
  total += shipping;
  const capped = Math.min(total, Math.max(0, remainingCents));
  return { currency: order.currency, lines, shipping: shipping / 100, total: capped / 100, ...(capped < total ? { cappedFrom: total / 100 } : {}) };
}

/** The refund still waiting for the payment system's answer (the latest requested one), if any. */
export function pendingRefund(refunds: readonly Refund[]): Refund | undefined {
  for (let i = refunds.length - 1; i >= 0; i--) if (refunds[i]!.status === 'requested') return refunds[i];
  return undefined;
}

/** Records the payment system's answer on the refund it names (or the pending one). */
export function answerRefund(refunds: readonly Refund[], e: { type: string; at: string; refundId?: string; reason?: string }): Refund[] {
  const target = e.refundId ?? pendingRefund(refunds)?.id;
  return refunds.map((r) => {
    if (r.id !== target || r.status !== 'requested') return r;
    return e.type === 'refund.completed' ? { ...r, status: 'completed', completedAt: e.at } : { ...r, status: 'failed', completedAt: e.at, failure: e.reason ?? 'refund failed' };
  });
}
