import { fork, type ChildProcess } from 'node:child_process';
import { getPriority, setPriority } from 'node:os';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { DomainError } from '../domain/errors.js';
import type { FanOutStats } from './fan-out.js';
import type { FeedSource } from './feed-source.js';
import type { FromFeedProcess, ToFeedProcess } from './ipc.js';
import type { FeedOptions } from './options.js';
import { emptyStats, sumStats, type SocketOwner } from './socket-owner.js';
import { refuseUpgrade } from './upgrade.js';
import type { PieceSink } from './upstream.js';

const ENTRY = fileURLToPath(new URL('./feed-process.js', import.meta.url));
/** How long a feed process gets to close its clients before it is killed. */
const EXIT_TIMEOUT_MS = 5_000;
/** Pause before replacing a feed process that died, so a crash loop cannot spin. */
const RESPAWN_DELAY_MS = 1_000;
/**
 * Feed processes run this much nicer than the engine. The engine acknowledges orders and must not wait for
 * a core; a fan-out that gets less CPU only coalesces more. Measured on 2 cores with 10,000 subscribers
 * and 2 feed processes (bursty load, two runs each): engine loop delay p99 50-60 ms at equal priority,
 * 32-37 ms at +5.
 */
const NICENESS = 5;

interface Link {
  child: ChildProcess;
  sink: PieceSink;
  ready: boolean;
  stats: FanOutStats;
  exited: Promise<void>;
}

/**
 * Feed processes that own the client sockets (`processes > 0`). The main process authenticates each
 * upgrade request and hands the raw socket over (`child.send(message, socket)`); from then on it only sends
 * each process the pieces it watches, once per window, and answers its snapshot requests. A process that
 * dies takes its clients with it (they reconnect) and is replaced.
 */
export class FeedProcesses implements SocketOwner {
  private readonly links: Array<Link | undefined> = [];
  /** Counters of processes that exited, so that totals never go backwards. */
  private retired = emptyStats();
  private next = 0;
  private closing = false;

  private constructor(
    private readonly source: FeedSource,
    private readonly options: FeedOptions,
  ) {}

  /** Forks `options.processes` feed processes and waits until each is ready. */
  static async start(source: FeedSource, options: FeedOptions): Promise<FeedProcesses> {
    const owner = new FeedProcesses(source, options);
    await Promise.all(Array.from({ length: options.processes }, (_, slot) => owner.spawn(slot)));
    return owner;
  }

  adopt(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const link = this.pick();
    if (!link) {
      refuseUpgrade(socket, 503, new DomainError('unavailable', 'the feed is restarting; try again in a second'));
      return;
    }
    const message: ToFeedProcess = { t: 'adopt', request: { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers }, head };
    // Node counts a socket that came from a server and is sent to a child as that child's connection, and
    // `server.close()` then never calls back once those children have exited (Node 20: the server's worker
    // list empties, its `_usingWorkers` flag stays). So the socket is sent untracked and kept open until
    // it is sent; closing our copy afterwards leaves the child's descriptor, and the connection, alone.
    (socket as Socket & { server: unknown }).server = null;
    link.child.send(message, socket as Socket, { keepOpen: true }, () => socket.destroy());
  }

  stats(): FanOutStats {
    const live = this.links.flatMap((l) => (l ? [l.stats] : []));
    const total = sumStats([this.retired, ...live]);
    const current = sumStats(live);
    return { ...total, clients: current.clients, behind: current.behind };
  }

  async close(): Promise<void> {
    this.closing = true;
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

  /** Round robin over the ready processes: connections are alike, so counts stay even. */
  private pick(): Link | undefined {
    for (let i = 0; i < this.links.length; i++) {
      const link = this.links[this.next++ % this.links.length];
      if (link?.ready) return link;
    }
    return undefined;
  }

  private spawn(slot: number): Promise<void> {
    const child = fork(ENTRY, [], { serialization: 'advanced', stdio: 'inherit' });
    try {
      setPriority(child.pid!, Math.min(19, getPriority() + NICENESS));
    } catch {
      /* not permitted here: the feed process keeps the engine's priority */
    }
    const link: Link = {
      child,
      sink: { publish: (pieces) => send(link, { t: 'window', pieces }) },
      ready: false,
      stats: emptyStats(),
      exited: new Promise((resolve) => child.once('exit', () => resolve())),
    };
    this.links[slot] = link;
    const upstream = this.source.upstreamFor(link.sink);
    const ready = new Promise<void>((resolve, reject) => {
      child.on('message', (m: FromFeedProcess) => {
        switch (m.t) {
          case 'ready':
            link.ready = true;
            resolve();
            break;
          case 'subscribe':
            void upstream.subscribe(m.pool, m.skus).then((reply) => send(link, { t: 'snapshot', req: m.req, reply }));
            break;
          case 'unsubscribe':
            upstream.unsubscribe(m.pool, m.skus);
            break;
          case 'stats':
          case 'closed':
            link.stats = m.stats;
            break;
        }
      });
      child.once('exit', (code, signal) => {
        link.ready = false;
        this.source.removeSink(link.sink);
        this.retired = sumStats([this.retired, { ...link.stats, clients: 0, behind: 0 }]);
        this.links[slot] = undefined;
        reject(new Error(`feed process exited before it was ready (code ${code}, signal ${signal})`));
        if (this.closing) return;
        console.error(`fulcrum: feed process ${child.pid} exited (code ${code}, signal ${signal}); its clients were disconnected; starting a new one`);
        // Not once closing began meanwhile: a replacement started after \`close()\` would outlive the server.
        setTimeout(() => this.closing || void this.spawn(slot).catch((e: unknown) => console.error(`fulcrum: ${(e as Error).message}`)), RESPAWN_DELAY_MS).unref();
      });
    });
    send(link, { t: 'init', options: this.options });
    return ready;
  }
}

function send(link: Link, message: ToFeedProcess): void {
  // A process that just died is noticed by its 'exit' handler; a failed send must not throw meanwhile.
  if (link.child.connected) link.child.send(message, undefined, {}, () => undefined);
}
