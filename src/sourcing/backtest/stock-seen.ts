import { describeReason, type SourcingExplanation } from '../explain.js';
import type { SourcingProblem } from '../problem.js';
import type { StockSeen } from './replay-order.js';

/** What a recorded decision may hold: its problem (proven decisions) or the explanation made at the time. */
export interface RecordedSight {
  readonly problem?: SourcingProblem;
  readonly explanation: SourcingExplanation | null;
}

const NO_STOCK_LABEL = describeReason({ code: 'no_stock' });

/**
 * The stock an order saw, from its decision record: a proven decision kept its whole problem (every
 * candidate's units); any other kept its explanation (the nearest candidates' units only). Either way a
 * location excluded by a filter other than stock was never read, and is listed as unrecorded. Undefined
 * when the record kept neither (the pool lacked the units before a strategy ran).
 */
export function stockSeen(record: RecordedSight): StockSeen | undefined {
  const { problem, explanation } = record;
  if (problem) {
    const L = problem.lines.length;
    const held = problem.candidateIds.map((location, c) => {
      const units = Array.from(problem.stock.subarray(c * L, c * L + L));
      const ages = problem.ageDays ? Array.from(problem.ageDays.subarray(c * L, c * L + L)) : undefined;
      return ages ? { location, units, ageDays: ages } : { location, units };
    });
    const empty: string[] = [];
    const unrecorded: string[] = [];
    for (const e of problem.excluded) (e.reasons.every((r) => r.code === 'no_stock') ? empty : unrecorded).push(e.location);
    return { skus: problem.lines.map((l) => l.sku), held, empty, unrecorded };
  }
  if (!explanation) return undefined;
  const skus = [...new Set(explanation.candidates.nearest.flatMap((c) => c.lines.map((l) => l.sku)))];
  const held = explanation.candidates.nearest.map((c) => ({
    location: c.location,
    units: skus.map((sku) => c.lines.find((l) => l.sku === sku)?.available ?? 0),
    ageDays: skus.map((sku) => {
      const line = c.lines.find((l) => l.sku === sku);
      return line?.ageDays === undefined || line.ageAssumed ? NaN : line.ageDays;
    }),
  }));
  const empty: string[] = [];
  const unrecorded: string[] = [];
  for (const e of explanation.excluded.locations) (e.reasons.every((r) => r === NO_STOCK_LABEL) ? empty : unrecorded).push(e.location);
  return { skus, held, empty, unrecorded };
}

/** Whether the record kept fewer candidates than the decision had (an explanation lists the nearest only). */
export function partlyRecorded(record: RecordedSight): boolean {
  return !record.problem && record.explanation !== null && record.explanation.candidates.nearest.length < record.explanation.candidates.total;
}
