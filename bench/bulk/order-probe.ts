import { call } from './server-process.js';

/** Latency figures of the probe orders, in ms. */
export interface ProbeSummary {
  count: number;
  failed: number;
  p50: number;
  p99: number;
  max: number;
}

/**
 * Places one order every `intervalMs` while a load runs, to show that order intake goes on between chunks:
 * each order waits for at most one chunk's step, not for the load.
 */
export class OrderProbe {
  private readonly latencies: number[] = [];
  private failed = 0;
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly url: string,
    private readonly sku: string,
    private readonly intervalMs = 20,
  ) {}

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<ProbeSummary> {
    this.stopped = true;
    await this.loop;
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
    return { count: sorted.length, failed: this.failed, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN };
  }

  private async run(): Promise<void> {
    for (let n = 0; !this.stopped; n++) {
      const started = performance.now();
      const r = await call(this.url, 'POST', '/orders', {
        ref: `probe-${n}`,
        customer: { id: 'probe' },
        deliverTo: { lat: 52.52, lon: 13.405, country: 'DE' },
        lines: [{ sku: this.sku, qty: 1 }],
      });
      if (r.status === 201) this.latencies.push(performance.now() - started);
      else this.failed++;
      await new Promise((resolve) => setTimeout(resolve, this.intervalMs));
    }
  }
}
