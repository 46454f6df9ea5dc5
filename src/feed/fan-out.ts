import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { DomainError } from '../domain/errors.js';
import { FeedClient, PENDING } from './feed-client.js';
import { ALERTS_CHANNEL, chooseProtocol, CLOSE, errorMessage, parseClientMessage, type ClientMessage, type ServerMessage } from './messages.js';
import { refuseUpgrade, ROLE_HEADER } from './upgrade.js';
import type { FeedOptions } from './options.js';
import { decodeClientFrame, encodeMessage, keyOf, type Piece } from './pieces.js';
import { SlicedQueue } from './sliced-queue.js';
import { SlowClients } from './slow-clients.js';
import { SubscriptionIndex } from './subscription-index.js';
import type { PieceSink, Upstream } from './upstream.js';
import { WindowFrames } from './window-frames.js';

/** What a fan-out has done since start. */
export interface FanOutStats {
  clients: number;
  /** Clients over the skip threshold right now. */
  behind: number;
  /** Update frames sent, and the stock messages and bytes in them. */
  framesSent: number;
  messagesSent: number;
  bytesSent: number;
  /** Frames built from cached pieces: once per window per distinct set of keys and format, whatever the clients. */
  frameBuilds: number;
  snapshots: number;
  /** Times a client's turn came while it was over the skip threshold. */
  skips: number;
  closedSlow: number;
  closedDead: number;
  closedAbuse: number;
  protocolErrors: number;
}

/** Items per snapshot message, so a whole-pool snapshot of a large catalog goes out in pieces. */
const SNAPSHOT_CHUNK = 1000;

/**
 * The client side of the feed: it owns WebSocket connections, their subscriptions and their send queue.
 * It runs on the engine's thread or in a feed process; either way it gets encoded pieces through `publish`
 * and asks `upstream` for snapshots.
 *
 * A window marks each watching client's keys dirty and queues the client; the queue is worked off in short
 * slices, and each client gets one frame with the latest piece of every dirty key. A client over the skip
 * threshold keeps its dirty keys and waits; when it drains it gets what it missed, coalesced; one that stays
 * over it too long is closed with 4008. A stalled client thus costs one check per window and never holds up
 * the others.
 */
