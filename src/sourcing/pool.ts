import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { esmWorker } from './esm-worker.js';
import { DomainError, type ErrorDetail } from '../domain/errors.js';
import { greedyPlan } from './greedy.js';
import type { SolveReply, SolveTask } from './messages.js';
import { DEFAULT_BUDGET_MS, optimize } from './optimize.js';
import { problemWork, type SourcingProblem } from './problem.js';
import type { SourcingResult } from './result.js';

export interface SourcingPoolOptions {
  /** Worker threads. Default: os.availableParallelism(). */
  readonly workers?: number;
  /** Problems that may wait while every worker is busy; one more is refused with `unavailable`. Default 32 per worker. */
  readonly maxQueue?: number;
  /** How long a pooled problem may take, waiting included, before the greedy plan is used. Default 1000. */
  readonly taskTimeoutMs?: number;
  /** The optimizer's budget per problem (inline and pooled). Default 100; must be below taskTimeoutMs. */
  readonly budgetMs?: number;
  /** Problems of at most this many candidates x lines are solved inline. Default INLINE_MAX_WORK. */
  readonly inlineMaxWork?: number;
  /** @internal Worker module (path or file URL); tests substitute one that crashes or hangs. */
  readonly workerFile?: string;
}

/** Counters for metrics. */
export interface SourcingPoolStats {
  readonly inline: number;
  readonly pooled: number;
  readonly fallbacks: number;
  readonly shed: number;
}

/**
 * Problems up to this size (candidates x lines) are solved inline. Measured by `npm run bench:sourcing`
 * (bench/results/sourcing.md, "Inline threshold", 2 vCPU): problems of 251-500 solve inline in a median
 * 79-83 us and of 501-1000 in 122-136 us (three runs), while a Piscina round trip for a trivial problem
 * took p50 61-95 us idle and ~150 us with two busy threads (LIMITS.md). Up to 500 a worker cannot answer
 * sooner, and the engine thread would spend much of the saving copying the problem there and back.
 */
export const INLINE_MAX_WORK = 500;

const WORKER_FILE = new URL('./worker.js', import.meta.url).href;

/**
 * Solves sourcing problems off the engine's thread. Small problems run inline; the rest go to a Piscina
 * pool with a bounded queue. A worker that crashes or overruns the timeout costs optimality, not the
 * order: the proximity-greedy plan is returned instead, and says so (`fallback`). A full queue throws
 * DomainError('unavailable') so the edge can answer 503.
 */
export class SourcingPool {
  readonly #piscina: Piscina<SolveTask, SolveReply>;
  readonly #taskTimeoutMs: number;
  readonly #budgetMs: number;
  readonly #inlineMaxWork: number;
  /** Pooled problems not yet answered (running or waiting) may number at most workers + maxQueue. */
  readonly #capacity: number;
  #inFlight = 0;
  #stats = { inline: 0, pooled: 0, fallbacks: 0, shed: 0 };

  constructor(options: SourcingPoolOptions = {}) {
    const workers = options.workers ?? availableParallelism();
    const taskTimeoutMs = options.taskTimeoutMs ?? 1000;
    const budgetMs = options.budgetMs ?? Math.min(DEFAULT_BUDGET_MS, taskTimeoutMs / 2);
    const maxQueue = options.maxQueue ?? workers * 32;
    const inlineMaxWork = options.inlineMaxWork ?? INLINE_MAX_WORK;
    const details: ErrorDetail[] = [];
    if (!Number.isInteger(workers) || workers < 1 || workers > 256) details.push({ path: 'workers', message: 'must be an integer in [1, 256]' });
    if (!Number.isInteger(maxQueue) || maxQueue < 0) details.push({ path: 'maxQueue', message: 'must be an integer >= 0' });
    if (!(taskTimeoutMs > 0) || !Number.isFinite(taskTimeoutMs)) details.push({ path: 'taskTimeoutMs', message: 'must be a finite number > 0' });
    if (!(budgetMs > 0) || !(budgetMs < taskTimeoutMs)) details.push({ path: 'budgetMs', message: 'must be > 0 and below taskTimeoutMs' });
    if (!(inlineMaxWork >= 0)) details.push({ path: 'inlineMaxWork', message: 'must be a number >= 0' });
    if (details.length > 0) {
      throw new DomainError('invalid_request', `invalid SourcingPool options: ${details[0]!.path} ${details[0]!.message}`, details);
    }
    this.#capacity = workers + maxQueue;
    this.#taskTimeoutMs = taskTimeoutMs;
    this.#budgetMs = budgetMs;
    this.#inlineMaxWork = inlineMaxWork;
    // The queue limit is enforced here, by counting: Piscina's own limit also counts workers still
    // starting as capacity, so a cold pool would accept more than maxQueue waiting problems.
    this.#piscina = new Piscina({ ...esmWorker(options.workerFile ?? WORKER_FILE), minThreads: workers, maxThreads: workers });
  }

  /** Solves a problem inline or in a worker; throws DomainError('unavailable') when the queue is full. */
  async solve(problem: SourcingProblem): Promise<SourcingResult> {
    if (problemWork(problem) <= this.#inlineMaxWork) {
      this.#stats.inline++;
      return optimize(problem, { budgetMs: this.#budgetMs });
    }
    if (this.#inFlight >= this.#capacity) {
      this.#stats.shed++;
      throw new DomainError('unavailable', `sourcing is at capacity (${this.#capacity} problems in flight); retry shortly`);
    }
    // Exclusions can be a thousand entries the worker never reads: keep them here, put them back after. Ages
    // stay here too: they reach the worker as the inventory-age term inside the unit costs, all it reads.
    const { ageDays: _ages, ...solvable } = problem;
    const task: SolveTask = { problem: { ...solvable, excluded: [] }, options: { budgetMs: this.#budgetMs } };
    this.#inFlight++;
    try {
      const reply = await this.#piscina.run(task, { signal: AbortSignal.timeout(this.#taskTimeoutMs) });
      this.#stats.pooled++;
      return { ...reply, excluded: problem.excluded };
    } catch (error) {
      this.#stats.fallbacks++;
      const timedOut = (error as Error)?.name === 'AbortError';
      return greedyPlan(problem, {
        reason: timedOut ? 'worker_timeout' : 'worker_crash',
        message: timedOut ? `no answer within ${this.#taskTimeoutMs} ms` : String((error as Error)?.message ?? error),
      });
    } finally {
      this.#inFlight--;
    }
  }

  /** Pooled problems not yet answered, running or waiting. */
  get inFlight(): number {
    return this.#inFlight;
  }

  get stats(): SourcingPoolStats {
    return { ...this.#stats };
  }

  /** Waits for running problems and stops the workers. */
  async close(): Promise<void> {
    await this.#piscina.close();
  }
}
