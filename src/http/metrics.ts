import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

const BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

/** Request counters and latency histograms for `/metrics`, plus gauges read at scrape time. */
export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly latency = new Map<string, Histogram>();
  private readonly gauges = new Map<string, { help: string; read: () => number }>();
  private readonly loopDelay: IntervalHistogram;

  constructor() {
    this.loopDelay = monitorEventLoopDelay({ resolution: 10 });
    this.loopDelay.enable();
  }

  /** Records one finished request. `route` is the pattern (`/orders/:id`), never the raw path. */
  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `method="${method}",route="${route}",status="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const lk = `method="${method}",route="${route}"`;
    let h = this.latency.get(lk);
    if (!h) this.latency.set(lk, (h = { counts: BUCKETS_S.map(() => 0), sum: 0, count: 0 }));
    for (let i = 0; i < BUCKETS_S.length; i++) if (seconds <= BUCKETS_S[i]!) h.counts[i]!++;
    h.sum += seconds;
    h.count++;
  }

  /** A value read when `/metrics` is scraped. */
  gauge(name: string, help: string, read: () => number): void {
    this.gauges.set(name, { help, read });
  }

  /** The Prometheus text exposition. */
  render(): string {
    const out: string[] = [];
    out.push('# HELP fulcrum_http_requests_total HTTP requests by route and status.', '# TYPE fulcrum_http_requests_total counter');
    for (const [k, v] of this.requests) out.push(`fulcrum_http_requests_total{${k}} ${v}`);
    out.push('# HELP fulcrum_http_request_duration_seconds Time to reply, acknowledgement flush included.', '# TYPE fulcrum_http_request_duration_seconds histogram');
    for (const [k, h] of this.latency) {
      BUCKETS_S.forEach((b, i) => out.push(`fulcrum_http_request_duration_seconds_bucket{${k},le="${b}"} ${h.counts[i]}`));
      out.push(`fulcrum_http_request_duration_seconds_bucket{${k},le="+Inf"} ${h.count}`);
      out.push(`fulcrum_http_request_duration_seconds_sum{${k}} ${h.sum}`, `fulcrum_http_request_duration_seconds_count{${k}} ${h.count}`);
    }
    out.push('# HELP fulcrum_event_loop_delay_p99_seconds Event-loop delay, 99th percentile since start.', '# TYPE fulcrum_event_loop_delay_p99_seconds gauge');
    out.push(`fulcrum_event_loop_delay_p99_seconds ${this.loopDelay.percentile(99) / 1e9}`);
    for (const [name, g] of this.gauges) out.push(`# HELP ${name} ${g.help}`, `# TYPE ${name} gauge`, `${name} ${g.read()}`);
    return out.join('\n') + '\n';
  }

  close(): void {
    this.loopDelay.disable();
  }
}
