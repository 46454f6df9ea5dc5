import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { FeedClient } from '../../src/feed/feed-client.js';
import { DEFAULT_FEED_OPTIONS } from '../../src/feed/index.js';

/**
 * A measuring probe for the slow-consumers bench, loaded into the server with `--import` (through
 * `NODE_OPTIONS`, so the feed processes it forks load it too). It reads the feed's own per-client
 * bookkeeping without changing it: after every send to a client (the only moment its unsent bytes grow) it
 * takes `ws.bufferedAmount`, keeping the peak; every 250 ms it writes the clients' current unsent bytes, the
 * closes so far and the process's heap in use to `$FULCRUM_BENCH_PROBE_DIR/<pid>.json`. A close is labelled with the code the feed
 * closed the client with (4008 too slow, ...) or, when the feed did not call `close` (a heartbeat cut-off,
 * or the peer went away), with the code the socket ended with.
 */
export interface ProbeReport {
  pid: number;
  at: number;
  /** This process's V8 heap in use, bytes. */
  heapUsed: number;
  /** Open feed clients now, their unsent bytes together and the largest, and how many are over the skip threshold. */
  clients: number;
  sumBuffered: number;
  maxBuffered: number;
  overSkip: number;
  /** The largest unsent bytes any client had right after a send, since start, and when. */
  peakBuffered: number;
  peakAt: number;
  /** The same per second (epoch seconds), for the peak within a phase. */
  peakBySecond: Record<string, number>;
  /** Per close label: how many, first and last time (epoch ms). */
  closes: Record<string, { count: number; first: number; last: number }>;
}

const dir = process.env.FULCRUM_BENCH_PROBE_DIR;
if (dir && isMainThread) install(dir);

function install(dir: string): void {
  const live = new Set<FeedClient>();
  const closedWith = new WeakMap<FeedClient, number>();
  const closes: ProbeReport['closes'] = {};
  let peakBuffered = 0;
  let peakAt = 0;
  const peakBySecond: Record<string, number> = {};

  const track = (c: FeedClient) => {
    if (!live.has(c)) {
      live.add(c);
      c.ws.once('close', (code: number) => {
        live.delete(c);
        const intent = closedWith.get(c);
        const label = intent !== undefined ? `closed by the feed with ${intent}` : `ended without a feed close (${code})`;
        const now = Date.now();
        const entry = (closes[label] ??= { count: 0, first: now, last: now });
        entry.count++;
        entry.last = now;
      });
    }
    const buffered = c.ws.bufferedAmount;
    if (buffered === 0) return;
    const now = Date.now();
    const second = Math.floor(now / 1000);
    if (buffered > (peakBySecond[second] ?? 0)) peakBySecond[second] = buffered;
    if (buffered > peakBuffered) {
      peakBuffered = buffered;
      peakAt = now;
    }
  };

  const proto = FeedClient.prototype;
  const { send, sendFrame, close } = proto;
  proto.send = function (this: FeedClient, bytes: Uint8Array) {
    send.call(this, bytes);
    track(this);
  };
  proto.sendFrame = function (this: FeedClient, frame: Uint8Array) {
    sendFrame.call(this, frame);
    track(this);
  };
  proto.close = function (this: FeedClient, code: number, reason: string, graceMs: number) {
    if (!this.closing) closedWith.set(this, code);
    close.call(this, code, reason, graceMs);
  };

  const file = join(dir, `${process.pid}.json`);
  const write = () => {
    let sumBuffered = 0;
    let maxBuffered = 0;
    let overSkip = 0;
    for (const c of live) {
      const b = c.ws.bufferedAmount;
      sumBuffered += b;
      if (b > maxBuffered) maxBuffered = b;
      if (b > DEFAULT_FEED_OPTIONS.skipAboveBytes) overSkip++;
    }
    const report: ProbeReport = { pid: process.pid, at: Date.now(), heapUsed: process.memoryUsage().heapUsed, clients: live.size, sumBuffered, maxBuffered, overSkip, peakBuffered, peakAt, peakBySecond, closes };
    writeFileSync(`${file}.tmp`, JSON.stringify(report));
    renameSync(`${file}.tmp`, file);
  };
  setInterval(write, 250).unref();
}
