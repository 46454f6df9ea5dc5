import { distanceKm, type GeoPoint } from '../domain/geo.js';
import { quantitiesBySku, type Destination, type OrderLine, type Shipment, type SplitPolicy } from '../domain/order.js';

/** What placement needs to decide: the order's lines, where it goes, how it may split, which pool it draws on. */
export interface PlacementRequest {
  lines: ReadonlyArray<OrderLine>;
  deliverTo: Destination;
  split: SplitPolicy;
  pool: string;
  /** Only this location may ship (click & collect). */
  onlyAt?: string;
  /** Locations that must not ship (re-sourcing after a rejection). */
  exclude?: ReadonlySet<string>;
}

/** The live stock placement reads, synchronously, on the engine's thread. */
export interface StockView {
  /** The pool's available-to-sell for a SKU. */
  ats(pool: string, sku: string): number;
  /** Units of a SKU each pool member may give, for members holding some. */
  takeable(pool: string, sku: string): Iterable<[location: string, units: number]>;
  geo(location: string): GeoPoint | undefined;
}

/** A line that cannot be served, with what the pool has. */
export interface ShortLine {
  line: number;
  sku: string;
  requested: number;
  available: number;
}

export type PlacementResult = { ok: true; shipments: Shipment[] } | { ok: false; short: ShortLine[]; reason: string };

/** Decides where an order ships from. The sourcing optimizer implements the same contract. */
export interface Placement {
  place(request: PlacementRequest, stock: StockView): PlacementResult;
}

interface Candidate {
  id: string;
  km: number;
  units: Map<string, number>;
}

/**
 * The foundation's placement: the nearest location that can ship everything; otherwise the fewest
 * locations (greedy cover: most units first, nearest on ties) within `split.maxShipments`.
 */
export const simplePlacement: Placement = {
  place(request, stock) {
    const need = quantitiesBySku(request.lines);
    const short = shortLines(request, stock, need);
    if (short.length > 0) return { ok: false, short, reason: 'not enough stock in the pool' };

    const candidates = collectCandidates(request, stock, need);
    const whole = candidates.filter((c) => coversAll(c, need));
    if (whole.length > 0) return { ok: true, shipments: [toShipment(whole[0]!, need)] };
    if (!request.split.allowed || request.split.maxShipments < 2) {
      return { ok: false, short: allLines(request, stock), reason: 'no single location holds the whole order and splits are not allowed' };
    }
    const plan = greedyCover(request, candidates);
    if (plan) return { ok: true, shipments: plan };
    return {
      ok: false,
      short: allLines(request, stock),
      reason: `the order cannot be served from ${request.split.maxShipments} locations or fewer${request.split.splitLines ? '' : ' without splitting a line'}`,
    };
  },
};

function shortLines(request: PlacementRequest, stock: StockView, need: Map<string, number>): ShortLine[] {
  const out: ShortLine[] = [];
  const ats = new Map<string, number>();
  for (const sku of need.keys()) ats.set(sku, poolUnits(request, stock, sku));
  request.lines.forEach((l, i) => {
    const available = ats.get(l.sku) ?? 0;
    if ((need.get(l.sku) ?? 0) > available) out.push({ line: i, sku: l.sku, requested: l.qty, available });
  });
  return out;
}

/** What the order may take of a SKU: the pool's ATS, or only the collect/allowed locations' units. */
function poolUnits(request: PlacementRequest, stock: StockView, sku: string): number {
  if (request.onlyAt === undefined && !request.exclude?.size) return stock.ats(request.pool, sku);
  let sum = 0;
  for (const [loc, units] of stock.takeable(request.pool, sku)) if (allowed(request, loc)) sum += units;
  return Math.min(sum, stock.ats(request.pool, sku));
}

function allLines(request: PlacementRequest, stock: StockView): ShortLine[] {
  return request.lines.map((l, i) => ({ line: i, sku: l.sku, requested: l.qty, available: poolUnits(request, stock, l.sku) }));
}

function allowed(request: PlacementRequest, loc: string): boolean {
  if (request.onlyAt !== undefined && loc !== request.onlyAt) return false;
  return !request.exclude?.has(loc);
}

function collectCandidates(request: PlacementRequest, stock: StockView, need: Map<string, number>): Candidate[] {
  const byId = new Map<string, Candidate>();
  for (const sku of need.keys()) {
    for (const [loc, units] of stock.takeable(request.pool, sku)) {
      if (units <= 0 || !allowed(request, loc)) continue;
      let c = byId.get(loc);
      if (!c) {
        const geo = stock.geo(loc);
        if (!geo) continue;
        c = { id: loc, km: distanceKm(geo, request.deliverTo), units: new Map() };
        byId.set(loc, c);
      }
      c.units.set(sku, units);
    }
  }
  return [...byId.values()].sort((a, b) => a.km - b.km || (a.id < b.id ? -1 : 1));
}

function coversAll(c: Candidate, need: Map<string, number>): boolean {
  for (const [sku, qty] of need) if ((c.units.get(sku) ?? 0) < qty) return false;
  return true;
}

function toShipment(c: Candidate, need: Map<string, number>): Shipment {
  return { location: c.id, lines: [...need].map(([sku, qty]) => ({ sku, qty })) };
}

/**
 * Greedy cover: take the location that serves the most outstanding units (nearest on ties), until all is
 * served or the shipment limit is reached. Without `splitLines`, a line is served whole or not at all.
 */
function greedyCover(request: PlacementRequest, candidates: Candidate[]): Shipment[] | null {
  const open = request.split.splitLines ? [...quantitiesBySku(request.lines)].map(([sku, qty]) => ({ sku, qty })) : request.lines.map((l) => ({ ...l }));
  const left = new Map(candidates.map((c) => [c.id, new Map(c.units)]));
  const shipments: Shipment[] = [];
  while (open.some((l) => l.qty > 0)) {
    if (shipments.length === request.split.maxShipments) return null;
    let best: { c: Candidate; take: OrderLine[]; units: number } | null = null;
    for (const c of candidates) {
      if (shipments.some((s) => s.location === c.id)) continue;
      const take = servable(open, left.get(c.id)!, request.split.splitLines);
      const units = take.reduce((s, l) => s + l.qty, 0);
      if (units > 0 && (!best || units > best.units)) best = { c, take, units };
    }
    if (!best) return null;
    const stockLeft = left.get(best.c.id)!;
    const lines = new Map<string, number>();
    for (const t of best.take) {
      stockLeft.set(t.sku, (stockLeft.get(t.sku) ?? 0) - t.qty);
      lines.set(t.sku, (lines.get(t.sku) ?? 0) + t.qty);
    }
    for (const t of best.take) {
      const line = open.find((l) => l.sku === t.sku && l.qty > 0 && (request.split.splitLines || l.qty === t.qty));
      if (line) line.qty -= t.qty;
    }
    shipments.push({ location: best.c.id, lines: [...lines].map(([sku, qty]) => ({ sku, qty })) });
  }
  return shipments;
}

function servable(open: ReadonlyArray<OrderLine>, units: Map<string, number>, splitLines: boolean): OrderLine[] {
  const left = new Map(units);
  const take: OrderLine[] = [];
  for (const l of open) {
    if (l.qty === 0) continue;
    const have = left.get(l.sku) ?? 0;
    const n = splitLines ? Math.min(have, l.qty) : have >= l.qty ? l.qty : 0;
    if (n > 0) {
      take.push({ sku: l.sku, qty: n });
      left.set(l.sku, have - n);
    }
  }
  return take;
}
