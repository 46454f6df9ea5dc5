import { describeReason, type SourcingExplanation } from '../explain.js';
import type { ExcludedLocation, ProblemLine } from '../problem.js';
import type { StockSeen } from './replay-order.js';
import { storedFloat64, type StoredNumbers } from '../stored-numbers.js';


/** What a recorded decision may hold: its problem (proven decisions) or the explanation made at the time. */
export interface RecordedSight {
  readonly problem?: {
    readonly lines: readonly ProblemLine[];
    readonly candidateIds: readonly string[];
    readonly stock: StoredNumbers;
    readonly ageDays?: StoredNumbers;
    readonly excluded: readonly ExcludedLocation[];
  };
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
    const unrecorded: string[] = [];
    for (const e of problem.excluded) if (!e.reasons.every((r) => r.code === 'no_stock')) unrecorded.push(e.location);
    const ageDays = problem.ageDays && numbers(problem.ageDays);
    return {
      skus: problem.lines.map((l) => l.sku),
      held: problem.candidateIds,
      units: numbers(problem.stock),
      ...(ageDays ? { ageDays } : {}),
      unrecorded,
    };
  }
  if (!explanation) return undefined;
  const nearest = explanation.candidates.nearest;
  const skus = [...new Set(nearest.flatMap((c) => c.lines.map((l) => l.sku)))];
  const units: number[] = [];
  const ageDays: number[] = [];
  for (const c of nearest) {
    for (const sku of skus) {
      const line = c.lines.find((l) => l.sku === sku);
      units.push(line?.available ?? 0);
      ageDays.push(line?.ageDays === undefined || line.ageAssumed ? NaN : line.ageDays);
    }
  }
  const unrecorded = explanation.excluded.locations.filter((e) => !e.reasons.every((r) => r === NO_STOCK_LABEL)).map((e) => e.location);
  return { skus, held: nearest.map((c) => c.location), units, ageDays, unrecorded };
}

/** Whether the record kept fewer candidates than the decision had (an explanation lists the nearest only). */
export function partlyRecorded(record: RecordedSight): boolean {
  return !record.problem && record.explanation !== null && record.explanation.candidates.nearest.length < record.explanation.candidates.total;
}

function numbers(stored: StoredNumbers): readonly number[] {
  return 'f64' in stored ? stored.f64 : Array.from(storedFloat64(stored));
}
