import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { FanOut, type FanOutStats } from './fan-out.js';
import type { FeedSource } from './feed-source.js';
import type { FeedOptions } from './options.js';
import type { Piece } from './pieces.js';

/** Whoever holds the client connections: a fan-out on the engine's thread, or the feed processes. */
export interface SocketOwner {
  /** Takes an authenticated upgrade request and its socket. */
  adopt(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  stats(): FanOutStats;
  close(): Promise<void>;
}

/** The fan-out on the engine's own thread (`processes: 0`). */
export function inProcessOwner(source: FeedSource, options: FeedOptions): SocketOwner {
  const sink = { publish: (pieces: Piece[]) => fanOut.publish(pieces) };
  const fanOut: FanOut = new FanOut(source.upstreamFor(sink), options);
  return {
    adopt: (req, socket, head) => fanOut.upgrade(req, socket, head),
    stats: () => fanOut.stats,
    close: async () => {
      await fanOut.close();
      source.removeSink(sink);
    },
  };
}

/** Counters all zero. */
export function emptyStats(): FanOutStats {
  return { clients: 0, behind: 0, framesSent: 0, messagesSent: 0, bytesSent: 0, frameBuilds: 0, snapshots: 0, skips: 0, closedSlow: 0, closedDead: 0, closedAbuse: 0, protocolErrors: 0 };
}

/** Adds counters up. */
export function sumStats(all: ReadonlyArray<FanOutStats>): FanOutStats {
  const out = emptyStats();
  for (const s of all) for (const k of Object.keys(out) as Array<keyof FanOutStats>) out[k] += s[k];
  return out;
}
