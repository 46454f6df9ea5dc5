import type { SourcingProblem } from './problem.js';
import { sortSmall } from './small-sort.js';

/**
 * Who ships what: `units[m][l]` units of line `l` from candidate `members[m]`.
 * Invariants: members ascending and each ships at least one unit; every line fully covered.
 */
export interface Allocation {
  readonly members: readonly number[];
  readonly units: readonly (readonly number[])[];
}

/**
 * The cheapest allocation of every line to candidates of `set`, or null if `set` cannot cover the order.
 * With fixed locations and per-unit costs the lines are independent: without split lines each goes whole
 * to its cheapest member holding all of it; with split lines, units fill from the cheapest member up.
 * Ties go to the lower candidate index, so the same set always gives the same allocation.
 */
export function allocateToSet(problem: SourcingProblem, set: readonly number[]): Allocation | null {
  const L = problem.lines.length;
  const members = sortSmall([...set], (a, b) => a - b);
  const units = members.map(() => new Array<number>(L).fill(0));
  const stock = (m: number, l: number) => problem.stock[members[m]! * L + l]!;
  const cost = (m: number, l: number) => problem.unitCost[members[m]! * L + l]!;
  // Sets are small (at most maxShipments members), so picking the cheapest remaining member by a scan
  // beats sorting; a strict `<` keeps the lower index among equals.
  const done = new Uint8Array(members.length);
  for (let l = 0; l < L; l++) {
    const qty = problem.lines[l]!.qty;
    done.fill(0);
    let left = qty;
    while (left > 0) {
      let next = -1;
      for (let m = 0; m < members.length; m++) {
        const usable = problem.splitLines ? stock(m, l) > 0 : stock(m, l) >= qty;
        if (done[m] === 0 && usable && (next < 0 || cost(m, l) < cost(next, l))) next = m;
      }
      if (next < 0) return null;
      const take = Math.min(left, stock(next, l));
      units[next]![l] = take;
      done[next] = 1;
      left -= take;
    }
  }
  // Plain loops: the flatMap, some and maps here were ~1.5 µs of the flash-sale order's solve (profile).
  const shipping: number[] = [];
  const shipped: number[][] = [];
  for (let m = 0; m < members.length; m++) {
    const row = units[m]!;
    for (let l = 0; l < L; l++) {
      if (row[l]! > 0) {
        shipping.push(members[m]!);
        shipped.push(row);
        break;
      }
    }
  }
  return { members: shipping, units: shipped };
}

/** Total cost of an allocation: fixed cost of each member plus units times unit cost. */
export function allocationCost(problem: SourcingProblem, allocation: Allocation): number {
  const L = problem.lines.length;
  let cost = 0;
  allocation.members.forEach((c, m) => {
    cost += problem.fixedCost[c]!;
    const row = allocation.units[m]!;
    for (let l = 0; l < L; l++) if (row[l]! > 0) cost += row[l]! * problem.unitCost[c * L + l]!;
  });
  return cost;
}
