import type { OrderContext } from '../../actors/index.js';
import { DomainError, type ErrorDetail } from '../domain/errors.js';
import { quantitiesBySku, SHIPPED_STATUSES, type Fulfilment } from '../domain/order.js';
import type { ExchangeLine } from '../domain/return-lines.js';
import { ENTITY_NEW_STATE, type Committed, type Engine } from '../engine/index.js';
import type { Stock } from '../stock/index.js';
import type { ReturnPolicy } from './policies.js';
import type { Returns } from './returns.js';
import { shippedUnits } from './shipped.js';

/** What returns need of a Fulcrum. */
export interface ReturnPorts {
  engine: Engine;
  stock: Stock;
  returns: Returns;
}

/** One line of a return: units of a SKU and why they come back. */
export interface ReturnLine {
  sku: string;
  qty: number;
  /** The reason code; the return's own `reason` applies to lines without one. */
  reason?: string;
}

/** A return request (`POST /returns`). */
export interface CreateReturn {
  orderId: string;
  lines: ReturnLine[];
  /** A reason for every line that gives none. */
  reason?: string;
  /** Brought to a store, or sent by courier. */
  method?: 'store' | 'courier';
  /** The location the customer brings it to (store returns). */
  dropOffLocation?: string;
  /**
   * Replacement units instead of money: each line replaces units of a returned SKU (`replaces`; the return's
   * only SKU when it has one). The replacement order is placed on receipt, or at once for trusted customers.
   */
  exchangeFor?: ExchangeLine[];
}


const DAY = 86_400_000;

/** When the last units of a SKU left for the customer (undefined for fulfilments recorded before times were kept). */
function lastShippedAt(fulfilments: readonly Fulfilment[], sku: string): number | undefined {
  let last: number | undefined;
  for (const f of fulfilments) {
    if (!SHIPPED_STATUSES.has(f.status) || f.shippedAt === undefined || !f.lines.some((l) => l.sku === sku)) continue;
    const t = Date.parse(f.shippedAt);
    if (last === undefined || t > last) last = t;
  }
  return last;
}

/**
 * Opens a return for lines of an order; it runs the active return workflow (receive, inspect, restock, refund).
 * Each SKU may ask back at most what shipped minus what the order's other returns (open or finished, not
 * cancelled) already claim, within its policy's window, with a reason the policy accepts, and never a
 * product the policy excludes. The checks and the new claim happen in one step, so concurrent returns of one
 * order cannot both pass them. Refusals name every line at fault and change nothing.
 */
export function createReturn({ engine, stock, returns }: ReturnPorts, cmd: CreateReturn, createdBy: string): Committed<{ id: string }> {
  return engine.run((step) => {
    const order = engine.entityState('order', cmd.orderId);
    if (!order) throw new DomainError('not_found', `no order '${cmd.orderId}'`, [{ path: 'orderId', message: 'unknown order' }]);
    const ctx = order.state.context as OrderContext;
    const fulfilments = ctx.fulfilments ?? [];
    const shipped = shippedUnits(fulfilments);
    if (shipped.size === 0) {
      throw new DomainError('invalid_state', `order '${cmd.orderId}' has shipped nothing yet: only shipped or collected units can be returned`, [
        { path: 'orderId', message: 'nothing shipped' },
      ]);
    }
    if (cmd.dropOffLocation !== undefined && !engine.location(cmd.dropOffLocation)) {
      throw new DomainError('invalid_request', `no location '${cmd.dropOffLocation}'`, [{ path: 'dropOffLocation', message: 'unknown location' }]);
    }
    const claimed = returns.claimed(cmd.orderId);
    const asked = quantitiesBySku(cmd.lines);
    const invalid: ErrorDetail[] = [];
    const late: ErrorDetail[] = [];
    const reported = new Set<string>();
    const lines = cmd.lines.map((l, i) => {
      const path = `lines[${i}]`;
      const reason = l.reason ?? cmd.reason;
      const category = stock.catalog.get(l.sku)?.attributes.category;
      const policy = returns.policies.select({ channel: ctx.channel, category });
      if (reason === undefined) invalid.push({ path: `${path}.reason`, message: 'give a reason for the line, or one for the whole return' });
      else if (policy?.reasons && !policy.reasons.includes(reason)) {
        invalid.push({ path: `${path}.reason`, message: `unknown reason '${reason}'; policy '${policy.id}' accepts ${policy.reasons.join(', ')}` });
      }
      if (policy && excludes(policy, l.sku, category)) invalid.push({ path, message: `${l.sku} cannot be returned (policy '${policy.id}')` });
      const returnable = (shipped.get(l.sku) ?? 0) - (claimed.get(l.sku) ?? 0);
      const want = asked.get(l.sku) ?? 0;
      if (want > returnable && !reported.has(l.sku)) {
        reported.add(l.sku);
        const why = `${shipped.get(l.sku) ?? 0} shipped, ${claimed.get(l.sku) ?? 0} already in other returns`;
        invalid.push({ path, message: `${l.sku}: ${want} to return, ${Math.max(0, returnable)} returnable (${why})` });
      }
      if (policy) {
        const from = policy.windowFrom === 'delivery' ? (ctx.deliveredAt !== undefined ? Date.parse(ctx.deliveredAt) : undefined) : lastShippedAt(fulfilments, l.sku);
        // A window counting from a delivery not yet reported has not started, so it cannot have closed.
        const closes = from === undefined ? undefined : from + policy.windowDays * DAY;
        if (closes !== undefined && step.at > closes) {
          late.push({ path, message: `${l.sku}: the return window closed ${new Date(closes).toISOString()} (policy '${policy.id}': ${policy.windowDays} days after ${policy.windowFrom})` });
        }
      }
      const shippedFrom = lastShippedFrom(fulfilments, l.sku);
      return {
        sku: l.sku,
        qty: l.qty,
        reason: reason ?? '',
        ...(policy ? { policy: policy.id } : {}),
        ...(category !== undefined ? { category } : {}),
        ...(policy?.authenticate ? { authenticate: true } : {}),
        ...(shippedFrom !== undefined ? { shippedFrom } : {}),
      };
    });
    const exchange = cmd.exchangeFor === undefined ? undefined : exchangeLines(stock, cmd.exchangeFor, asked, invalid);
    if (invalid.length > 0) throw new DomainError('invalid_request', 'the return cannot be accepted as asked', [...invalid, ...late]);
    if (late.length > 0) throw new DomainError('invalid_state', 'the return window has closed', late);
    const machine = engine.workflows?.select('return', { channel: ctx.channel, deliveryType: ctx.deliveryType, attributes: ctx.attributes });
    if (!machine) throw new DomainError('unavailable', 'no return workflow is active');
    const id = engine.ids.next('return', step.at);
    const context = {
      id,
      orderId: cmd.orderId,
      lines,
      reason: cmd.reason ?? lines[0]!.reason,
      method: cmd.method ?? 'store',
      ...(ctx.currency !== undefined ? { value: returnValue(ctx, lines), currency: ctx.currency } : {}),
      ...(cmd.dropOffLocation !== undefined ? { dropOffLocation: cmd.dropOffLocation } : {}),
      ...(exchange ? { exchange: { lines: exchange, status: 'requested' } } : {}),
      customer: ctx.customer,
      createdAt: step.iso,
      createdBy,
      updatedAt: step.iso,
      timers: {},
      attributes: {},
    };
    const entry = engine.createEntity(step, 'return', machine, ENTITY_NEW_STATE, context);
    engine.send(step, entry, { type: 'entity.created', at: step.iso });
    return { id };
  }, createdBy);
}

