import { unpack, pack } from 'msgpackr';
import WebSocket from 'ws';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server.js';
import type { FeedOptions } from '../../src/feed/index.js';
import { KEYS } from '../helpers/server.js';
import { tempDataDir } from '../helpers/tmp.js';

/** A decoded server message (frames carrying an array are split into their messages). */
export type Received = { type: string; [k: string]: any };

/**
 * A real `ws` client for the feed tests: it keeps every message it receives, and `next` waits for the first
 * one that matches (taking it out), so a test reads like the exchange it checks.
 */
export class FeedSocket {
  readonly received: Received[] = [];
  /** Frames received (one frame may carry several messages). */
  frames = 0;
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary) => {
      this.frames++;
      const decoded = isBinary ? unpack(data) : JSON.parse(data.toString());
      for (const m of Array.isArray(decoded) ? decoded : [decoded]) this.received.push(m);
      this.wake();
    });
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    void this.closed.then(() => this.wake());
  }

  /** Opens `/ws` with a key in the header (default admin), `?token=` or none; `autoPong: false` ignores pings. */
  static async open(baseUrl: string, options: { key?: string | null; token?: string; protocol?: string; autoPong?: boolean } = {}): Promise<FeedSocket> {
    const key = options.key === undefined ? KEYS.admin : options.key;
    const url = `${baseUrl.replace('http', 'ws')}/ws${options.token ? `?token=${options.token}` : ''}`;
    const ws = new WebSocket(url, options.protocol ? [options.protocol] : [], {
      autoPong: options.autoPong ?? true,
      ...(key ? { headers: { authorization: `Bearer ${key}` } } : {}),
    });
    const socket = new FeedSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return socket;
  }

  /** Sends a message as JSON text, or as MessagePack when the connection negotiated it. */
  send(message: unknown): void {
    if (this.ws.protocol === 'fulcrum.msgpack') this.ws.send(pack(message));
    else this.ws.send(JSON.stringify(message));
  }

  /** Waits for the first message matching `match`, and takes it. */
  async next(match: (m: Received) => boolean = () => true, timeoutMs = 3000): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.received.findIndex(match);
      if (i >= 0) return this.received.splice(i, 1)[0]!;
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error(`closed while waiting; received ${JSON.stringify(this.received)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message within ${timeoutMs} ms; received ${JSON.stringify(this.received)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits until the socket is closed. */
  async close(): Promise<void> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.terminate();
    await this.closed;
  }

  private wake(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }
}

/** An in-process server with the test keys and feed options of the test's choosing. */
/** A server on a fresh data dir with the test keys; `server` adds start options (HTTP fronts, say). */
export async function startFeedServer(feed: Partial<FeedOptions> = {}, server: Partial<ServerOptions> = {}): Promise<{ server: RunningServer; stop(): Promise<void> }> {
  const tmp = tempDataDir();
  const running = await startServer({
    ...server,
    dataDir: tmp.dir,
    port: 0,
    apiKeys: [
      { key: KEYS.admin, role: 'admin' },
      { key: KEYS.storefront, role: 'storefront' },
    ],
    feed,
    onFatal: (e) => {
      throw e;
    },
  });
  return {
    server: running,
    async stop() {
      await running.close();
      tmp.cleanup();
    },
  };
}

/** Calls the HTTP API with the admin key; bodies are sent as JSON. */
export async function api(server: RunningServer, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${KEYS.admin}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: await res.json() };
}

/** The current ATS of a SKU in a pool, from `GET /availability`. */
export async function atsOf(server: RunningServer, sku: string, pool = 'default'): Promise<number> {
  const r = await api(server, 'GET', `/availability?pool=${pool}&sku=${sku}`);
  return r.body.items[0].ats;
}

/** Stock messages for one SKU. */
export const stockOf = (sku: string) => (m: Received) => m.type === 'stock' && m.sku === sku;

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
