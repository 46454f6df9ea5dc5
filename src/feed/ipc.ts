import type { FanOutStats } from './fan-out.js';
import type { FeedOptions } from './options.js';
import type { Piece } from './pieces.js';
import type { SnapshotReply } from './upstream.js';

/**
 * Messages between the main process and a feed process, both directions, in one place. The channel uses
 * Node's `advanced` serialization, so the encoded pieces travel as bytes, not re-encoded.
 */

/** The parts of an upgrade request a feed process needs to finish the WebSocket handshake. */
export interface UpgradeRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

export type ToFeedProcess =
  | { t: 'init'; options: FeedOptions }
  /** Sent together with the socket handle; `head` holds bytes the HTTP parser read past the request. */
  | { t: 'adopt'; request: UpgradeRequest; head: Uint8Array }
  | { t: 'window'; pieces: Piece[] }
  | { t: 'snapshot'; req: number; reply: SnapshotReply }
  | { t: 'close' };

export type FromFeedProcess =
  | { t: 'ready' }
  | { t: 'subscribe'; req: number; pool: string; skus: string[] | null }
  | { t: 'unsubscribe'; pool: string; skus: string[] | null }
  | { t: 'stats'; stats: FanOutStats }
  | { t: 'closed'; stats: FanOutStats };

/** How often a feed process reports its counters to the main process. */
export const STATS_INTERVAL_MS = 250;