/**
 * An exchange's lines with what each replaces filled in: every SKU a known product, each replacing a returned
 * SKU (named, or the return's only one), and no more units replacing a SKU than are returned of it.
 */
function exchangeLines(stock: Stock, asked: readonly ExchangeLine[], returned: ReadonlyMap<string, number>, invalid: ErrorDetail[]): Required<ExchangeLine>[] {
  const only = returned.size === 1 ? [...returned.keys()][0] : undefined;
  const replacing = new Map<string, number>();
  const out = asked.map((l, i) => {
    const path = `exchangeFor[${i}]`;
    if (!stock.catalog.has(l.sku)) invalid.push({ path: `${path}.sku`, message: `no product '${l.sku}'` });
    const replaces = l.replaces ?? only;
    if (replaces === undefined) invalid.push({ path: `${path}.replaces`, message: `say which returned SKU it replaces (${[...returned.keys()].join(', ')})` });
    else if (!returned.has(replaces)) invalid.push({ path: `${path}.replaces`, message: `${replaces} is not returned (${[...returned.keys()].join(', ')} are)` });
    else replacing.set(replaces, (replacing.get(replaces) ?? 0) + l.qty);
    return { sku: l.sku, qty: l.qty, replaces: replaces ?? '' };
  });
  for (const [sku, qty] of replacing) {
    if (qty > returned.get(sku)!) invalid.push({ path: 'exchangeFor', message: `${qty} units replace ${sku}, of which ${returned.get(sku)} are returned` });
  }
  return out;
}

/** The location that last shipped units of a SKU to the customer. */
function lastShippedFrom(fulfilments: readonly Fulfilment[], sku: string): string | undefined {
  let found: Fulfilment | undefined;
  for (const f of fulfilments) {
    if (!SHIPPED_STATUSES.has(f.status) || !f.lines.some((l) => l.sku === sku)) continue;
    if (!found || (f.shippedAt ?? '') >= (found.shippedAt ?? '')) found = f;
  }
  return found?.location;
}

/** What the returned units were paid (routing rules may send valuable returns elsewhere). */
function returnValue(order: OrderContext, lines: readonly { sku: string; qty: number }[]): number {
  let cents = 0;
  for (const l of lines) cents += Math.round(((order.lines as Array<{ sku: string; unitPrice?: number }>).find((o) => o.sku === l.sku)?.unitPrice ?? 0) * 100) * l.qty;
  return cents / 100;
}

function excludes(policy: ReturnPolicy, sku: string, category: string | undefined): boolean {
  const never = policy.nonReturnable;
  return !!never && (never.skus?.includes(sku) === true || (category !== undefined && never.categories?.includes(category) === true));
}