export class FanOut implements PieceSink {
  private readonly wss: WebSocketServer;
  private readonly clients = new Set<FeedClient>();
  private readonly index = new SubscriptionIndex();
  private readonly sends: SlicedQueue<FeedClient>;
  private readonly pings: SlicedQueue<FeedClient>;
  private readonly behind: SlowClients;
  private readonly frames = new WindowFrames();
  private readonly counters = { framesSent: 0, messagesSent: 0, bytesSent: 0, snapshots: 0, skips: 0, closedSlow: 0, closedDead: 0, closedAbuse: 0, protocolErrors: 0 };
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly upstream: Upstream,
    private readonly options: FeedOptions,
  ) {
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: options.maxPayloadBytes,
      handleProtocols: (offered) => chooseProtocol(offered),
    });
    // ws refuses a handshake it cannot complete (a bad key or version, a malformed subprotocol list, not a
    // GET) with a text/html page; every refusal of the feed is an HTTP error in the envelope.
    this.wss.on('wsClientError', (err, socket) => refuseUpgrade(socket, 400, new DomainError('invalid_request', `the WebSocket handshake is not valid: ${err.message}`)));
    this.sends = new SlicedQueue((c) => this.deliver(c), options.sliceMs);
    this.pings = new SlicedQueue((c) => this.ping(c), options.sliceMs);
    this.behind = new SlowClients(
      options,
      (c) => {
        if (c.dirty.size > 0) this.enqueue(c);
      },
      (c) => this.closeSlow(c),
    );
    this.heartbeat = setInterval(() => this.clients.forEach((c) => this.pings.push(c)), options.heartbeatMs);
    this.heartbeat.unref();
  }

  get stats(): FanOutStats {
    return { clients: this.clients.size, behind: this.behind.size, frameBuilds: this.frames.builds, ...this.counters };
  }

  /** Completes a WebSocket handshake whose request was already authenticated, and adopts the connection. */
  upgrade(req: Pick<IncomingMessage, 'method' | 'url' | 'headers'>, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req as IncomingMessage, socket, head, (ws) => this.adopt(ws, socket, String(req.headers[ROLE_HEADER] ?? '')));
  }

  /** Marks the watchers of each piece dirty and queues them; the latest piece of a key wins. */
  publish(pieces: Piece[]): void {
    this.frames.clear();
    for (const piece of pieces) {
      for (const c of this.index.record(piece)) {
        c.dirty.add(piece.key);
        this.enqueue(c);
      }
    }
  }

  /** Closes every connection with 1001 and waits (at most the close grace) for them to go. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    this.behind.stop();
    this.sends.clear();
    this.pings.clear();
    for (const c of this.clients) c.close(CLOSE.goingAway, 'server shutting down', this.options.closeGraceMs);
    const until = Date.now() + this.options.closeGraceMs + 100;
    while (this.clients.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    for (const c of this.clients) c.ws.terminate();
    this.wss.close();
  }

  private adopt(ws: WebSocket, socket: Duplex, role: string): void {
    const c = new FeedClient(ws, socket, this.options.messageBurst, this.options.messagesPerSecond);
    c.role = role;
    this.clients.add(c);
    ws.on('message', (data, isBinary) => this.receive(c, data as Buffer, isBinary));
    ws.on('pong', () => (c.alive = true));
    // ws answers protocol errors (bad UTF-8 1007, oversized frame 1009, bad framing 1002) by closing itself.
    ws.on('error', () => this.counters.protocolErrors++);
    ws.on('close', () => this.forget(c));
  }

  private receive(c: FeedClient, data: Buffer, isBinary: boolean): void {
    c.alive = true;
    if (c.closing) return;
    const { messageBurst, messagesPerSecond } = this.options;
    if (!c.takeToken(Date.now())) {
      const e = new DomainError('rate_limited', `more than ${messageBurst} messages at once or ${messagesPerSecond} a second; the connection is closed`);
      this.refuse(c, e, 'too many messages');
      return;
    }
    c.inbox.push({ data, isBinary });
    if (!c.busy) void this.work(c);
  }

  /** Handles a client's messages one at a time, so each answer follows the previous one. */
  private async work(c: FeedClient): Promise<void> {
    c.busy = true;
    while (c.inbox.length > 0 && !c.closing) {
      const { data, isBinary } = c.inbox.shift()!;
      let message: ClientMessage;
      try {
        message = parseClientMessage(decode(data, isBinary));
      } catch (e) {
        this.sendMessage(c, errorMessage(e));
        continue;
      }
      if (message.op === 'subscribe') await this.subscribe(c, message);
      else this.unsubscribe(c, message);
    }
    c.busy = false;
  }

  private async subscribe(c: FeedClient, m: ClientMessage): Promise<void> {
    const { pool, skus } = m;
    if (pool === ALERTS_CHANNEL && c.role !== 'admin' && c.role !== 'ops') {
      this.sendMessage(c, errorMessage(new DomainError('forbidden', `a ${c.role || 'storefront'} key may not subscribe to alerts (admin and ops keys may)`), m.id));
      return;
    }
    const added = skus ? skus.filter((sku) => !c.subs.has(keyOf(pool, sku))).length : c.pools.has(pool) ? 0 : 1;
    if (c.keyCount + added > this.options.maxKeysPerClient) {
      const e = new DomainError('rate_limited', `a connection may watch at most ${this.options.maxKeysPerClient} keys (a whole pool counts as one); the connection is closed`, [
        { path: 'skus', message: `${c.keyCount} watched, ${added} more asked for` },
      ]);
      this.refuse(c, e, 'too many subscriptions', m.id);
      return;
    }
    // Updates for these keys wait until the snapshot is out; a refused subscribe restores what was there.
    const before = new Map<string, number | undefined>();
    const hold = (map: Map<string, number>, k: string, addToIndex: () => void) => {
      const was = map.get(k);
      before.set(k, was);
      if (was === undefined) addToIndex();
      map.set(k, PENDING);
    };
    if (skus) for (const sku of skus) hold(c.subs, keyOf(pool, sku), () => this.index.addKey(keyOf(pool, sku), c));
    else hold(c.pools, pool, () => this.index.addPool(pool, c));

    const reply = await this.upstream.subscribe(pool, skus);
    if (c.closing) return; // its subscriptions are dropped when the socket closes
    if (!reply.ok) {
      this.restore(c, pool, skus, before);
      this.sendMessage(c, { type: 'error', error: reply.error, ...(m.id !== undefined ? { id: m.id } : {}) });
      return;
    }
    if (skus) for (const sku of skus) c.subs.set(keyOf(pool, sku), reply.since);
    else c.pools.set(pool, reply.since);
    if (pool === ALERTS_CHANNEL) {
      this.sendMessage(c, { type: 'snapshot', channel: 'alerts', items: reply.alerts ?? [], ...(m.id !== undefined ? { id: m.id } : {}) });
      this.counters.snapshots++;
      if (c.dirty.size > 0) this.enqueue(c);
      return;
    }
    for (let i = 0; i < reply.items.length || i === 0; i += SNAPSHOT_CHUNK) {
      const items = reply.items.slice(i, i + SNAPSHOT_CHUNK).map((it) => ({ sku: it.sku, ats: it.ats, seq: reply.since, ...(it.future ? { future: it.future } : {}) }));
      this.sendMessage(c, { type: 'snapshot', pool, items, ...(m.id !== undefined ? { id: m.id } : {}) });
    }
    this.counters.snapshots++;
    if (c.dirty.size > 0) this.enqueue(c);
  }

  private restore(c: FeedClient, pool: string, skus: string[] | null, before: Map<string, number | undefined>): void {
    const gone: string[] = [];
    for (const [k, was] of before) {
      if (was !== undefined) {
        (skus ? c.subs : c.pools).set(k, was);
      } else if (skus) {
        c.subs.delete(k);
        if (this.index.removeKey(k, pool, c)) gone.push(k.slice(pool.length + 1));
      } else {
        c.pools.delete(k);
        if (this.index.removePool(pool, c)) this.upstream.unsubscribe(pool, null);
      }
    }
    if (gone.length > 0) this.upstream.unsubscribe(pool, gone);
  }

  /** Drops the named SKUs, or every subscription in the pool (whole pool included) when none are named. */
  private unsubscribe(c: FeedClient, m: ClientMessage): void {
    const { pool } = m;
    const prefix = keyOf(pool, '');
    const skus = m.skus ?? [...c.subs.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
    const gone = skus.filter((sku) => {
      const key = keyOf(pool, sku);
      return c.subs.delete(key) && this.index.removeKey(key, pool, c);
    });
    if (gone.length > 0) this.upstream.unsubscribe(pool, gone);
    if (!m.skus && c.pools.delete(pool) && this.index.removePool(pool, c)) this.upstream.unsubscribe(pool, null);
  }

  private forget(c: FeedClient): void {
    c.closed();
    this.clients.delete(c);
    this.behind.delete(c);
    const gone = new Map<string, string[]>();
    for (const key of c.subs.keys()) {
      const cut = key.indexOf('\u0000');
      const pool = key.slice(0, cut);
      if (this.index.removeKey(key, pool, c)) gone.set(pool, [...(gone.get(pool) ?? []), key.slice(cut + 1)]);
    }
    for (const [pool, skus] of gone) this.upstream.unsubscribe(pool, skus);
    for (const pool of c.pools.keys()) if (this.index.removePool(pool, c)) this.upstream.unsubscribe(pool, null);
  }

  private enqueue(c: FeedClient): void {
    if (c.queued || c.closing) return;
    c.queued = true;
    this.sends.push(c);
  }

  /** A client's turn in the send queue: one frame with the latest piece of each dirty key it may have. */
  private deliver(c: FeedClient): void {
    c.queued = false;
    if (c.closing || c.dirty.size === 0 || c.behindSince !== 0) return;
    if (c.ws.bufferedAmount > this.options.skipAboveBytes) {
      this.behind.add(c);
      this.counters.skips++;
      return;
    }
    const pieces: Piece[] = [];
    for (const key of c.dirty) {
      const piece = this.index.latestOf(key);
      const since = piece ? c.sinceOf(key, piece.pool) : undefined;
      if (since === PENDING) continue;
      c.dirty.delete(key);
      if (since !== undefined && piece!.seq > since) pieces.push(piece!);
    }
    if (pieces.length === 0) return;
    const frame = this.frames.frameFor(pieces, c.format);
    c.sendFrame(frame);
    this.counters.framesSent++;
    this.counters.messagesSent += pieces.length;
    this.counters.bytesSent += frame.length;
  }

  private closeSlow(c: FeedClient): void {
    this.counters.closedSlow++;
    c.close(CLOSE.tooSlow, 'too slow: updates piled up unread', this.options.closeGraceMs);
  }

  private ping(c: FeedClient): void {
    if (c.closing) return;
    if (!c.alive) {
      this.counters.closedDead++;
      c.ws.terminate();
      return;
    }
    c.alive = false;
    c.ws.ping();
  }

  private sendMessage(c: FeedClient, message: ServerMessage): void {
    if (c.closing) return;
    c.send(encodeMessage(message, c.format));
    if (c.ws.bufferedAmount > this.options.maxBufferedBytes) this.closeSlow(c);
  }

  private refuse(c: FeedClient, e: DomainError, reason: string, id?: string | number): void {
    this.sendMessage(c, errorMessage(e, id));
    this.counters.closedAbuse++;
    c.close(CLOSE.tooMany, reason, this.options.closeGraceMs);
  }
}

/** Decodes a client frame; garbage becomes an `invalid_request` that names the format expected. */
function decode(data: Buffer, isBinary: boolean): unknown {
  try {
    return decodeClientFrame(data, isBinary);
  } catch (e) {
    const what = isBinary ? 'MessagePack' : 'JSON';
    throw new DomainError('invalid_request', `the message is not valid ${what}: ${(e as Error).message}`);
  }
}
