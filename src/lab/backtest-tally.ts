import type { BacktestSide, ExplainedOrder, OrderRow, PlanRow } from '../sourcing/index.js';

/** One side of a backtest in figures: what its plans cost, how they shipped, where from. */
export interface SideSummary {
  sourced: number;
  unsourced: number;
  cost: { total: number; perOrder: number; byTerm: Record<string, number> };
  shipments: { total: number; perOrder: number; histogram: Record<string, number> };
  splitOrders: number;
  distanceKm: { total: number; perShipment: number };
  /** Shipments and units by location, most shipments first. */
  load: Array<{ location: string; shipments: number; units: number }>;
}

/** The orders both sides sourced: the only fair ground to compare cost on. */
export interface Comparison {
  orders: number;
  live: { cost: number; shipments: number; splitOrders: number; distanceKm: number };
  draft: { cost: number; shipments: number; splitOrders: number; distanceKm: number };
  /** Draft minus live. */
  difference: { cost: number; costPercent: number | null; shipments: number; splitOrders: number; distanceKm: number };
}

/** A changed or unsourced order as the report lists it. */
export interface ListedOrder extends OrderRow {
  explanations?: Pick<ExplainedOrder, 'live' | 'draft'>;
}

/** Orders of each list kept in the report with their details; the counts are exact. */
export const LISTED_ORDERS = 100;

/**
 * Adds up a backtest's rows as chunks come back: each side's totals, the comparison on orders both sourced,
 * the changed and unsourced orders (the first ones with both explanations), and every row for the per-order
 * listing.
 */
export class BacktestTally {
  readonly rows: OrderRow[] = [];
  readonly #sides = { live: new SideTally(), draft: new SideTally() };
  readonly #both = { live: new SideTally(), draft: new SideTally() };
  readonly #explained = new Map<string, ExplainedOrder>();
  changed = 0;
  unsourced = 0;
  reproduced = 0;
  unrecorded = 0;

  add(rows: readonly OrderRow[], explained: readonly ExplainedOrder[]): void {
    for (const e of explained) this.#explained.set(e.order, e);
    for (const row of rows) {
      this.rows.push(row);
      this.#sides.live.add(row.live);
      this.#sides.draft.add(row.draft);
      if (row.live && row.draft) {
        this.#both.live.add(row.live);
        this.#both.draft.add(row.draft);
      }
      if (row.changed) this.changed++;
      if (!row.draft) this.unsourced++;
      if (row.reproduced) this.reproduced++;
      if (row.unrecorded) this.unrecorded++;
    }
  }

  side(side: BacktestSide): SideSummary {
    return this.#sides[side].summary();
  }

  comparison(): Comparison {
    const live = this.#both.live.totals();
    const draft = this.#both.draft.totals();
    return {
      orders: this.#both.live.sourced,
      live,
      draft,
      difference: {
        cost: round(draft.cost - live.cost),
        costPercent: live.cost > 0 ? round((100 * (draft.cost - live.cost)) / live.cost) : null,
        shipments: draft.shipments - live.shipments,
        splitOrders: draft.splitOrders - live.splitOrders,
        distanceKm: round(draft.distanceKm - live.distanceKm),
      },
    };
  }

  /** The first `limit` rows that match, with the explanations kept for them. */
  listed(match: (row: OrderRow) => boolean, limit = LISTED_ORDERS): ListedOrder[] {
    const out: ListedOrder[] = [];
    for (const row of this.rows) {
      if (out.length >= limit) break;
      if (!match(row)) continue;
      const e = this.#explained.get(row.order);
      out.push(e ? { ...row, explanations: { live: e.live, draft: e.draft } } : row);
    }
    return out;
  }
}

class SideTally {
  sourced = 0;
  unsourced = 0;
  cost = 0;
  shipments = 0;
  splitOrders = 0;
  distanceKm = 0;
  readonly byTerm = new Map<string, number>();
  readonly histogram = new Map<number, number>();
  readonly load = new Map<string, { shipments: number; units: number }>();

  add(plan: PlanRow | null): void {
    if (!plan) {
      this.unsourced++;
      return;
    }
    this.sourced++;
    this.cost += plan.cost;
    for (const [term, value] of Object.entries(plan.terms)) this.byTerm.set(term, (this.byTerm.get(term) ?? 0) + value);
    const n = plan.shipments.length;
    this.shipments += n;
    if (n > 1) this.splitOrders++;
    this.histogram.set(n, (this.histogram.get(n) ?? 0) + 1);
    for (const s of plan.shipments) {
      this.distanceKm += s.distanceKm;
      const at = this.load.get(s.location) ?? { shipments: 0, units: 0 };
      at.shipments++;
      at.units += s.units;
      this.load.set(s.location, at);
    }
  }

  totals() {
    return { cost: round(this.cost), shipments: this.shipments, splitOrders: this.splitOrders, distanceKm: round(this.distanceKm) };
  }

  summary(): SideSummary {
    return {
      sourced: this.sourced,
      unsourced: this.unsourced,
      cost: { total: round(this.cost), perOrder: this.sourced > 0 ? round(this.cost / this.sourced) : 0, byTerm: Object.fromEntries([...this.byTerm].map(([k, v]) => [k, round(v)])) },
      shipments: {
        total: this.shipments,
        perOrder: this.sourced > 0 ? round(this.shipments / this.sourced) : 0,
        histogram: Object.fromEntries([...this.histogram].sort((a, b) => a[0] - b[0]).map(([k, v]) => [String(k), v])),
      },
      splitOrders: this.splitOrders,
      distanceKm: { total: round(this.distanceKm), perShipment: this.shipments > 0 ? round(this.distanceKm / this.shipments) : 0 },
      load: [...this.load]
        .map(([location, l]) => ({ location, ...l }))
        .sort((a, b) => b.shipments - a.shipments || (a.location < b.location ? -1 : 1)),
    };
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
