import type { FeedClient } from './feed-client.js';
import type { FeedOptions } from './options.js';

/**
 * Clients over the skip threshold. They keep their dirty keys (never values) and are not sent anything
 * until they drain; a sweep hands back those that drained and gives up on those that stayed behind too
 * long or let too many bytes pile up. The sweep runs only while someone is behind.
 */
export class SlowClients {
  private readonly behind = new Set<FeedClient>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: Pick<FeedOptions, 'windowMs' | 'skipAboveBytes' | 'maxBufferedBytes' | 'slowCloseMs'>,
    private readonly drained: (c: FeedClient) => void,
    private readonly tooSlow: (c: FeedClient) => void,
  ) {}

  get size(): number {
    return this.behind.size;
  }

  add(c: FeedClient): void {
    c.behindSince = Date.now();
    this.behind.add(c);
    if (!this.sweeper) {
      this.sweeper = setInterval(() => this.sweep(), Math.max(10, Math.min(this.options.windowMs, 100)));
      this.sweeper.unref();
    }
  }

  delete(c: FeedClient): void {
    this.behind.delete(c);
  }

  stop(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  private sweep(): void {
    const now = Date.now();
    const { skipAboveBytes, maxBufferedBytes, slowCloseMs } = this.options;
    for (const c of this.behind) {
      const buffered = c.ws.bufferedAmount;
      if (c.closing) {
        this.behind.delete(c);
      } else if (buffered <= skipAboveBytes) {
        this.behind.delete(c);
        c.behindSince = 0;
        this.drained(c);
      } else if (buffered > maxBufferedBytes || now - c.behindSince > slowCloseMs) {
        this.behind.delete(c);
        this.tooSlow(c);
      }
    }
    if (this.behind.size === 0) this.stop();
  }
}
