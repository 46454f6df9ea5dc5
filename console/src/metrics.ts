/**
 * Live figures for the Overview, from Fulcrum's Prometheus scrape (`GET /metrics`), read every 2 s while a
 * chart is on screen: orders per second, intake p99 over the last interval, feed subscribers.
 */
import { signal } from '@preact/signals';
import { api } from './api.js';

export type Series = { t: number[]; v: number[] };
export const FIGURES = {
  'orders-rate': { label: 'Orders per second', unit: '/s' },
  'intake-p99': { label: 'Intake p99 (POST /orders)', unit: 'ms' },
  'feed-clients': { label: 'Feed subscribers', unit: '' },
  'in-flight': { label: 'HTTP requests in flight', unit: '' },
} as const;
export type Figure = keyof typeof FIGURES;

const KEEP = 150;
export const series = signal<Record<Figure, Series>>({ 'orders-rate': empty(), 'intake-p99': empty(), 'feed-clients': empty(), 'in-flight': empty() });
export const metricsError = signal<string | null>(null);
let users = 0;
let timer: ReturnType<typeof setInterval> | undefined;
let last: { at: number; placed: number; buckets: Map<number, number> } | undefined;

function empty(): Series {
  return { t: [], v: [] };
}

/** Keeps the scrape running while at least one chart is mounted. */
export function useMetrics(): () => void {
  if (users++ === 0) {
    void scrape();
    timer = setInterval(scrape, 2000);
  }
  return () => {
    if (--users === 0) clearInterval(timer);
  };
}

async function scrape(): Promise<void> {
  let text: string;
  try {
    text = await api.metrics();
    metricsError.value = null;
  } catch (e) {
    metricsError.value = (e as Error).message;
    return;
  }
  const at = Date.now() / 1000;
  const placed = sum(text, /^fulcrum_orders_placed_total(?:\{[^}]*\})? (\S+)$/gm);
  const buckets = new Map<number, number>();
  for (const m of text.matchAll(/^fulcrum_http_request_duration_seconds_bucket\{([^}]*)\} (\S+)$/gm)) {
    const labels = m[1]!;
    if (!labels.includes('method="POST"') || !labels.includes('route="/orders"')) continue;
    const le = /le="([^"]+)"/.exec(labels)?.[1];
    const bound = le === '+Inf' ? Infinity : Number(le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + Number(m[2]));
  }
  const next = { ...series.value };
  if (last) {
    const dt = Math.max(at - last.at, 0.001);
    push(next, 'orders-rate', at, Math.max(0, (placed - last.placed) / dt));
    push(next, 'intake-p99', at, p99(buckets, last.buckets));
  }
  push(next, 'feed-clients', at, sum(text, /^fulcrum_feed_clients(?:\{[^}]*\})? (\S+)$/gm));
  push(next, 'in-flight', at, sum(text, /^fulcrum_http_in_flight(?:\{[^}]*\})? (\S+)$/gm));
  series.value = next;
  last = { at, placed, buckets };
}

function push(all: Record<Figure, Series>, figure: Figure, t: number, v: number): void {
  const s = all[figure];
  all[figure] = { t: [...s.t, t].slice(-KEEP), v: [...s.v, v].slice(-KEEP) };
}

function sum(text: string, re: RegExp): number {
  let total = 0;
  for (const m of text.matchAll(re)) total += Number(m[1]);
  return total;
}

/** The 99th percentile (ms) of the requests seen between two scrapes, from the histogram's cumulative buckets. */
function p99(now: Map<number, number>, before: Map<number, number>): number {
  const bounds = [...now.keys()].sort((a, b) => a - b);
  const count = (now.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  if (count <= 0) return 0;
  for (const b of bounds) {
    if ((now.get(b) ?? 0) - (before.get(b) ?? 0) >= count * 0.99) return Number.isFinite(b) ? b * 1000 : bounds.at(-2)! * 1000;
  }
  return 0;
}
