/**
 * Changes to an order after intake, as pure functions on its context: a partial cancellation (which
 * fulfilments give up which units) and an edit of its destination or delivery type. Commands decide with
 * them before a step changes anything; machines apply the decided event with them, so replay applies
 * exactly what was decided.
 */
import type { Destination, Fulfilment, OrderLine } from './order.js';

/** Fulfilment statuses that still hold reserved units, least advanced first: cancellation takes from these first. */
export const CANCELLABLE_STATUSES: readonly string[] = ['created', 'released', 'accepted', 'picked', 'packed', 'ready'];

/** The units one fulfilment gives up. */
export interface FulfilmentCut {
  id: string;
  location: string;
  lines: OrderLine[];
}

/** A line that asks to cancel more units than the order still has before shipping. */
export interface ShortCancel {
  index: number;
  sku: string;
  asked: number;
  cancellable: number;
}

/**
 * Which open fulfilments give up the units asked for: the least advanced first (nothing picked is undone
 * while a fulfilment still waits), and among equals the newest. Lines that ask for more than the open
 * fulfilments hold come back as `short`, and nothing is cut.
 */
export function planCancel(fulfilments: readonly Fulfilment[], asked: readonly OrderLine[]): { cuts: FulfilmentCut[] } | { short: ShortCancel[] } {
  const open = fulfilments
    .map((f, i) => ({ f, i, rank: CANCELLABLE_STATUSES.indexOf(f.status) }))
    .filter((x) => x.rank >= 0)
    .sort((a, b) => a.rank - b.rank || b.i - a.i);
  const short: ShortCancel[] = [];
  asked.forEach((l, index) => {
    const cancellable = open.reduce((n, x) => n + qtyOf(x.f.lines, l.sku), 0);
    if (cancellable < l.qty) short.push({ index, sku: l.sku, asked: l.qty, cancellable });
  });
  if (short.length > 0) return { short };
  const cuts = new Map<string, FulfilmentCut>();
  for (const l of asked) {
    let left = l.qty;
    for (const { f } of open) {
      const take = Math.min(left, qtyOf(f.lines, l.sku));
      if (take === 0) continue;
      const cut = cuts.get(f.id) ?? { id: f.id, location: f.location, lines: [] };
      cut.lines.push({ sku: l.sku, qty: take });
      cuts.set(f.id, cut);
      left -= take;
      if (left === 0) break;
    }
  }
  return { cuts: [...cuts.values()] };
}

/**
 * What a partial cancellation leaves: fewer order lines, shrunk fulfilments (emptied ones cancelled), the
 * running total cancelled. `waitingCut` are units that were waiting on inbound supply (no fulfilment yet).
 */
export function cancelLines(
  context: { lines: OrderLine[]; fulfilments: Fulfilment[]; cancelledLines?: OrderLine[] },
  cuts: readonly FulfilmentCut[],
  waitingCut: readonly OrderLine[] = [],
): { lines: OrderLine[]; fulfilments: Fulfilment[]; cancelledLines: OrderLine[] } {
  const cancelled = [...cuts.flatMap((c) => c.lines), ...waitingCut.map(({ sku, qty }) => ({ sku, qty }))];
  const fulfilments = context.fulfilments.map((f) => {
    const cut = cuts.find((c) => c.id === f.id);
    if (!cut) return f;
    const lines = subtractLines(f.lines, cut.lines);
    return lines.length === 0 ? { ...f, status: 'cancelled' } : { ...f, lines };
  });
  return { lines: subtractLines(context.lines, cancelled), fulfilments, cancelledLines: addLines(context.cancelledLines ?? [], cancelled) };
}

/** An edit as decided: the new destination and delivery type, and when the order was sourced again, its new fulfilments. */
export interface OrderEdit {
  deliverTo?: Destination;
  deliveryType?: string;
  /** The fulfilments replacing every live one (those are cancelled; their units were released in the same step). */
  fulfilments?: Fulfilment[];
}

/** The order's destination, delivery type and fulfilments after an edit. */
export function applyEdit(
  context: { deliverTo: Destination; deliveryType: string; fulfilments: Fulfilment[] },
  edit: OrderEdit,
): { deliverTo: Destination; deliveryType: string; fulfilments: Fulfilment[] } {
  const fulfilments = edit.fulfilments
    ? [...context.fulfilments.map((f) => (f.status === 'created' ? { ...f, status: 'cancelled' } : f)), ...edit.fulfilments]
    : context.fulfilments;
  return { deliverTo: edit.deliverTo ?? context.deliverTo, deliveryType: edit.deliveryType ?? context.deliveryType, fulfilments };
}

/** `a` minus `b`, per SKU, keeping `a`'s order; lines that reach 0 are dropped. */
export function subtractLines(a: readonly OrderLine[], b: readonly OrderLine[]): OrderLine[] {
  const minus = new Map<string, number>();
  for (const l of b) minus.set(l.sku, (minus.get(l.sku) ?? 0) + l.qty);
  const out: OrderLine[] = [];
  for (const l of a) {
    const take = Math.min(l.qty, minus.get(l.sku) ?? 0);
    if (take > 0) minus.set(l.sku, minus.get(l.sku)! - take);
    // Other fields of the line (its unitPrice) stay with the units that remain.
    if (l.qty - take > 0) out.push({ ...l, qty: l.qty - take });
  }
  return out;
}

function addLines(a: readonly OrderLine[], b: readonly OrderLine[]): OrderLine[] {
  const out = a.map((l) => ({ ...l }));
  for (const l of b) {
    const same = out.find((x) => x.sku === l.sku);
    if (same) same.qty += l.qty;
    else out.push({ ...l });
  }
  return out;
}

function qtyOf(lines: readonly OrderLine[], sku: string): number {
  let n = 0;
  for (const l of lines) if (l.sku === sku) n += l.qty;
  return n;
}
