import type { FutureBucket } from '../domain/supply.js';
import type { AlertView } from '../alerts/index.js';
import type { ErrorMessage } from './messages.js';
import type { Piece } from './pieces.js';

/** Where a window's encoded pieces go: the in-process fan-out, or a link to a feed process. */
export interface PieceSink {
  publish(pieces: Piece[]): void;
}

/**
 * The answer to a subscribe: values that are durable and reflect every journal step up to `since` (so an
 * update with `seq <= since` is already in it), or the error to send to the client.
 */
export type SnapshotReply =
  | { ok: true; since: number; items: Array<{ sku: string; ats: number; future?: FutureBucket[] }>; alerts?: AlertView[] }
  | { ok: false; error: ErrorMessage['error'] };

/**
 * What a fan-out asks of the engine's side. `skus: null` means the whole pool. `subscribe` also makes the
 * source send this fan-out the pieces of those keys from now on; `unsubscribe` stops that once no client of
 * the fan-out wants them.
 */
export interface Upstream {
  subscribe(pool: string, skus: string[] | null): Promise<SnapshotReply>;
  unsubscribe(pool: string, skus: string[] | null): void;
}
