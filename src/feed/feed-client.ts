import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { MSGPACK_PROTOCOL, type Format } from './messages.js';

/** A subscription whose snapshot is still on its way: updates for it wait instead of going out early. */
export const PENDING = Number.POSITIVE_INFINITY;

/** `WebSocket.OPEN`, without importing ws's runtime for one constant. */
const OPEN = 1;

/**
 * One feed connection's state. `subs` and `pools` map each subscription to the seq its snapshot reflected
 * (updates at or below it are already known to the client). `dirty` holds keys with an update not yet sent:
 * a slow client keeps only keys there, never values, so whatever it gets when it drains is the latest.
 */
export class FeedClient {
  readonly format: Format;
  readonly subs = new Map<string, number>();
  readonly pools = new Map<string, number>();
  readonly dirty = new Set<string>();
  /** In the fan-out's send queue. */
  queued = false;
  /** When it last went over the skip threshold (0 when it is keeping up). */
  behindSince = 0;
  /** Answered the last ping (or sent anything since). */
  alive = true;
  closing = false;
  /** Client messages not handled yet: each waits for the previous one's snapshot, so answers stay in order. */
  readonly inbox: Array<{ data: Buffer; isBinary: boolean }> = [];
  busy = false;
  /** The key's role, checked at the upgrade: only admin and ops keys may watch the alerts channel. */
  role = '';
  /** Text frames for JSON, binary for MessagePack; one object per client, not one per send. */
  private readonly frameKind: { binary: boolean };
  private tokens: number;
  private refilledAt = Date.now();
  private graceTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly ws: WebSocket,
    /** The socket ws runs on, for frames built once for many clients. */
    private readonly socket: Duplex,
    private readonly burst: number,
    private readonly perSecond: number,
  ) {
    this.format = ws.protocol === MSGPACK_PROTOCOL ? 'msgpack' : 'json';
    this.frameKind = { binary: this.format === 'msgpack' };
    this.tokens = burst;
  }

  /** Subscribed keys, a whole pool counting as one. */
  get keyCount(): number {
    return this.subs.size + this.pools.size;
  }

  /** The seq a key's snapshot reflected, through a SKU or a whole-pool subscription; undefined if neither. */
  sinceOf(key: string, pool: string): number | undefined {
    const bySku = this.subs.get(key);
    const byPool = this.pools.get(pool);
    if (bySku === undefined) return byPool;
    if (byPool === undefined) return bySku;
    return Math.min(bySku, byPool);
  }

  /** Takes one message from the rate budget (a token bucket); false when it is spent. */
  takeToken(now: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.perSecond);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Sends one message through ws, which frames it. */
  send(bytes: Uint8Array): void {
    if (!this.closing) this.ws.send(bytes, this.frameKind);
  }

  /**
   * Writes a complete frame built once for many clients straight to the socket. Safe between ws's own
   * sends: without compression ws writes each frame whole and synchronously, so frames never interleave.
   */
  sendFrame(frame: Uint8Array): void {
    if (!this.closing && this.ws.readyState === OPEN) this.socket.write(frame);
  }

  /** Starts the close handshake; a peer that does not finish it within `graceMs` is cut off. */
  close(code: number, reason: string, graceMs: number): void {
    if (this.closing) return;
    this.closing = true;
    this.ws.close(code, reason);
    this.graceTimer = setTimeout(() => this.ws.terminate(), graceMs);
    this.graceTimer.unref();
  }

  /** Called once the socket is closed. */
  closed(): void {
    this.closing = true;
    clearTimeout(this.graceTimer);
  }
}
