import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { getPriority, setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { BodyCut, FromFront, FrontReply, FrontRequest, StreamPiece, ToFront } from './front-ipc.js';
import type { Receiving } from './receive-body.js';

const ENTRY = fileURLToPath(new URL('./front-process.js', import.meta.url));
/** How long a front gets to finish its requests before it is killed. */
const EXIT_TIMEOUT_MS = 5_000;
/** Pause before replacing a front that died, so a crash loop cannot spin. */
const RESPAWN_DELAY_MS = 1_000;
/** Measurement knobs of the experiment: the channel's serialization, and how much nicer fronts run than the engine. */
const CHANNEL = process.env.FULCRUM_HTTP_FRONTS_IPC === 'json' ? 'json' : 'advanced';
const NICENESS = Number(process.env.FULCRUM_HTTP_FRONTS_NICE ?? 0);

/** What `@hono/node-server`'s request listener is called with: the app behind it is the one of `N = 0`. */
export type RequestListener = (incoming: IncomingMessage, outgoing: ServerResponse) => unknown;

export interface HttpFrontsOptions {
  count: number;
  listener: RequestListener;
  maxBodyBytes: number;
  /** The bulk loads' limit: a front refuses a declared length past it; a streamed body is counted by the app. */
  maxBatchBytes: number;
  /** Bodies must arrive whole this long after their headers; `receiving.current` is the fronts' sum. */
  body: { timeoutMs: number; receiving: Receiving };
  /** Runs on every accepted socket as `server.on('connection')` listeners do (the per-address cap). */
  onConnection: (socket: Socket) => void;
  /** An upgrade request a front handed back with its socket: the feed's, as a server's 'upgrade' listeners. */
  onUpgrade: (request: Pick<IncomingMessage, 'method' | 'url' | 'headers'>, socket: Socket, head: Buffer) => void;
}

interface Link {
  child: ChildProcess;
  /** Sockets sent to the front whose send has not called back: closed here if the front dies meanwhile. */
  sending: Set<Socket>;
  ready: boolean;
  replies: FrontReply[];
  flushing: boolean;
  /** Connections it holds (ids), so that they stop counting when it dies. */
  conns: Set<number>;
  /** Bodies it is receiving now, as it last said. */
  receiving: number;
  /** Its streamed bodies (bulk loads) not yet ended, by request id. */
  streams: Map<number, StreamedRequest>;
  /** Read bytes to acknowledge and dropped streams, sent once per event-loop turn. */
  acks: Map<number, number>;
  drops: number[];
  acking: boolean;
  exited: Promise<void>;
}

/** A connection a front holds: what the per-address and per-key caps count on the main process. */
interface Conn {
  closed: EventEmitter;
}

/**
 * HTTP front processes (experimental, `httpFronts > 0`): the main process accepts connections and hands each
 * to a front round robin; fronts parse requests and read bodies, and the main process serves each through the
 * same request listener and app as without fronts, on a stand-in request (headers, URL, the body already
 * read into `rawBody`) and a stand-in response that sends status, headers and body back. Replies still wait
 * for the app, so an order is acknowledged only once its journal entry is flushed, as before.
 */
export class HttpFronts {
  readonly server: Server;
  private readonly links: Array<Link | undefined> = [];
  private readonly conns = new Map<number, Conn>();
  private nextConn = 1;
  private next = 0;
  private closing = false;
  /** Counts since start, read by `/metrics`: fronts restarted, requests forwarded, IPC messages each way. */
  readonly stats = { restarts: 0, forwarded: 0, messagesIn: 0, messagesOut: 0 };

  private constructor(private readonly options: HttpFrontsOptions) {
    this.server = createServer({ pauseOnConnect: true }, (socket) => this.accept(socket));
  }

  static async start(options: HttpFrontsOptions): Promise<HttpFronts> {
    const fronts = new HttpFronts(options);
    await Promise.all(Array.from({ length: options.count }, (_, slot) => fronts.spawn(slot)));
    return fronts;
  }

  /** Fronts running and ready now. */
  get alive(): number {
    return this.links.filter((l) => l?.ready).length;
  }

  /** The process ids of the fronts (a test kills one). */
  get pids(): number[] {
    return this.links.flatMap((l) => (l ? [l.child.pid!] : []));
  }

  async close(): Promise<void> {
    this.closing = true;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all(
      this.links.map(async (link) => {
        if (!link) return;
        send(link, { t: 'close' });
        const killer = setTimeout(() => link.child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
        await link.exited;
        clearTimeout(killer);
      }),
    );
  }

  private accept(socket: Socket): void {
    const link = this.pick();
    if (!link) {
      socket.destroy();
      return;
    }
    const id = this.nextConn++;
    const conn: Conn = { closed: new EventEmitter() };
    // The caps see a socket whose 'close' is the front's connection closing, not this process's copy.
    type Listener = (...args: any[]) => void; // eslint-disable-line @typescript-eslint/no-explicit-any
    const stand = {
      remoteAddress: socket.remoteAddress,
      on: (event: string, fn: Listener) => (socket.on(event, fn), stand),
      once: (event: string, fn: Listener) => (event === 'close' ? conn.closed.once(event, fn) : socket.once(event, fn), stand),
      end: (data: string) => socket.end(data),
      destroy: () => socket.destroy(),
    };
    this.options.onConnection(stand as unknown as Socket);
    if (socket.writableEnded || socket.destroyed) {
      conn.closed.emit('close');
      return;
    }
    this.conns.set(id, conn);
    link.conns.add(id);
    // As for the feed processes: sent untracked, kept open until sent, then this copy is closed.
    (socket as Socket & { server: unknown }).server = null;
    link.sending.add(socket);
    link.child.send({ t: 'conn', id } satisfies ToFront, socket, { keepOpen: true }, () => {
      link.sending.delete(socket);
      socket.destroy();
    });
  }

  private countBodies(): void {
    let sum = 0;
    for (const l of this.links) sum += l?.receiving ?? 0;
    this.options.body.receiving.current = sum;
  }

  private gone(link: Link, id: number): void {
    link.conns.delete(id);
    this.conns.get(id)?.closed.emit('close');
    this.conns.delete(id);
  }

  private pick(): Link | undefined {
    for (let i = 0; i < this.links.length; i++) {
      const link = this.links[this.next++ % this.links.length];
      if (link?.ready) return link;
    }
    return undefined;
  }

  private serve(link: Link, [id, connId, method, url, headers, body, cut, streamed]: FrontRequest): void {
    // A connection the front reported gone already (its close overtook the request): whatever counts it
    // (the per-key cap) is told at once, or the count would never come down.
    const conn = this.conns.get(connId) ?? { closed: new GoneConnection() };
    let incoming: StandInRequest | StreamedRequest;
    if (streamed) {
      const s = new StreamedRequest(method, url, headers, conn.closed, {
        read: (bytes) => link.acks.set(id, (link.acks.get(id) ?? 0) + bytes) && this.flushAcks(link),
        drop: () => {
          link.streams.delete(id);
          link.drops.push(id);
          this.flushAcks(link);
        },
      });
      link.streams.set(id, s);
      incoming = s;
    } else {
      incoming = new StandInRequest(method, url, headers, body, conn.closed, cut);
    }
    const outgoing = new StandInResponse(conn.closed, (status, head, payload, open) => {
      // A streamed body answered before its end (refused from its head): the front drops the rest, so its
      // stand-in is let go here, with whatever it buffered. A reply whose own body streams (a job's 202)
      // is answered at its end, after the upload was read.
      if (streamed && !open) {
        link.streams.get(id)?.answered();
        link.streams.delete(id);
      }
      const bytes = CHANNEL === 'json' && payload instanceof Uint8Array;
      const reply: FrontReply = bytes ? [id, status, head, Buffer.from(payload).toString('latin1'), 1] : [id, status, head, payload];
      if (open) {
        if (!bytes) reply.push(0);
        reply.push(1);
      }
      link.replies.push(reply);
      if (link.flushing) return;
      link.flushing = true;
      setImmediate(() => {
        link.flushing = false;
        const replies = link.replies;
        link.replies = [];
        this.stats.messagesOut++;
        send(link, { t: 'replies', replies });
      });
    });
    void this.options.listener(incoming as unknown as IncomingMessage, outgoing as unknown as ServerResponse);
  }

  /** A streamed body's next pieces, in order; its end, or the client gone before it. */
  private pieces(link: Link, pieces: StreamPiece[]): void {
    for (const [id, piece] of pieces) {
      const s = link.streams.get(id);
      if (!s) continue; // the app stopped reading it (dropped): the front is told
      if (piece === 'end') {
        link.streams.delete(id);
        s.push(null);
      } else if (piece === 'abort') {
        link.streams.delete(id);
        s.lost('the client closed the connection before the body ended');
      } else {
        s.receive(Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength));
      }
    }
  }

  private flushAcks(link: Link): void {
    if (link.acking) return;
    link.acking = true;
    setImmediate(() => {
      link.acking = false;
      if (link.acks.size > 0) send(link, { t: 'acks', acks: [...link.acks] });
      if (link.drops.length > 0) send(link, { t: 'drop', ids: link.drops });
      link.acks = new Map();
      link.drops = [];
    });
  }

  private spawn(slot: number): Promise<void> {
    const child = fork(ENTRY, [], { serialization: CHANNEL, stdio: 'inherit' });
    if (NICENESS > 0) {
      try {
        setPriority(child.pid!, Math.min(19, getPriority() + NICENESS));
      } catch {
        /* not permitted here */
      }
    }
    const link: Link = { child, sending: new Set(), ready: false, replies: [], flushing: false, conns: new Set(), receiving: 0, streams: new Map(), acks: new Map(), drops: [], acking: false, exited: new Promise((resolve) => child.once('exit', () => resolve())) };
    this.links[slot] = link;
    const ready = new Promise<void>((resolve, reject) => {
      child.on('message', (m: FromFront, handle: unknown) => {
        this.stats.messagesIn++;
        switch (m.t) {
          case 'ready':
            link.ready = true;
            resolve();
            break;
          case 'requests':
            this.stats.forwarded += m.requests.length;
            for (const request of m.requests) this.serve(link, request);
            break;
          case 'pieces':
            this.pieces(link, m.pieces);
            break;
          case 'gone':
            for (const id of m.conns) this.gone(link, id);
            break;
          case 'bodies':
            link.receiving = m.receiving;
            this.countBodies();
            break;
          case 'upgrade':
            // The handle is missing when the client went away while the socket was in transit.
            if (handle) this.options.onUpgrade({ method: m.method, url: m.url, headers: m.headers }, handle as Socket, Buffer.from(m.head));
            break;
        }
      });
      child.once('exit', (code, signal) => {
        link.ready = false;
        this.links[slot] = undefined;
        // A socket in transit when the front died may never get its send's callback: without this its
        // client would wait on an open connection that nobody serves.
        for (const socket of link.sending) socket.destroy();
        link.sending.clear();
        // Its connections closed with it: the caps count them no more, nor their bodies.
        for (const id of [...link.conns]) this.gone(link, id);
        link.receiving = 0;
        this.countBodies();
        // Uploads it was forwarding end cut, as when their sockets close without fronts.
        for (const s of link.streams.values()) s.lost('the HTTP front process reading the body exited');
        link.streams.clear();
        reject(new Error(`HTTP front exited before it was ready (code ${code}, signal ${signal})`));
        if (this.closing) return;
        // Its connections are gone (their clients reconnect to the others, or to its replacement); requests
        // it had forwarded still run here, and their replies have nowhere to go.
        console.error(`fulcrum: HTTP front ${child.pid} exited (code ${code}, signal ${signal}); its connections were closed; starting a new one`);
        // Not once closing began meanwhile: a replacement started after \`close()\` would outlive the server.
        this.stats.restarts++;
        setTimeout(() => this.closing || void this.spawn(slot).catch((e: unknown) => console.error(`fulcrum: ${(e as Error).message}`)), RESPAWN_DELAY_MS).unref();
      });
    });
    send(link, { t: 'init', maxBodyBytes: this.options.maxBodyBytes, maxBatchBytes: this.options.maxBatchBytes, bodyTimeoutMs: this.options.body.timeoutMs });
    return ready;
  }
}

function send(link: Link, message: ToFront): void {
  // A front that just died is noticed by its 'exit' handler; a failed send must not throw meanwhile.
  if (link.child.connected) link.child.send(message, undefined, {}, () => undefined);
}

/** A closed connection's stand-in: a 'close' listener is called right after it is added. */
class GoneConnection extends EventEmitter {
  override once(event: string | symbol, listener: (...args: unknown[]) => void): this {
    if (event !== 'close') return super.once(event, listener);
    setImmediate(listener);
    return this;
  }
}

/** What the listener subscribes to on a stand-in (errors, close, drain): nothing ever fires, so listeners are dropped. */
class Silent {
  on(_event?: string | symbol, _listener?: (...args: unknown[]) => void): this {
    return this;
  }

  once(_event?: string | symbol, _listener?: (...args: unknown[]) => void): this {
    return this;
  }

  off(_event?: string | symbol, _listener?: (...args: unknown[]) => void): this {
    return this;
  }
}

/**
 * What the request listener and the app read of a Node request: method, URL, headers, the body already
 * received (`rawBody`, where `receiveBody` would have put it), and a socket whose 'close' is the front's.
 */
class StandInRequest extends Silent {
  readonly readableEnded = true;
  readonly errored = null;
  readonly destroyed = false;
  readonly rawBody: Buffer | undefined;
  private raw: string[] | undefined;

  constructor(
    readonly method: string,
    readonly url: string,
    readonly headers: Record<string, string | string[] | undefined>,
    body: Uint8Array | string | undefined,
    readonly socket: EventEmitter,
    /** The front stopped reading the body (too large, too late): `receiveBody` answers as when it reads one. */
    readonly frontCut?: BodyCut,
  ) {
    super();
    this.rawBody =
      body === undefined || body === null ? undefined : typeof body === 'string' ? Buffer.from(body, 'latin1') : Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  }

  get rawHeaders(): string[] {
    return (this.raw ??= rawHeadersOf(this.headers));
  }

  /** A bulk load without a body (a streamed one is a `StreamedRequest`) reads it as a stream: nothing, or what came whole. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    if (this.rawBody && this.rawBody.length > 0) yield this.rawBody;
  }

  resume(): this {
    return this;
  }

  pause(): this {
    return this;
  }

  destroy(): this {
    return this;
  }
}

/** Headers as Node's `rawHeaders` lists them: name, value, name, value. */
function rawHeadersOf(headers: Record<string, string | string[] | undefined>): string[] {
  const raw: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (Array.isArray(value)) for (const v of value) raw.push(name, v);
    else if (value !== undefined) raw.push(name, value);
  }
  return raw;
}

/**
 * A bulk load's request whose body a front forwards as it arrives: a Readable, as a Node request is, which
 * the route reads piece by piece. Bytes the app read are acknowledged to the front, which reads no further
 * ahead than its window; `destroy()` (a job cancelled) tells the front to close the connection.
 */
class StreamedRequest extends Readable {
  private raw: string[] | undefined;
  private received = 0;
  private acked = 0;
  private ended = false;

  constructor(
    readonly method: string,
    readonly url: string,
    readonly headers: Record<string, string | string[] | undefined>,
    readonly socket: EventEmitter,
    private readonly front: { read(bytes: number): void; drop(): void },
  ) {
    super();
    this.once('end', () => (this.ended = true));
  }

  get rawHeaders(): string[] {
    return (this.raw ??= rawHeadersOf(this.headers));
  }

  /** Nothing is asked of the front: it sends while its window allows (see `read`). */
  override _read(): void {}

  /**
   * Every consumer (an async iterator, 'data' listeners) takes bytes through `read`: what it took is told to
   * the front, so its window moves. (`_read` would not do: after one call, Readable calls it again only
   * after a push, and a push waits for the front, which waits for this.)
   */
  override read(size?: number): ReturnType<Readable['read']> {
    const chunk = super.read(size) as ReturnType<Readable['read']>;
    const read = this.received - this.readableLength;
    if (read > this.acked) {
      this.front.read(read - this.acked);
      this.acked = read;
    }
    return chunk;
  }

  receive(bytes: Buffer): void {
    this.received += bytes.length;
    this.push(bytes);
  }

  /** The body will not arrive whole: reading it fails, as when a request's socket closes midway. */
  lost(why: string): void {
    this.ended = true;
    this.destroy(Object.assign(new Error(why), { code: 'ECONNRESET' }));
  }

  /** The reply went out: nothing more is read, and the front, which drops the rest itself, is not told. */
  answered(): void {
    this.ended = true;
    this.destroy();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.ended) this.front.drop();
    callback(error);
  }
}

