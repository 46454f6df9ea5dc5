import type { SourcingProblem } from './problem.js';
import type { PlannedLine } from './result.js';

/** Transfers a strategy allows, with their cost per unit and lead time: by lane, else the defaults. */
export interface TransferPolicy {
  readonly costPerUnit: number;
  readonly leadDays: number;
  readonly lanes: ReadonlyArray<{ readonly from: string; readonly to: string; readonly costPerUnit?: number; readonly leadDays?: number }>;
}

/** Units moved from one location to another before the order ships. */
export interface PlannedTransfer {
  readonly from: string;
  readonly to: string;
  readonly lines: readonly PlannedLine[];
  readonly costPerUnit: number;
  readonly leadDays: number;
}

/**
 * One parcel from `hub`: what it holds now ships from there, the rest comes to it by transfer first. `cost`
 * is priced with the problem's own terms: the hub's fixed cost (none for an order collected there) and unit
 * costs for its own units; for a moved unit, its cost at the source less the source's shipping, plus
 * shipping from the hub (none for collection) and the lane's transfer cost.
 */
export interface Consolidation {
  readonly hub: string;
  readonly cost: number;
  readonly transferCost: number;
  readonly own: readonly PlannedLine[];
  readonly transfers: readonly PlannedTransfer[];
  /** The longest lane used: when the parcel can leave. */
  readonly leadDays: number;
}

/** The lane from one location to another: its cost per unit and lead time. */
export function lane(policy: TransferPolicy, from: string, to: string): { costPerUnit: number; leadDays: number } {
  const l = policy.lanes.find((x) => x.from === from && x.to === to);
  return { costPerUnit: l?.costPerUnit ?? policy.costPerUnit, leadDays: l?.leadDays ?? policy.leadDays };
}

/**
 * The cheapest way to send the whole order as one parcel from one location, moving what it lacks there by
 * transfer from the other candidates (cheapest lane first); null when no location can be filled that way.
 * `collectAt`: the parcel is collected at that location (it is the only hub, and nothing is shipped from it).
 * Pure: reads the problem only.
 */
export function bestConsolidation(problem: SourcingProblem, policy: TransferPolicy, collectAt?: string): Consolidation | null {
  const L = problem.lines.length;
  const U = problem.unitTermNames.length;
  const shipping = problem.unitTermNames.indexOf('shipping');
  const n = problem.candidateIds.length;
  const shipAt = (c: number, l: number) => (shipping < 0 ? 0 : problem.unitTerms[(c * L + l) * U + shipping]!);
  // Shipping per unit and km of each line (shipping is linear in distance, per line weight).
  const perKm = problem.lines.map((_, l) => {
    for (let c = 0; c < n; c++) if (problem.stock[c * L + l]! > 0 && problem.distanceKm[c]! > 0) return shipAt(c, l) / problem.distanceKm[c]!;
    return 0;
  });
  const hubs = collectAt === undefined ? [...problem.candidateIds.keys()] : [problem.candidateIds.indexOf(collectAt)];
  let best: Consolidation | null = null;
  for (const h of hubs) {
    const hub = h >= 0 ? problem.candidateIds[h]! : collectAt!;
    let cost = collectAt === undefined ? problem.fixedCost[h]! : 0;
    let transferCost = 0;
    let leadDays = 0;
    const own: PlannedLine[] = [];
    const moved = new Map<number, Map<string, number>>();
    let feasible = true;
    for (let l = 0; l < L && feasible; l++) {
      const { sku, qty } = problem.lines[l]!;
      const here = h >= 0 ? Math.min(qty, problem.stock[h * L + l]!) : 0;
      if (here > 0) {
        own.push({ sku, qty: here });
        cost += collectAt === undefined ? here * problem.unitCost[h * L + l]! : here * (problem.unitCost[h * L + l]! - shipAt(h, l));
      }
      let need = qty - here;
      const sources = [...problem.candidateIds.keys()]
        .filter((c) => c !== h && problem.stock[c * L + l]! > 0)
        .map((c) => ({ c, ...lane(policy, problem.candidateIds[c]!, hub) }))
        .sort((a, b) => a.costPerUnit + problem.unitCost[a.c * L + l]! - shipAt(a.c, l) - (b.costPerUnit + problem.unitCost[b.c * L + l]! - shipAt(b.c, l)));
      for (const s of sources) {
        if (need === 0) break;
        const u = Math.min(need, problem.stock[s.c * L + l]!);
        need -= u;
        const shipFromHub = collectAt === undefined ? perKm[l]! * (h >= 0 ? problem.distanceKm[h]! : 0) : 0;
        cost += u * (problem.unitCost[s.c * L + l]! - shipAt(s.c, l) + shipFromHub + s.costPerUnit);
        transferCost += u * s.costPerUnit;
        leadDays = Math.max(leadDays, s.leadDays);
        let bySku = moved.get(s.c);
        if (!bySku) moved.set(s.c, (bySku = new Map()));
        bySku.set(sku, (bySku.get(sku) ?? 0) + u);
      }
      if (need > 0) feasible = false;
    }
    if (!feasible || moved.size === 0) continue;
    if (best && best.cost <= cost) continue;
    const transfers = [...moved].map(([c, bySku]): PlannedTransfer => {
      const from = problem.candidateIds[c]!;
      return { from, to: hub, lines: [...bySku].map(([sku, qty]) => ({ sku, qty })), ...lane(policy, from, hub) };
    });
    best = { hub, cost, transferCost, own, transfers, leadDays };
  }
  return best;
}
