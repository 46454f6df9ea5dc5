import { Piscina } from 'piscina';
import { esmWorker } from '../esm-worker.js';
import { DomainError } from '../../domain/errors.js';
import type { ReplayReply, ReplayTask } from './replay-messages.js';

export interface ReplayPoolOptions {
  /** Worker threads for backtests, apart from the intake pool's. Default 1. */
  readonly workers?: number;
  /** @internal Worker module (path or file URL); tests substitute a slow one. */
  readonly workerFile?: string;
}

const WORKER_FILE = new URL('./replay-worker.js', import.meta.url).href;

/**
 * The worker threads backtests replay in. Kept apart from the intake pool (`SourcingPool`): a backtest
 * chunk runs for a good part of a second, and an order's problem must never queue behind one. One thread
 * by default, so a backtest takes at most one core from the engine and the intake workers.
 */
export class ReplayPool {
  readonly #piscina: Piscina<ReplayTask, ReplayReply>;

  constructor(options: ReplayPoolOptions = {}) {
    const workers = options.workers ?? 1;
    if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
      throw new DomainError('invalid_request', 'invalid ReplayPool options: workers must be an integer in [1, 64]', [{ path: 'workers', message: 'must be an integer in [1, 64]' }]);
    }
    // Threads start when the first backtest does: most servers never run one.
    this.#piscina = new Piscina({ ...esmWorker(options.workerFile ?? WORKER_FILE), minThreads: 0, maxThreads: workers, idleTimeout: 30_000 });
  }

  /** Replays one chunk; an aborted `signal` stops it (the worker running it is ended) and rejects with an AbortError. */
  replay(task: ReplayTask, signal?: AbortSignal): Promise<ReplayReply> {
    return this.#piscina.run(task, signal ? { signal } : {});
  }

  /** Waits for running chunks and stops the threads. */
  async close(): Promise<void> {
    await this.#piscina.close();
  }
}