/**
 * Collects what the request listener writes and hands it over once, at `end`; a reply whose body streams
 * (the adapter flushes its headers first: a bulk job's `202`, whose body follows once the upload is read)
 * goes at once, and its pieces as they are written. Such a reply hears its connection close, as a Node
 * response does, so that the adapter stops the stream.
 */
class StandInResponse extends Silent {
  headersSent = false;
  writable = true;
  writableFinished = false;
  destroyed = false;
  private status = 200;
  private head: Record<string, string | number | string[]> = {};
  private readonly chunks: Array<string | Uint8Array> = [];
  private streaming = false;
  private closeListeners: Array<() => void> | undefined;

  constructor(
    private readonly connection: EventEmitter,
    private readonly done: (status: number, headers: Record<string, string | number | string[]>, body: string | Uint8Array | undefined, open?: true) => void,
  ) {
    super();
  }

  writeHead(status: number, headers?: Record<string, string | number | string[]>): this {
    this.status = status;
    if (headers) this.head = headers;
    this.headersSent = true;
    return this;
  }

  hasHeader(): boolean {
    return false;
  }

  write(chunk: string | Uint8Array): boolean {
    if (this.streaming) this.done(0, {}, chunk, true);
    else this.chunks.push(chunk);
    return true;
  }

  end(chunk?: string | Uint8Array): this {
    if (this.writableFinished) return this;
    this.writableFinished = true;
    this.writable = false;
    if (this.streaming) {
      this.connection.off('close', this.closed);
      this.done(0, {}, chunk);
      return this;
    }
    if (chunk !== undefined) this.chunks.push(chunk);
    this.done(this.status, this.head, this.written());
    return this;
  }

