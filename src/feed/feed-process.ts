import type { Socket } from 'node:net';
import { FanOut } from './fan-out.js';
import { STATS_INTERVAL_MS, type FromFeedProcess, type ToFeedProcess } from './ipc.js';
import type { SnapshotReply, Upstream } from './upstream.js';

/**
 * Entry of a feed process (forked by `FeedProcesses`): it receives authenticated sockets with their upgrade
 * request, finishes the WebSocket handshake, and fans out the pieces the main process sends each window.
 * Snapshots are asked of the main process, which holds the engine.
 */
const replies = new Map<number, (reply: SnapshotReply) => void>();
let nextReq = 1;
let fanOut: FanOut | undefined;
let reporter: NodeJS.Timeout | undefined;

function send(message: FromFeedProcess, then: () => void = () => undefined): void {
  // With a callback, a channel that closes meanwhile is an error passed to it, not a crash.
  if (process.connected) process.send!(message, undefined, {}, then);
}

const upstream: Upstream = {
  subscribe: (pool, skus) =>
    new Promise((resolve) => {
      const req = nextReq++;
      replies.set(req, resolve);
      send({ t: 'subscribe', req, pool, skus });
    }),
  unsubscribe: (pool, skus) => send({ t: 'unsubscribe', pool, skus }),
};

process.on('message', (message: ToFeedProcess, handle: unknown) => {
  switch (message.t) {
    case 'init':
      fanOut = new FanOut(upstream, message.options);
      reporter = setInterval(() => send({ t: 'stats', stats: fanOut!.stats }), STATS_INTERVAL_MS);
      send({ t: 'ready' });
      break;
    case 'adopt':
      // The handle is missing when the client went away while the socket was in transit.
      if (handle) fanOut!.upgrade(message.request, handle as Socket, Buffer.from(message.head));
      break;
    case 'window':
      fanOut!.publish(message.pieces);
      break;
    case 'snapshot':
      replies.get(message.req)?.(message.reply);
      replies.delete(message.req);
      break;
    case 'close':
      clearInterval(reporter);
      void fanOut!.close().then(() => send({ t: 'closed', stats: fanOut!.stats }, () => process.exit(0)));
      break;
  }
});

// Without the main process there is nothing to serve: the clients reconnect to its replacement.
process.on('disconnect', () => process.exit(0));
