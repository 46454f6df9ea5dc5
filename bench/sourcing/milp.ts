import { createRequire } from 'node:module';
import type { Highs } from 'highs';
import type { SourcingProblem } from '../../src/sourcing/index.js';

// highs is a CommonJS package whose typings describe the ESM build's default export; loading it through
// require (as its README shows) keeps the types and the runtime in agreement.
const loadHighs = createRequire(import.meta.url)('highs') as () => Promise<Highs>;

/** The reference solver's answer for one problem. */
export interface MilpOutcome {
  /** HiGHS model status: 'Optimal', 'Infeasible', 'Time limit reached', ... */
  readonly status: string;
  /** Objective of the best solution found, null if none. */
  readonly cost: number | null;
  readonly solveMs: number;
}

let highs: Promise<Highs> | undefined;

/**
 * Solves the same instance as an exact MILP with HiGHS, as an independent check of the optimizer.
 * Binaries y_c open candidate c (fixed cost); x_c_l are the units of line l from c (integer, at most its
 * stock, and only if y_c is open); every line fully assigned; at most maxShipments open. Without split
 * lines x_c_l is a binary z_c_l choosing the one candidate that ships the whole line. Needs >= 1 candidate.
 */
export async function solveMilp(problem: SourcingProblem, timeLimitSec: number): Promise<MilpOutcome> {
  highs ??= loadHighs();
  const solver = await highs;
  const model = writeLpModel(problem);
  const started = performance.now();
  const solution = solver.solve(model, {
    time_limit: timeLimitSec,
    mip_rel_gap: 0,
    mip_abs_gap: 1e-9,
    output_flag: false,
  });
  const solveMs = performance.now() - started;
  const hasSolution = solution.Status === 'Optimal' || (solution.Status === 'Time limit reached' && Number.isFinite(solution.ObjectiveValue));
  return { status: solution.Status, cost: hasSolution ? solution.ObjectiveValue : null, solveMs };
}

/** The model in CPLEX LP format (terms wrapped a few per line to keep lines short). */
export function writeLpModel(problem: SourcingProblem): string {
  const L = problem.lines.length;
  const n = problem.candidateIds.length;
  const split = problem.splitLines;
  const objective: string[] = [];
  const rows: string[] = [];
  const bounds: string[] = [];
  const binaries: string[] = [];
  const generals: string[] = [];
  const cover: string[][] = problem.lines.map(() => []);
  for (let c = 0; c < n; c++) {
    objective.push(term(problem.fixedCost[c]!, `y${c}`));
    binaries.push(`y${c}`);
    for (let l = 0; l < L; l++) {
      const qty = problem.lines[l]!.qty;
      const stock = problem.stock[c * L + l]!;
      const unit = problem.unitCost[c * L + l]!;
      if (split && stock > 0) {
        const cap = Math.min(stock, qty);
        const x = `x${c}_${l}`;
        objective.push(term(unit, x));
        cover[l]!.push(x);
        rows.push(` link${c}_${l}: ${x} - ${cap} y${c} <= 0`);
        bounds.push(` 0 <= ${x} <= ${cap}`);
        generals.push(x);
      } else if (!split && stock >= qty) {
        const z = `z${c}_${l}`;
        objective.push(term(unit * qty, z));
        cover[l]!.push(z);
        rows.push(` link${c}_${l}: ${z} - y${c} <= 0`);
        binaries.push(z);
      }
    }
  }
  problem.lines.forEach((line, l) => {
    const terms = cover[l]!;
    // A line nobody can ship makes the model infeasible, as it should be; LP format needs a variable, so
    // state it as 0 = 1 through an unused dummy.
    rows.push(` cover${l}: ${terms.length === 0 ? `0 dummy${l}` : wrap(terms.map((t, i) => (i === 0 ? t : `+ ${t}`)))} = ${split ? line.qty : 1}`);
  });
  rows.push(` shipments: ${wrap(problem.candidateIds.map((_, c) => (c === 0 ? `y${c}` : `+ y${c}`)))} <= ${problem.maxShipments}`);
  return [
    'Minimize',
    ` obj: ${wrap(objective.map((t, i) => (i === 0 ? t.replace(/^\+ /, '') : t)))}`,
    'Subject To',
    ...rows,
    'Bounds',
    ...bounds,
    'Binaries',
    wrap(binaries),
    ...(generals.length > 0 ? ['Generals', wrap(generals)] : []),
    'End',
  ].join('\n');
}

function term(coefficient: number, variable: string): string {
  return coefficient < 0 ? `- ${-coefficient} ${variable}` : `+ ${coefficient} ${variable}`;
}

function wrap(terms: readonly string[]): string {
  const lines: string[] = [];
  for (let i = 0; i < terms.length; i += 8) lines.push(terms.slice(i, i + 8).join(' '));
  return lines.join('\n   ');
}
