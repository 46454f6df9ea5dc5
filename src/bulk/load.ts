import { DomainError } from '../domain/errors.js';
import { BodyReader } from './body-reader.js';
import { ChunkApplier, type ChunkWindow } from './chunk-applier.js';
import { splitterFor, type BatchFormat } from './formats.js';
import type { RowSink } from './splitter.js';
import type { RowTally } from './tally.js';

/** What a running load is told besides its rows. */
export interface LoadHooks {
  /** The job loading, recorded in each fact so the journal says which job loaded it. */
  job?: string;
  /** Who asked for the load (an API key's id): its steps run in that name. */
  by?: string;
  /** Runs right after each step, in the same event turn: what it writes shares the step's transaction. */
  afterStep?: () => void;
}

/** One load of a kind, opened: where its rows go once split, and the window its chunks are applied from. */
export interface OpenLoad {
  rows: RowSink;
  chunks: ChunkWindow;
}

/**
 * One kind of bulk load (stock rows, inbound lines): which formats it reads, how its rows are checked, held
 * and applied. The job machinery (`BulkJobs`), the splitters and the pacing of chunks are shared.
 */
export interface BulkLoader<T extends RowTally = RowTally> {
  /** The kind a job records, e.g. `inventory.batch`. */
  readonly kind: string;
  readonly formats: readonly BatchFormat[];
  /**
   * What a load whose body broke off (a cut upload, a broken structure, a size limit) did with the rows read
   * before the break: said in the job's error.
   */
  readonly whenBroken: string;
  /** A tally for one load, keeping the `limit` lowest-numbered rows of each list. */
  tally(limit: number): T;
  open(format: BatchFormat, tally: T, hooks: LoadHooks): OpenLoad;
}

/**
 * Loads a body that is already in memory (a small one): every row is read and checked before any is
 * applied, so a body whose structure is broken is refused whole (a 400 that changed nothing). Resolves
 * once every applied row is durable.
 */
export async function loadBuffered<T extends RowTally>(loader: BulkLoader<T>, pieces: ReadonlyArray<Uint8Array>, format: BatchFormat, tally: T, by?: string): Promise<void> {
  const load = loader.open(format, tally, by === undefined ? {} : { by });
  const reader = new BodyReader(splitterFor(format), load.rows);
  for (const piece of pieces) reader.push(piece);
  reader.end();
  await new ChunkApplier(load.chunks).finish();
}

export interface StreamHooks extends LoadHooks {
  /** The body has been read to its end (or reading stopped); the rows read are still being applied. */
  onBodyRead?: () => void;
}

/**
 * Loads a body as it streams in: chunks are applied while later rows are still arriving (when the kind
 * applies before the end), and reading waits while a chunk is applied (TCP backpressure), so memory holds
 * one window of rows, not the body. Resolves once every applied row is durable. When the body breaks (its
 * structure, a cut connection, a size limit) the kind decides what the rows read before the break become
 * (`ChunkWindow.cut`), and then the error is thrown; after a broken structure the rest of the upload is read
 * and dropped so that the client gets its answer. With `signal` aborted (shutdown) nothing more is applied.
 */
export async function loadStream<T extends RowTally>(
  loader: BulkLoader<T>,
  body: AsyncIterable<Uint8Array>,
  format: BatchFormat,
  tally: T,
  hooks: StreamHooks = {},
  signal?: AbortSignal,
): Promise<void> {
  const load = loader.open(format, tally, hooks);
  const applier = new ChunkApplier(load.chunks);
  const reader = new BodyReader(splitterFor(format), load.rows);
  let failure: unknown;
  try {
    for await (const piece of body) {
      if (failure) continue;
      try {
        reader.push(piece);
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        failure = e;
        continue;
      }
      if (signal?.aborted) break;
      await applier.applyDue();
    }
    if (!failure && !signal?.aborted) reader.end();
  } catch (e) {
    failure ??= e;
  }
  hooks.onBodyRead?.();
  if (failure) load.chunks.cut();
  await (signal?.aborted ? applier.settle() : applier.finish());
  if (failure) throw failure;
}
