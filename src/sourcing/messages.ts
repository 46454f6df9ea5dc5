import type { OptimizeOptions } from './optimize.js';
import type { SourcingProblem } from './problem.js';
import type { SourcingResult } from './result.js';

/**
 * The messages between the engine's thread and a sourcing worker, in one place.
 * Both are structured-clone safe (plain objects and typed arrays).
 */

/**
 * Engine -> worker: a problem to solve. `excluded` is sent empty and `ageDays` left out: the worker does not
 * read them (inventory age is in the unit costs, term by term).
 */
export interface SolveTask {
  readonly problem: SourcingProblem;
  readonly options: OptimizeOptions;
}

/** Worker -> engine: the result without the exclusions, which the pool puts back from its own copy. */
export type SolveReply = Omit<SourcingResult, 'excluded'>;
