import { setImmediate as nextTurn } from 'node:timers/promises';

/** Steps whose journal writes may be in flight at once; bounds what lmdb-js holds in its write queue. */
const MAX_UNFLUSHED = 8;
/**
 * The longest the loader reads rows before it yields to other work, in ms: at 4 the event loop's delay
 * during a 1,000,000-row stock load was p99 ~18 ms, at 8 ~41 ms, with no fewer rows per second.
 */
const YIELD_AFTER_MS = 4;

/** The rows a load holds between reading and applying them, cut into chunks by the kind of load. */
export interface ChunkWindow {
  /** Whether a chunk should be applied now; once the body has `ended`, whether any rows are left to apply. */
  due(ended: boolean): boolean;
  /** Applies the next chunk as one engine step; resolves once its facts are on disk. */
  applyNext(): Promise<void>;
  /** The body broke off before its end; rows that must not be applied without the rest are dropped. */
  cut(): void;
}

/**
 * Applies a load's chunks, each one engine step, and yields to the event loop between chunks so that order
 * intake and reads go on during a load. Journal writes are pipelined: a chunk does not wait for the flush
 * of the one before, only for the one MAX_UNFLUSHED steps back.
 */
export class ChunkApplier {
  private readonly unflushed: Promise<void>[] = [];
  private lastYield = performance.now();

  constructor(private readonly chunks: ChunkWindow) {}

  /** Applies the chunks that are ready, and yields when the thread has been held long enough. */
  async applyDue(): Promise<void> {
    while (this.chunks.due(false)) await this.applyNext();
    if (performance.now() - this.lastYield > YIELD_AFTER_MS) await this.pause();
  }

  /** Applies every row left and resolves once all of them are durable. */
  async finish(): Promise<void> {
    while (this.chunks.due(true)) await this.applyNext();
    await this.settle();
  }

  /** Resolves once every chunk applied so far is durable; rows not applied yet stay unapplied. */
  async settle(): Promise<void> {
    await Promise.all(this.unflushed.splice(0));
  }

  private async applyNext(): Promise<void> {
    const durable = this.chunks.applyNext();
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
