import type { Highs } from 'highs';
import { distanceKm, type GeoPoint } from '../../domain/geo.js';
import type { FutureValueTable } from './future-values.js';

/**
 * The fluid LP of Acimovic & Graves (2015), one per SKU: serve the expected demand of each region over the
 * horizon from the stock each location holds now at least shipping cost, any demand left over at a shortage
 * cost. The dual value of a location's stock row is what one more unit there would save: its future value.
 */

/** A location holding the SKU, with the units it holds. */
export interface LpLocation extends GeoPoint {
  readonly id: string;
  readonly stock: number;
}

/** A region's expected demand for the SKU over the horizon, at the region's centre of demand. */
export interface LpRegion extends GeoPoint {
  readonly demand: number;
}

export interface LpSku {
  readonly sku: string;
  /** Weight a unit is shipped at (the bulky multiplier applied). */
  readonly weightKg: number;
  readonly locations: readonly LpLocation[];
  readonly regions: readonly LpRegion[];
}

/** Engine -> look-ahead worker: every SKU to price. Structured-clone safe. */
export interface FluidLpInput {
  readonly shippingPerKgKm: number;
  /** Absent: the costliest shipping to the region from any location holding the SKU. */
  readonly shortageCostPerUnit?: number;
  /**
   * 1: one LP with the expected demand (the fluid LP). More: that many LPs, each with a Poisson draw of every
   * region's demand (seeded, so the same input gives the same values), and their duals averaged.
   */
  readonly scenarios?: number;
  readonly skus: readonly LpSku[];
}

/** Look-ahead worker -> engine. */
export interface FluidLpAnswer {
  readonly values: FutureValueTable;
  /** SKUs whose LP solved to optimality; the others are left unpriced. */
  readonly solved: number;
  readonly failed: number;
  readonly elapsedMs: number;
}

/**
 * Each region is served in the LP only from its nearest holders: the rest would ship farther than the
 * shortage option for all but the scarcest SKUs, and the LP stays regions x 24 columns however large the
 * network is.
 */
export const NEAREST_HOLDERS = 24;

/**
 * Solves the LP of every SKU with HiGHS and returns the future values (only positive ones). With scenarios,
 * a SKU whose LP fails in any scenario is left unpriced.
 */
export function solveFluidLp(highs: Highs, input: FluidLpInput): FluidLpAnswer {
  const started = performance.now();
  const scenarios = Math.max(1, Math.floor(input.scenarios ?? 1));
  const values: Record<string, Record<string, number>> = {};
  let solved = 0;
  let failed = 0;
  input.skus.forEach((sku, k) => {
    const draw = scenarios === 1 ? null : new PoissonDraws(k + 1);
    const sum = new Map<string, number>();
    for (let s = 0; s < scenarios; s++) {
      const regions = draw === null ? sku.regions : sku.regions.map((r) => ({ ...r, demand: draw.next(r.demand) }));
      const model = skuModel({ ...sku, regions }, input);
      if (model === null) continue;
      const solution = highs.solve(model.lp, { output_flag: false });
      if (solution.Status !== 'Optimal') {
        failed++;
        return;
      }
      model.stockRows.forEach((location, r) => {
        // A binding "<= stock" row of a minimisation has a dual <= 0: minus it is what one more unit saves.
        const value = -(solution.Rows[r] as { Dual: number }).Dual;
        if (value > 1e-9) sum.set(sku.locations[location]!.id, (sum.get(sku.locations[location]!.id) ?? 0) + value);
      });
    }
    solved++;
    if (sum.size > 0) values[sku.sku] = Object.fromEntries([...sum].map(([id, v]) => [id, v / scenarios]));
  });
  return { values, solved, failed, elapsedMs: performance.now() - started };
}

/** Poisson draws from a seeded generator (mulberry32); a normal approximation above a mean of 50. */
class PoissonDraws {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  next(mean: number): number {
    if (!(mean > 0)) return 0;
    if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.#normal()));
    const limit = Math.exp(-mean);
    let k = 0;
    for (let p = this.#uniform(); p > limit; p *= this.#uniform()) k++;
    return k;
  }

  #normal(): number {
    return Math.sqrt(-2 * Math.log(1 - this.#uniform())) * Math.cos(2 * Math.PI * this.#uniform());
  }

  #uniform(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** The LP of one SKU in CPLEX LP format, and which location each stock row (the first rows) belongs to. */
export function skuModel(sku: LpSku, input: FluidLpInput): { lp: string; stockRows: number[] } | null {
  const regions = sku.regions.filter((r) => r.demand > 0);
  const held = sku.locations.map((l, i) => i).filter((i) => sku.locations[i]!.stock > 0);
  if (regions.length === 0 || held.length === 0) return null;
  const perKm = input.shippingPerKgKm * sku.weightKg;
  const objective: string[] = [];
  const served = new Map<number, string[]>();
  const demandRows: string[] = [];
  regions.forEach((region, j) => {
    const nearest = held
      .map((i) => ({ i, cost: perKm * distanceKm(sku.locations[i]!, region) }))
      .sort((a, b) => a.cost - b.cost || a.i - b.i)
      .slice(0, NEAREST_HOLDERS);
    const shortage = input.shortageCostPerUnit ?? Math.max(...held.map((i) => perKm * distanceKm(sku.locations[i]!, region)));
    const terms = [`u${j}`];
    objective.push(`${num(shortage)} u${j}`);
    for (const { i, cost } of nearest) {
      const x = `x${i}_${j}`;
      objective.push(`${num(cost)} ${x}`);
      terms.push(x);
      let row = served.get(i);
      if (!row) served.set(i, (row = []));
      row.push(x);
    }
    demandRows.push(` d${j}: ${wrap(terms)} = ${num(region.demand)}`);
  });
  const stockRows = [...served.keys()].sort((a, b) => a - b);
  const rows = stockRows.map((i) => ` s${i}: ${wrap(served.get(i)!)} <= ${num(sku.locations[i]!.stock)}`);
  const lp = ['Minimize', ` obj: ${wrap(objective)}`, 'Subject To', ...rows, ...demandRows, 'End'].join('\n');
  return { lp, stockRows };
}

/** A coefficient as LP format reads it (no exponent notation). */
function num(x: number): string {
  return x.toFixed(9);
}

function wrap(terms: readonly string[]): string {
  const lines: string[] = [];
  for (let i = 0; i < terms.length; i += 8) lines.push(terms.slice(i, i + 8).join(' + '));
  return lines.join('\n   + ');
}
