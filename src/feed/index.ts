import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FeedPorts } from './feed-source.js';
import type { ApiKeys } from '../auth/index.js';
import type { Metrics } from '../http/index.js';
import type { FanOutStats } from './fan-out.js';
import { registerFeedGauges } from './feed-metrics.js';
import { FeedProcesses } from './feed-processes.js';
import { FeedSource, type FeedSourceStats } from './feed-source.js';
import { feedOptions, type FeedOptions } from './options.js';
import { inProcessOwner, type SocketOwner } from './socket-owner.js';
import { checkUpgrade, FEED_PATH, refuseUpgrade, ROLE_HEADER } from './upgrade.js';

export { CLOSE, JSON_PROTOCOL, MSGPACK_PROTOCOL, type ClientMessage, type ServerMessage, type SnapshotMessage, type StockMessage } from './messages.js';
export { DEFAULT_FEED_OPTIONS, DEFAULT_FEED_PROCESSES, feedOptions, type FeedOptions } from './options.js';
export type { FanOutStats } from './fan-out.js';
export type { FeedSourceStats } from './feed-source.js';
export { FEED_PATH };

/** The live stock feed attached to a server. */
export interface Feed {
  stats(): { source: FeedSourceStats; fanOut: FanOutStats };
  /** Stops taking connections, closes every client with 1001, and stops the feed processes. */
  close(): Promise<void>;
}

export interface AttachFeedOptions {
  server: Server;
  fulcrum: FeedPorts;
  keys: ApiKeys;
  /** Origins whose pages may open the feed; when any are set, an upgrade from another Origin gets 403. */
  origins?: readonly string[];
  metrics?: Metrics;
  options?: Partial<FeedOptions>;
}

/** Serves the WebSocket feed at `GET /ws` on the server's own port. */
export async function attachFeed({ server, fulcrum, keys, origins = [], metrics, options: given }: AttachFeedOptions): Promise<Feed> {
  const options = feedOptions(given);
  const source = new FeedSource(fulcrum, options.windowMs);
  let owner: SocketOwner;
  try {
    owner = options.processes === 0 ? inProcessOwner(source, options) : await FeedProcesses.start(source, options);
  } catch (e) {
    source.close();
    throw e;
  }
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const verdict = checkUpgrade(req, keys, origins);
    if (verdict.ok) {
      req.headers[ROLE_HEADER] = verdict.role;
      owner.adopt(req, socket, head);
    }
    // Another endpoint may take upgrades on other paths; answer only when nobody else listens.
    else if (verdict.status !== 404 || server.listenerCount('upgrade') === 1) refuseUpgrade(socket, verdict.status, verdict.error);
  };
  server.on('upgrade', onUpgrade);
  if (metrics) registerFeedGauges(metrics, () => source.stats, () => owner.stats());
  let closing: Promise<void> | undefined;
  return {
    stats: () => ({ source: source.stats, fanOut: owner.stats() }),
    close: () =>
      (closing ??= (async () => {
        server.off('upgrade', onUpgrade);
        source.close();
        await owner.close();
      })()),
  };
}
