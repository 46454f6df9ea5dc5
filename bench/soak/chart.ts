/** One sample of a soak run. */
export interface Sample {
  /** Seconds since the soak started. */
  t: number;
  rssMiB: number;
  anonMiB: number;
  fileMiB: number;
  heapMiB: number;
  loopMs: number;
  p99Ms: number;
  opsPerSec: number;
  lmdbMiB: number;
  liveOrders: number;
  /** The server's main-thread CPU (user + system) per operation in the window, in ms. */
  cpuMsPerOp: number;
  /**
   * The load generator's time for a fixed piece of CPU work, in ms (the median of 15 slices): the machine's own
   * speed in the same run, so that a server that needs more CPU per operation can be told from a machine that
   * became slower (shared cores, a neighbour's load).
   */
  calibMs: number;
}

/**
 * Growth of a measure from the second sixth of the run to the last (minutes 5-10 against 25-30 of a 30-minute
 * run): the first sixth is warm-up (caches, JIT, the LMDB map filling). Means over each part; 0 when a part
 * has no samples.
 */
export function drift(samples: readonly Sample[], of: (s: Sample) => number): number {
  const [second, last] = gateParts(samples).map((part) => part.map((k) => of(samples[k]!)).filter((v) => Number.isFinite(v)));
  if (second!.length === 0 || last!.length === 0) return 0;
  const mean = (vs: number[]) => vs.reduce((a, b) => a + b, 0) / vs.length;
  return mean(last!) / mean(second!) - 1;
}

/**
 * Growth of the p99 of every latency in the second sixth of the run to that of the last (the latencies of each
 * sample's window in `windows`, same order as `samples`): a p99 of five minutes, not a mean of 10-second p99s,
 * which one slow window moves by a tenth.
 */
export function pooledP99Drift(samples: readonly Sample[], windows: ReadonlyArray<ArrayLike<number>>): { second: number; last: number; drift: number } {
  const [second, last] = gateParts(samples).map((part) => percentile(part.flatMap((k) => Array.from(windows[k] ?? [])), 0.99));
  const drift = Number.isFinite(second!) && Number.isFinite(last!) && second! > 0 ? last! / second! - 1 : 0;
  return { second: second!, last: last!, drift };
}

/** The indexes of the samples in the second sixth of the run and in the last. */
function gateParts(samples: readonly Sample[]): [number[], number[]] {
  const span = samples[samples.length - 1]?.t ?? 0;
  const part = (from: number, to: number) => samples.flatMap((s, k) => (s.t > from && s.t <= to ? [k] : []));
  return [part(span / 6, (2 * span) / 6), part((5 * span) / 6, span)];
}

/** The `q` quantile of `values` (NaN when empty). */
export function percentile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const SERIES: Array<{ label: string; unit: string; of: (s: Sample) => number; color: string }> = [
  { label: 'RSS (anonymous)', unit: 'MiB', of: (s) => s.anonMiB, color: '#1f77b4' },
  { label: 'RSS (file-backed: the LMDB map)', unit: 'MiB', of: (s) => s.fileMiB, color: '#9467bd' },
  { label: 'Heap used', unit: 'MiB', of: (s) => s.heapMiB, color: '#2ca02c' },
  { label: 'Intake p99', unit: 'ms', of: (s) => s.p99Ms, color: '#d62728' },
  { label: 'Event-loop delay p99', unit: 'ms', of: (s) => s.loopMs, color: '#ff7f0e' },
  { label: 'LMDB file', unit: 'MiB', of: (s) => s.lmdbMiB, color: '#8c564b' },
  { label: 'Server main-thread CPU per operation', unit: 'ms', of: (s) => s.cpuMsPerOp, color: '#17becf' },
  { label: 'Fixed work on the load generator (the machine\'s speed)', unit: 'ms', of: (s) => s.calibMs, color: '#7f7f7f' },
];

/**
 * The samples as an SVG: one panel per measure, time on the x axis, each panel scaled from 0 to its maximum
 * after the first sixth (warm-up, like the gate: a first p99 of a second would flatten the rest; warm-up points
 * above the scale are drawn at its top).
 */
export function svgChart(samples: readonly Sample[]): string {
  const W = 900;
  const H = 130;
  const pad = { left: 70, right: 20, top: 24, bottom: 22 };
  const span = Math.max(1, samples[samples.length - 1]?.t ?? 1);
  const panels = SERIES.map((series, i) => {
    const values = samples.map(series.of).map((v) => (Number.isFinite(v) ? v : 0));
    const max = Math.max(1e-9, ...values.filter((_, k) => samples[k]!.t > span / 6));
    const x = (t: number) => pad.left + ((W - pad.left - pad.right) * t) / span;
    const y = (v: number) => pad.top + (H - pad.top - pad.bottom) * (1 - Math.min(v, max) / max);
    const points = samples.map((s, k) => `${x(s.t).toFixed(1)},${y(values[k]!).toFixed(1)}`).join(' ');
    const top = i * H;
    return [
      `<g transform="translate(0,${top})">`,
      `<text x="${pad.left}" y="16" font-size="13" font-family="sans-serif">${series.label} (${series.unit}), max ${max.toFixed(1)}</text>`,
      `<line x1="${pad.left}" y1="${H - pad.bottom}" x2="${W - pad.right}" y2="${H - pad.bottom}" stroke="#999"/>`,
      `<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${H - pad.bottom}" stroke="#999"/>`,
      `<text x="${pad.left - 6}" y="${pad.top + 4}" font-size="11" text-anchor="end" font-family="sans-serif">${max.toFixed(1)}</text>`,
      `<text x="${pad.left - 6}" y="${H - pad.bottom}" font-size="11" text-anchor="end" font-family="sans-serif">0</text>`,
      `<text x="${W - pad.right}" y="${H - 6}" font-size="11" text-anchor="end" font-family="sans-serif">${Math.round(span / 60)} min</text>`,
      `<polyline fill="none" stroke="${series.color}" stroke-width="2" points="${points}"/>`,
      '</g>',
    ].join('\n');
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H * SERIES.length}" viewBox="0 0 ${W} ${H * SERIES.length}">\n<rect width="100%" height="100%" fill="white"/>\n${panels.join('\n')}\n</svg>\n`;
}
