import { distanceKm } from '../../src/domain/geo.js';
import type { SourcingStrategy } from '../../src/sourcing/index.js';
import { DC_STOCK, type SimInstance } from './instance.js';
import { benchHighs, unitShipping } from './simulate.js';

export interface ClairvoyantOutcome {
  /** HiGHS status: 'Optimal' or 'Time limit reached' (then `cost` is the best found and `bound` below it). */
  readonly status: string;
  readonly cost: number;
  /** The MILP's dual bound: no policy can do better than this. */
  readonly bound: number;
  readonly shipments: number;
  readonly splitOrders: number;
  readonly solveMs: number;
}

/**
 * The clairvoyant optimum: every order of the season known in advance, sourced together as one MILP with
 * the same costs, split limit and starting stock. y_o_i opens a shipment of order o from location i (fixed
 * cost), x_o_l_i are the units of line l from i (shipping cost); each line fully served, at most
 * `maxShipments` locations per order, and no store gives more units of a SKU than it holds.
 */
export async function clairvoyant(instance: SimInstance, strategy: SourcingStrategy, timeLimitSec: number): Promise<ClairvoyantOutcome> {
  const solver = await benchHighs();
  const objective: string[] = [];
  const rows: string[] = [];
  const bounds: string[] = [];
  const binaries: string[] = [];
  const generals: string[] = [];
  const stockUse = new Map<string, string[]>();
  instance.orders.forEach((order, o) => {
    const open: string[] = [];
    order.lines.forEach((line, l) => {
      const cover: string[] = [];
      instance.locations.forEach((location, i) => {
        const held = location.stock[line.sku] ?? 0;
        if (held <= 0) return;
        const x = `x${o}_${l}_${i}`;
        const cap = Math.min(held, line.qty);
        objective.push(`${(line.qty > 0 ? unitShipping(instance, strategy, line.sku, distanceKm(location, order)) : 0).toFixed(9)} ${x}`);
        cover.push(x);
        rows.push(` k${o}_${l}_${i}: ${x} - ${cap} y${o}_${i} <= 0`);
        bounds.push(` 0 <= ${x} <= ${cap}`);
        generals.push(x);
        if (held < DC_STOCK) {
          const key = `${i}|${line.sku}`;
          let use = stockUse.get(key);
          if (!use) stockUse.set(key, (use = []));
          use.push(x);
        }
      });
      rows.push(` c${o}_${l}: ${wrap(cover)} = ${line.qty}`);
    });
    instance.locations.forEach((_, i) => {
      const y = `y${o}_${i}`;
      objective.push(`${strategy.costs.fixedPerShipment} ${y}`);
      binaries.push(y);
      open.push(y);
    });
    const maxShipments = strategy.maxShipments;
    rows.push(` m${o}: ${wrap(open)} <= ${maxShipments}`);
  });
  for (const [key, use] of stockUse) {
    const [i, sku] = key.split('|') as [string, string];
    rows.push(` s${i}_${sku.replace(/[^A-Za-z0-9]/g, '')}: ${wrap(use)} <= ${instance.locations[Number(i)]!.stock[sku]}`);
  }
  const model = ['Minimize', ` obj: ${wrap(objective)}`, 'Subject To', ...rows, 'Bounds', ...bounds, 'Binaries', wrap(binaries, ' '), 'Generals', wrap(generals, ' '), 'End'].join('\n');
  const started = performance.now();
  const solution = solver.solve(model, { time_limit: timeLimitSec, mip_rel_gap: 1e-6, output_flag: false });
  const solveMs = performance.now() - started;
  if (solution.Status !== 'Optimal' && solution.Status !== 'Time limit reached') throw new Error(`clairvoyant MILP: ${solution.Status}`);
  let shipments = 0;
  let splitOrders = 0;
  instance.orders.forEach((_, o) => {
    let used = 0;
    instance.locations.forEach((__, i) => {
      if ((solution.Columns[`y${o}_${i}`]?.Primal ?? 0) > 0.5) used++;
    });
    shipments += used;
    if (used > 1) splitOrders++;
  });
  const info = solution as unknown as { ObjectiveValue: number; mip_dual_bound?: number };
  return { status: solution.Status, cost: info.ObjectiveValue, bound: info.mip_dual_bound ?? info.ObjectiveValue, shipments, splitOrders, solveMs };
}

function wrap(terms: readonly string[], joint = ' + '): string {
  const lines: string[] = [];
  for (let i = 0; i < terms.length; i += 8) lines.push(terms.slice(i, i + 8).join(joint));
  return lines.join(`\n  ${joint.trim() === '+' ? '+ ' : ''}`);
}
