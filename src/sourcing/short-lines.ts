import type { SourcingProblem } from './problem.js';
import type { ShortLine } from './result.js';

/**
 * Lines no plan can cover whatever the shipment limit: fewer units across all candidates than ordered,
 * or, when lines may not split, no single candidate holding the whole line.
 */
export function findShortLines(problem: SourcingProblem): ShortLine[] {
  const L = problem.lines.length;
  const short: ShortLine[] = [];
  problem.lines.forEach((line, l) => {
    let available = 0;
    let maxAtOneLocation = 0;
    for (let c = 0; c < problem.candidateIds.length; c++) {
      const units = problem.stock[c * L + l]!;
      available += units;
      if (units > maxAtOneLocation) maxAtOneLocation = units;
    }
    const covered = problem.splitLines ? available >= line.qty : maxAtOneLocation >= line.qty;
    if (!covered) short.push({ sku: line.sku, qty: line.qty, available, maxAtOneLocation });
  });
  return short;
}
