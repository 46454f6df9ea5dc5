import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets, in seconds: an acknowledgement waits for a flush (~1-5 ms), a bulk load for much longer. */
const BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * `/metrics`, on the standard client (`prom-client`): counters as counters, seconds as the unit, histograms
 * for HTTP latency by route and status (and whatever a module observes: journal flushes, sourcing), values the
 * modules keep read at scrape time, and the default process and Node metrics (CPU, memory, heap spaces, GC,
 * event-loop lag, handles). The exposition is what `promtool check metrics` accepts (a test runs it).
 */
export class Metrics {
  readonly registry = new Registry();
  readonly #requests: Counter<'method' | 'route' | 'status'>;
  readonly #latency: Histogram<'method' | 'route' | 'status'>;
  /** Requests by series, counted here and handed to the counter at scrape time (one Map lookup per request
   * instead of prom-client's label check and hash). Keyed by method, route and status; insertion order is
   * the order the series were first seen, as prom-client's own. */
  readonly #counts = new Map<string, { labels: { method: string; route: string; status: string }; n: number }>();

  constructor() {
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 });
    // Gauges the client names `_total`, which promtool rightly rejects; the same counts are there by type
    // (`nodejs_active_handles`, `nodejs_active_requests`, `nodejs_active_resources`).
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) this.registry.removeSingleMetric(name);
    const counts = this.#counts;
    this.#requests = new Counter({
      name: 'fulcrum_http_requests_total',
      help: 'HTTP requests by method, route and status.',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { labels, n } of counts.values()) this.inc(labels, n);
      },
    });
    this.#latency = new Histogram({
      name: 'fulcrum_http_request_duration_seconds',
      help: 'Time to reply, the flush an acknowledgement waits for included, by method, route and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: BUCKETS_S,
      registers: [this.registry],
    });
  }

  /** Records one finished request. `route` is the pattern (`/orders/:id`), never the raw path. */
  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let series = this.#counts.get(key);
    if (series === undefined) {
      series = { labels: { method, route, status: String(status) }, n: 0 };
      this.#counts.set(key, series);
    }
    series.n++;
    this.#latency.observe(series.labels, seconds);
  }

  /** A value that goes up and down, read when `/metrics` is scraped. */
  gauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  /** Values that go up and down, one series per value of `label` (`read` gives each), read when `/metrics` is scraped. */
  labeledGauge(name: string, help: string, label: string, read: () => Iterable<readonly [string, number]>): void {
    new Gauge({
      name,
      help,
      labelNames: [label],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [value, n] of read()) this.set({ [label]: value }, n);
      },
    });
  }

  /** A count that only grows (since start), kept by a module and read when `/metrics` is scraped. */
  counter(name: string, help: string, read: () => number): void {
    new Counter({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  }

  /** A histogram of durations a module observes (seconds); returns the function to observe one. */
  histogram(name: string, help: string, buckets: readonly number[] = BUCKETS_S): (seconds: number) => void {
    const h = new Histogram({ name, help, buckets: [...buckets], registers: [this.registry] });
    return (seconds) => h.observe(seconds);
  }

  /** The Prometheus text exposition. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** Its content type (text format 0.0.4). */
  get contentType(): string {
    return this.registry.contentType;
  }

  close(): void {
    this.registry.clear();
  }
}