  /** What was written so far, as one piece (undefined when nothing was). */
  private written(): string | Uint8Array | undefined {
    const { chunks } = this;
    if (chunks.length <= 1) return chunks[0];
    return Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)));
  }

  /** The adapter's sign that the body streams: the head goes now, the pieces as they come. */
  flushHeaders(): void {
    if (this.streaming || this.writableFinished) return;
    this.streaming = true;
    this.connection.once('close', this.closed);
    const body = this.written();
    this.chunks.length = 0;
    this.done(this.status, this.head, body, true);
  }

  override on(event?: string | symbol, listener?: () => void): this {
    if (event === 'close' && listener && this.streaming) (this.closeListeners ??= []).push(listener);
    return this;
  }

  override off(event?: string | symbol, listener?: () => void): this {
    if (event === 'close' && this.closeListeners) this.closeListeners = this.closeListeners.filter((l) => l !== listener);
    return this;
  }

  /** The client went away while the body streamed: what a Node response's 'close' tells the adapter. */
  private readonly closed = (): void => {
    if (this.writableFinished) return;
    this.writableFinished = true;
    this.writable = false;
    this.destroyed = true;
    for (const l of this.closeListeners ?? []) l();
  };

  destroy(): this {
    this.destroyed = true;
    return this;
  }
}
