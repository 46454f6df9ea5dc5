import type { ErrorDetail } from './errors.js';
import type { OrderLine } from './order.js';

/**
 * What inspection decides for returned units: back on sale, into refurbishment, scrapped (kept as damaged), or
 * sent back to the vendor (they leave the location).
 */
export const DISPOSITIONS = ['restock', 'refurbish', 'scrap', 'vendor'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

/** Units of a SKU given one outcome at inspection. */
export interface DispositionLine {
  sku: string;
  qty: number;
  outcome: Disposition;
}

/** The stock statuses a return's units pass through at the receiving location. */
export const RETURN_STATUS = {
  /** Received, waiting for inspection: physically there, never sold. */
  received: 'returns_received',
  /** Being refurbished. */
  refurbishing: 'refurbishing',
  /** Refurbished: sold only by pools whose statuses include it, until moved to sellable. */
  refurbished: 'refurbished',
  /** Scrapped. */
  scrapped: 'damaged',
} as const;

/** The status each outcome moves units into (`vendor`: none, the units leave). */
export const OUTCOME_STATUS: Record<Disposition, string | undefined> = {
  restock: 'sellable',
  refurbish: RETURN_STATUS.refurbishing,
  scrap: RETURN_STATUS.scrapped,
  vendor: undefined,
};

/** What a return's context keeps about its units. */
export interface ReturnBooks {
  lines: OrderLine[];
  /** The units the receiving location took in (into `returns_received`). */
  received?: OrderLine[];
  /** Outcomes given so far, in the order they were given. */
  dispositions?: DispositionLine[];
  /** Units whose refurbishment is done (moved to `refurbished`). */
  refurbished?: OrderLine[];
}

function add(into: Map<string, number>, sku: string, qty: number): void {
  const n = (into.get(sku) ?? 0) + qty;
  if (n === 0) into.delete(sku);
  else into.set(sku, n);
}

/** Received units that no outcome covers yet, per SKU. */
export function awaitingInspection(b: ReturnBooks): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of b.received ?? []) add(out, l.sku, l.qty);
  for (const d of b.dispositions ?? []) add(out, d.sku, -d.qty);
  return out;
}

/** Units sent to refurbishment and not yet refurbished, per SKU. */
export function inRefurbishment(b: ReturnBooks): Map<string, number> {
  const out = new Map<string, number>();
  for (const d of b.dispositions ?? []) if (d.outcome === 'refurbish') add(out, d.sku, d.qty);
  for (const l of b.refurbished ?? []) add(out, l.sku, -l.qty);
  return out;
}

/** Lines as a list, from a per-SKU map. */
export function toLines(m: ReadonlyMap<string, number>): OrderLine[] {
  return [...m].map(([sku, qty]) => ({ sku, qty }));
}

type Outcome<T> = { ok: T } | { problems: ErrorDetail[] };

/**
 * The outcomes an `inspected` event gives: `{lines: [{sku, qty, outcome}]}` for some units (the rest wait for
 * a later inspection), or `{outcome}` for every unit still waiting. Each line must fit what is waiting.
 */
export function inspectionOf(b: ReturnBooks, event: { readonly [k: string]: unknown }): Outcome<DispositionLine[]> {
  const waiting = awaitingInspection(b);
  const isOutcome = (o: unknown): o is Disposition => typeof o === 'string' && (DISPOSITIONS as readonly string[]).includes(o);
  if (event.lines === undefined) {
    if (!isOutcome(event.outcome)) return { problems: [{ path: 'outcome', message: `give an outcome (${DISPOSITIONS.join(', ')}) or lines with one each` }] };
    if (waiting.size === 0) return { problems: [{ path: 'outcome', message: 'no received units are waiting for inspection' }] };
    const outcome = event.outcome;
    return { ok: toLines(waiting).map((l) => ({ ...l, outcome })) };
  }
  if (!Array.isArray(event.lines) || event.lines.length === 0) return { problems: [{ path: 'lines', message: 'a non-empty list of {sku, qty, outcome}' }] };
  const problems: ErrorDetail[] = [];
  const left = new Map(waiting);
  const lines: DispositionLine[] = [];
  event.lines.forEach((raw: unknown, i) => {
    const l = raw as Partial<DispositionLine> | null;
    const path = `lines[${i}]`;
    if (!l || typeof l.sku !== 'string' || !Number.isInteger(l.qty) || (l.qty as number) < 1) {
      problems.push({ path, message: 'a line is {sku, qty (a positive integer), outcome}' });
      return;
    }
    if (!isOutcome(l.outcome)) {
      problems.push({ path: `${path}.outcome`, message: `one of ${DISPOSITIONS.join(', ')}` });
      return;
    }
    const have = left.get(l.sku) ?? 0;
    if (l.qty! > have) {
      problems.push({ path, message: `${l.sku}: ${l.qty} to inspect, ${have} received and not yet inspected` });
      return;
    }
    left.set(l.sku, have - l.qty!);
    lines.push({ sku: l.sku, qty: l.qty!, outcome: l.outcome });
  });
  return problems.length > 0 ? { problems } : { ok: lines };
}

/** The units a `refurbishment.completed` event finishes: `{lines}` for some, or every unit in refurbishment. */
export function refurbishmentOf(b: ReturnBooks, event: { readonly [k: string]: unknown }): Outcome<OrderLine[]> {
  const busy = inRefurbishment(b);
  if (event.lines === undefined) {
    return busy.size === 0 ? { problems: [{ message: 'no units of this return are in refurbishment' }] } : { ok: toLines(busy) };
  }
  if (!Array.isArray(event.lines) || event.lines.length === 0) return { problems: [{ path: 'lines', message: 'a non-empty list of {sku, qty}' }] };
  const problems: ErrorDetail[] = [];
  const left = new Map(busy);
  const lines: OrderLine[] = [];
  event.lines.forEach((raw: unknown, i) => {
    const l = raw as Partial<OrderLine> | null;
    const have = l && typeof l.sku === 'string' ? (left.get(l.sku) ?? 0) : 0;
    if (!l || typeof l.sku !== 'string' || !Number.isInteger(l.qty) || (l.qty as number) < 1 || l.qty! > have) {
      problems.push({ path: `lines[${i}]`, message: `${String(l?.sku)}: ${String(l?.qty)} to finish, ${have} in refurbishment` });
      return;
    }
    left.set(l.sku, have - l.qty!);
    lines.push({ sku: l.sku, qty: l.qty! });
  });
  return problems.length > 0 ? { problems } : { ok: lines };
}

/** One line of an exchange: units of `sku` sent in place of returned units of `replaces`. */
export interface ExchangeLine {
  sku: string;
  qty: number;
  replaces?: string;
}
