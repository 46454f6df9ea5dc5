/** How the feed coalesces, fans out and protects itself. Only `windowMs` and `processes` are server settings. */
export interface FeedOptions {
  /** Changes to one (pool, SKU) within this window go out as one update with the latest value. */
  windowMs: number;
  /** Feed processes that own the client sockets; 0 fans out on the engine's own thread. */
  processes: number;
  /** Largest client frame; a larger one closes the connection with 1009. */
  maxPayloadBytes: number;
  /** Most subscribed keys (a whole pool counts as one) per connection. */
  maxKeysPerClient: number;
  /** Client messages allowed in a burst, refilled at `messagesPerSecond`. */
  messageBurst: number;
  messagesPerSecond: number;
  /** Above this many unsent bytes a client skips intermediate values until it drains. */
  skipAboveBytes: number;
  /** A client that stays above `skipAboveBytes` this long is closed with 4008. */
  slowCloseMs: number;
  /** A client with this many unsent bytes is closed with 4008 at once. */
  maxBufferedBytes: number;
  /** Ping interval; a client that has not answered the previous ping is cut off. */
  heartbeatMs: number;
  /** How long a closing client gets to finish the close handshake before it is cut off. */
  closeGraceMs: number;
  /** Longest stretch of sends before the fan-out yields its event loop. */
  sliceMs: number;
}

/**
 * Default number of feed processes: one, so that the engine's thread never sends a frame. Measured on
 * 2 cores with 10,000 subscribers and 1,000 orders/s (bench/results/feed.md, 3 rounds each): with one feed
 * process the engine's loop delay p99 stayed at 6.1-6.4 ms (5.6-8.3 ms with no fan-out at all), intake with
 * the subscribers was 2,834 orders/s, and it delivered 0.89 of a plain ws broadcast; in-process: 7.4-22 ms
 * and 2,433 orders/s; two feed processes: no steady gain in deliveries and staleness p99 over 550 ms
 * (268-354 ms with one).
 */
export const DEFAULT_FEED_PROCESSES = 1;

export const DEFAULT_FEED_OPTIONS: FeedOptions = {
  windowMs: 50,
  processes: DEFAULT_FEED_PROCESSES,
  maxPayloadBytes: 4096,
  maxKeysPerClient: 10_000,
  messageBurst: 100,
  messagesPerSecond: 20,
  skipAboveBytes: 64 * 1024,
  slowCloseMs: 10_000,
  maxBufferedBytes: 4 * 1024 * 1024,
  heartbeatMs: 30_000,
  closeGraceMs: 2_000,
  sliceMs: 2,
};

const RANGES: Record<keyof FeedOptions, [number, number]> = {
  windowMs: [1, 60_000],
  processes: [0, 64],
  maxPayloadBytes: [256, 1024 * 1024],
  maxKeysPerClient: [1, 1_000_000],
  messageBurst: [1, 100_000],
  messagesPerSecond: [1, 100_000],
  skipAboveBytes: [1024, 1024 ** 3],
  slowCloseMs: [10, 3_600_000],
  maxBufferedBytes: [1024, 1024 ** 3],
  heartbeatMs: [10, 3_600_000],
  closeGraceMs: [0, 600_000],
  sliceMs: [1, 1_000],
};

/** Fills in defaults and checks each option; the error names the option and its range. */
export function feedOptions(given: Partial<FeedOptions> = {}): FeedOptions {
  const out = { ...DEFAULT_FEED_OPTIONS };
  for (const [name, value] of Object.entries(given) as Array<[keyof FeedOptions, number | undefined]>) {
    if (value === undefined) continue;
    const range = RANGES[name];
    if (!range) throw new Error(`unknown feed option '${name}'`);
    if (!Number.isInteger(value) || value < range[0] || value > range[1]) {
      throw new Error(`feed option ${name} must be a whole number from ${range[0]} to ${range[1]}, got ${value}`);
    }
    out[name] = value;
  }
  if (out.maxBufferedBytes <= out.skipAboveBytes) throw new Error('feed option maxBufferedBytes must be larger than skipAboveBytes');
  return out;
}
