import type { StockBatchRow } from '../stock-batch.js';
import type { StockPorts } from '../stock.js';
import { DomainError } from '../../domain/errors.js';
import { ChunkApplier, type ApplierHooks } from './chunk-applier.js';
import { RowReader, type BatchFormat } from './row-reader.js';
import type { BatchTally } from './tally.js';

/**
 * Loads a body that is already in memory (a small one): every row is read and checked before any is
 * applied, so a body whose JSON array is broken is refused whole (a 400 that changed nothing). Resolves
 * once every applied row is durable.
 */
export async function loadBuffered(ports: StockPorts, pieces: ReadonlyArray<Uint8Array>, format: BatchFormat, tally: BatchTally): Promise<void> {
  const rows: StockBatchRow[] = [];
  const reader = new RowReader(format, tally, (row) => rows.push(row));
  for (const piece of pieces) reader.push(piece);
  reader.end();
  const applier = new ChunkApplier(ports, tally);
  for (const row of rows) applier.add(row);
  await applier.finish();
}

export interface StreamHooks extends ApplierHooks {
  /** The body has been read to its end (or reading stopped); the rows read are still being applied. */
  onBodyRead?: () => void;
}

/**
 * Loads a body as it streams in: rows are applied in chunks while later ones are still arriving, and reading
 * waits while a chunk is applied (TCP backpressure), so memory holds one window of rows, not the body.
 * Resolves once every applied row is durable. When the body breaks (a JSON array's structure, a cut
 * connection, a size limit) the rows read before the break are still applied, and then the error is thrown;
 * after a broken structure the rest of the upload is read and dropped so that the client gets its answer.
 * With `signal` aborted (shutdown) nothing more is applied.
 */
export async function loadStream(
  ports: StockPorts,
  body: AsyncIterable<Uint8Array>,
  format: BatchFormat,
  tally: BatchTally,
  hooks: StreamHooks = {},
  signal?: AbortSignal,
): Promise<void> {
  const applier = new ChunkApplier(ports, tally, hooks);
  const reader = new RowReader(format, tally, (row) => applier.add(row));
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
  await (signal?.aborted ? applier.settle() : applier.finish());
  if (failure) throw failure;
}
