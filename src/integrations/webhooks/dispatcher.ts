import { setMaxListeners } from 'node:events';
import type { Engine } from '../../engine/index.js';
import { retryDelay } from './backoff.js';
import type { Endpoint, WebhookEndpoints } from './endpoints.js';
import type { DeliveryOptions } from './options.js';
import type { PendingDelivery, WebhookOutbox } from './outbox.js';
import { postDelivery, type AttemptOutcome } from './post-delivery.js';

/** What delivery has done since start, for metrics. */
export interface DeliveryStats {
  delivered: number;
  failedAttempts: number;
  deadLettered: number;
}

/**
 * Reads extra records past those in flight when scanning an endpoint's due deliveries, so a scan that meets
 * records not yet flushed still finds due ones behind them; bounded so one pump stays a small slice.
 */
const SCAN_SLACK = 64;

/**
 * Delivers the outbox, at least once. Work is pulled from the store, never held in memory beyond the
 * attempts in flight: a pump reads each enabled endpoint's due records (a range read), starts attempts up to
 * the global and per-endpoint limits, and sets one timer for the earliest future retry. Each outcome is
 * written before the slot frees (delete, move to the next attempt time, or move to the dead letters), so a
 * crash at any point leaves every undelivered event in the outbox. Endpoints take turns at the head of the
 * scan so that one busy endpoint cannot starve the others.
 */
export class WebhookDispatcher {
  readonly stats: DeliveryStats = { delivered: 0, failedAttempts: 0, deadLettered: 0 };
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly busy = new Map<string, number>();
  // Every attempt in flight listens on this one signal (hundreds at once under load): no listener cap.
  private readonly stopping = (() => {
    const c = new AbortController();
    setMaxListeners(0, c.signal);
    return c;
  })();
  private stopped = false;
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private turn = 0;
  private readonly engine: Engine;
  private readonly endpoints: WebhookEndpoints;
  private readonly outbox: WebhookOutbox;
  private readonly options: DeliveryOptions;

  constructor(engine: Engine, endpoints: WebhookEndpoints, outbox: WebhookOutbox, options: DeliveryOptions) {
    this.engine = engine;
    this.endpoints = endpoints;
    this.outbox = outbox;
    this.options = options;
  }

  /** Starts delivering, beginning with whatever was pending at start-up. */
  start(): void {
    this.outbox.onCommitted = () => this.wake();
    this.wake();
  }

  /** Asks for a pump soon; many wakes in one event turn make one pump. */
  wake(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  /** Attempts in flight now. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /**
   * Stops: aborts attempts in flight (their records stay as they were and are retried after a restart) and
   * waits until every outcome already decided is written.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.stopping.abort();
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private pump(): void {
    if (this.stopped || this.engine.failure) return;
    const now = this.engine.clock.now();
    const endpoints = this.endpoints.enabled();
    const first = endpoints.length === 0 ? 0 : this.turn++ % endpoints.length;
    let next: number | undefined;
    for (let i = 0; i < endpoints.length && this.inFlight.size < this.options.concurrency; i++) {
      const endpoint = endpoints[(first + i) % endpoints.length]!;
      const busy = this.busy.get(endpoint.id) ?? 0;
      const free = Math.min(this.options.perEndpoint - busy, this.options.concurrency - this.inFlight.size);
      if (free <= 0) continue;
      // An endpoint with every slot taken is pumped again when one frees; only one with room needs a timer.
      if (this.startDue(endpoint, now, free, busy) < free) {
        const at = this.outbox.nextDue(endpoint.id, now);
        if (at !== undefined && (next === undefined || at < next)) next = at;
      }
    }
    this.arm(next, now);
  }

  private startDue(endpoint: Endpoint, now: number, free: number, busy: number): number {
    let started = 0;
    for (const d of this.outbox.due(endpoint.id, now, free + busy + SCAN_SLACK)) {
      if (this.inFlight.has(d.id)) continue;
      this.attempt(endpoint, d);
      if (++started === free) break;
    }
    return started;
  }

  private attempt(endpoint: Endpoint, d: PendingDelivery): void {
    this.busy.set(endpoint.id, (this.busy.get(endpoint.id) ?? 0) + 1);
    const attempt = d.record.attempts + 1;
    const done = postDelivery({
      url: endpoint.url,
      secret: endpoint.secret,
      event: d.record.event,
      attempt,
      timeoutMs: this.options.timeoutMs,
      stop: this.stopping.signal,
      now: this.engine.clock.now(),
    })
      .then((outcome) => this.record(d, attempt, outcome))
      // A failed outcome write is fatal and already reported; stop offering work.
      .catch(() => void (this.stopped = true))
      .finally(() => {
        this.inFlight.delete(d.id);
        this.busy.set(endpoint.id, (this.busy.get(endpoint.id) ?? 1) - 1);
        this.wake();
      });
    this.inFlight.set(d.id, done);
  }

  /** Writes what an attempt came to; resolves once it is on disk. */
  private record(d: PendingDelivery, attempt: number, outcome: AttemptOutcome): Promise<void> | undefined {
    // An attempt cut short by stop() is left as it was: it is retried after the restart.
    if (this.stopped && !outcome.ok) return undefined;
    if (!this.endpoints.get(d.endpoint)) return this.outbox.remove(d);
    if (outcome.ok) {
      this.stats.delivered++;
      return this.outbox.remove(d);
    }
    this.stats.failedAttempts++;
    if (attempt >= this.options.retry.maxAttempts) {
      this.stats.deadLettered++;
      return this.outbox.bury(d, attempt, outcome);
    }
    const nextAt = this.engine.clock.now() + retryDelay(attempt, this.options.retry, this.options.random);
    return this.outbox.reschedule(d, attempt, nextAt, outcome);
  }

  private arm(next: number | undefined, now: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (next === undefined) return;
    // setTimeout takes at most 2^31-1 ms; a later retry is found again when this timer fires.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.wake();
    }, Math.min(Math.max(0, next - now), 2 ** 31 - 1));
    this.timer.unref();
  }
}
