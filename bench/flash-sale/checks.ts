import type { FulcrumApi, Site } from '../lib/fulcrum-api.js';
import type { BurstResult } from './burst.js';

/** The 201s read back with `GET /orders/:id`. */
export interface ReadBack {
  readable: number;
  /** Orders whose lines differ from the 201's, or that are not `reserved`-like (cancelled, failed). */
  mismatches: string[];
  /** Units reserved per `location/sku` according to the orders' fulfilments. */
  reservedByPosition: Map<string, number>;
}

/** A position after the sale, as `GET /inventory/:location/:sku` gives it. */
export interface PositionRow {
  location: string;
  sku: string;
  onHand: number;
  available: number;
  reserved: number;
}

/** Reads every created order back, 32 at a time, and adds up what their fulfilments reserve where. */
export async function readBack(api: FulcrumApi, created: BurstResult['created']): Promise<ReadBack> {
  const out: ReadBack = { readable: 0, mismatches: [], reservedByPosition: new Map() };
  let next = 0;
  const worker = async () => {
    while (next < created.length) {
      const c = created[next++]!;
      const r = await api.get(`/orders/${c.id}`);
      if (r.status !== 200) {
        out.mismatches.push(`${c.id}: GET answered ${r.status}`);
        continue;
      }
      out.readable++;
      const order = r.body as { status: string; lines: Array<{ sku: string; qty: number }>; fulfilments: Array<{ location: string; lines: Array<{ sku: string; qty: number }> }> };
      if (JSON.stringify(order.lines.map((l) => [l.sku, l.qty])) !== JSON.stringify(c.lines.map((l) => [l.sku, l.qty]))) {
        out.mismatches.push(`${c.id}: lines ${JSON.stringify(order.lines)} differ from the 201's`);
      }
      if (/cancel|fail/.test(order.status)) out.mismatches.push(`${c.id}: status ${order.status}`);
      for (const f of order.fulfilments) {
        for (const l of f.lines) {
          const k = `${f.location}/${l.sku}`;
          out.reservedByPosition.set(k, (out.reservedByPosition.get(k) ?? 0) + l.qty);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  return out;
}

/** Every (location, SKU) position of `skus`. */
export async function positions(api: FulcrumApi, skus: readonly string[], sites: readonly Site[]): Promise<PositionRow[]> {
  const rows: PositionRow[] = [];
  for (const sku of skus) {
    for (const [location] of sites) {
      const r = await api.get(`/inventory/${location}/${sku}`);
      if (r.status !== 200) throw new Error(`GET /inventory/${location}/${sku}: ${r.status}`);
      rows.push({ location, sku, onHand: r.body.onHand, available: r.body.available, reserved: r.body.reserved });
    }
  }
  return rows;
}

/** Available to sell per SKU in a pool (`GET /availability`). */
export async function availability(api: FulcrumApi, pool: string, skus: readonly string[]): Promise<Record<string, number>> {
  const r = await api.get(`/availability?pool=${pool}&${skus.map((s) => `sku=${encodeURIComponent(s)}`).join('&')}`);
  if (r.status !== 200) throw new Error(`GET /availability: ${r.status}`);
  return Object.fromEntries((r.body.items as Array<{ sku: string; ats: number }>).map((it) => [it.sku, it.ats]));
}

/** The invariants after the sale; each broken one as a sentence. */
export function saleViolations(s: {
  units: number;
  skus: readonly string[];
  burst: BurstResult;
  back: ReadBack;
  rows: PositionRow[];
  ats: Record<string, number>;
  stockShort: number;
}): string[] {
  const out: string[] = [];
  const soldBySku = new Map<string, number>();
  for (const c of s.burst.created) for (const l of c.lines) soldBySku.set(l.sku, (soldBySku.get(l.sku) ?? 0) + l.qty);
  const sold = [...soldBySku.values()].reduce((a, b) => a + b, 0);
  if (sold !== s.units * s.skus.length) out.push(`${sold} units sold in 201s, not ${s.units * s.skus.length}`);
  for (const sku of s.skus) if ((soldBySku.get(sku) ?? 0) !== s.units) out.push(`${sku}: ${soldBySku.get(sku) ?? 0} units sold, not ${s.units}`);
  if (s.back.readable !== s.burst.created.length) out.push(`${s.burst.created.length - s.back.readable} of ${s.burst.created.length} acknowledged orders not readable`);
  out.push(...s.back.mismatches.slice(0, 5));
  for (const r of s.rows) {
    const k = `${r.location}/${r.sku}`;
    if (r.available < 0 || r.reserved < 0 || r.onHand < 0) out.push(`${k}: negative position ${JSON.stringify(r)}`);
    if (r.onHand !== r.reserved) out.push(`${k}: on hand ${r.onHand} but reserved ${r.reserved} after the sell-out`);
    if (r.reserved !== (s.back.reservedByPosition.get(k) ?? 0)) out.push(`${k}: reserved ${r.reserved}, the orders' fulfilments say ${s.back.reservedByPosition.get(k) ?? 0}`);
  }
  for (const sku of s.skus) if (s.ats[sku] !== 0) out.push(`${sku}: GET /availability says ${s.ats[sku]} after the sell-out`);
  if (s.stockShort !== 0) out.push(`fulcrum_stock_short_total is ${s.stockShort}`);
  if (s.burst.errors > 0) out.push(`${s.burst.errors} socket errors or timeouts`);
  return out;
}
