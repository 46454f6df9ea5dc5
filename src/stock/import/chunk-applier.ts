import { setImmediate as nextTurn } from 'node:timers/promises';
import { applyStockBatch, type StockBatchRow } from '../stock-batch.js';
import type { StockPorts } from '../stock.js';
import { LocationWindow } from './location-window.js';
import type { BatchTally } from './tally.js';

/**
 * Rows per engine step; an order waits for at most one. A 4,096-row step took ~4 ms (p50) of the thread;
 * 2,048-row steps halved that but cost 12-34% more CPU per row (twice the transactions and flushes).
 */
const CHUNK_ROWS = 4096;
/** Steps whose journal writes may be in flight at once; bounds what lmdb-js holds in its write queue. */
const MAX_UNFLUSHED = 8;
/**
 * The longest the loader reads rows before it yields to other work, in ms: at 4 the event loop's delay
 * during a 1,000,000-row load was p99 ~18 ms, at 8 ~41 ms, with no fewer rows per second.
 */
const YIELD_AFTER_MS = 4;

export interface ApplierHooks {
  /** Recorded in each fact, so the journal says which job loaded it. */
  job?: string;
  /** Runs right after each step, in the same event turn: what it writes shares the step's transaction. */
  afterStep?: () => void;
}

/**
 * Applies rows in chunks, each one engine step, and yields to the event loop between chunks so that order
 * intake and reads go on during a load. Journal writes are pipelined: a chunk does not wait for the flush
 * of the one before, only for the one MAX_UNFLUSHED steps back.
 */
export class ChunkApplier {
  private readonly window = new LocationWindow();
  private readonly unflushed: Promise<void>[] = [];
  private lastYield = performance.now();

  constructor(
    private readonly ports: StockPorts,
    private readonly tally: BatchTally,
    private readonly hooks: ApplierHooks = {},
  ) {}

  add(row: StockBatchRow): void {
    this.window.add(row);
  }

  /** Applies the chunks that are ready, and yields when the thread has been held long enough. */
  async applyDue(): Promise<void> {
    while (this.window.ready(CHUNK_ROWS)) await this.applyChunk();
    if (performance.now() - this.lastYield > YIELD_AFTER_MS) await this.pause();
  }

  /** Applies every row left and resolves once all of them are durable. */
  async finish(): Promise<void> {
    while (this.window.size > 0) await this.applyChunk();
    await this.settle();
  }

  /** Resolves once every chunk applied so far is durable; rows not applied yet stay unapplied. */
  async settle(): Promise<void> {
    await Promise.all(this.unflushed.splice(0));
  }

  private async applyChunk(): Promise<void> {
    const { value, durable } = applyStockBatch(this.ports, this.window.take(CHUNK_ROWS), this.hooks.job);
    this.tally.add(value);
    this.hooks.afterStep?.();
    // A failed flush is fatal to the engine; the rejection is acted on where the promise is awaited.
    durable.catch(() => undefined);
    this.unflushed.push(durable);
    if (this.unflushed.length > MAX_UNFLUSHED) await this.unflushed.shift();
    await this.pause();
  }

  private async pause(): Promise<void> {
    await nextTurn();
    this.lastYield = performance.now();
  }
}
