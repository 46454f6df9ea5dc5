import {
  buildProblem,
  defaultSourcingProfile,
  SourcingPool,
  type SourcingNetwork,
  type SourcingProblem,
} from '../../src/sourcing/index.js';
import { machine } from '../lib/report.js';
import { generateNetwork } from './network-generator.js';
import { generateOrders } from './order-generator.js';
import { runScenario, type ScenarioReport } from './scenario.js';
import { median, percentile, summarize, type Summary } from './stats.js';

export interface BenchOptions {
  readonly seed: number;
  readonly locations: readonly number[];
  readonly shipments: readonly number[];
  /** Orders per scenario (latency, throughput, greedy comparison). */
  readonly orders: number;
  /** Of those, how many are also solved as a MILP. */
  readonly milpOrders: number;
  readonly milpTimeLimitSec: number;
  readonly poolWorkers: readonly number[];
  readonly warmupOrders: number;
  readonly skus: number;
  readonly log: (line: string) => void;
}

/** Inline solve time for problems of one size band (candidates x lines). */
export interface WorkBucket {
  readonly from: number;
  readonly to: number;
  readonly count: number;
  readonly medianMs: number;
  readonly p90Ms: number;
}

export interface BenchReport {
  /** Date, `nproc`, CPU, memory and Node version, as the other benches report them. */
  readonly machine: string;
  readonly options: Omit<BenchOptions, 'log'>;
  readonly elapsedSec: number;
  readonly scenarios: readonly ScenarioReport[];
  /** Round trip of a trivial problem through the pool (1 worker). */
  readonly roundTripMs: Summary;
  readonly buckets: readonly WorkBucket[];
  /** Largest size whose median inline solve takes no longer than the round trip. */
  readonly suggestedInlineMaxWork: number;
}

const BUCKET_EDGES = [0, 100, 250, 500, 1000, 2000, 4000, 8000, Infinity];

/** Runs every scenario (locations x max shipments) and measures where the inline threshold should be. */
export async function runBenchmark(options: BenchOptions): Promise<BenchReport> {
  const started = performance.now();
  const { log: _log, ...recorded } = options;
  const scenarios: ScenarioReport[] = [];
  for (const locations of options.locations) {
    const network = generateNetwork(options.seed + locations, { locations, skus: options.skus });
    for (const maxShipments of options.shipments) {
      options.log(`scenario: ${locations} locations, up to ${maxShipments} shipments`);
      const seed = options.seed * 1000 + locations + maxShipments;
      scenarios.push(
        await runScenario(locations, maxShipments, {
          network,
          profile: defaultSourcingProfile,
          orders: generateOrders(seed, network, options.orders, maxShipments),
          tenLineOrders: generateOrders(seed + 250, network, options.orders, maxShipments, 10),
          warmup: generateOrders(seed + 500, network, options.warmupOrders, maxShipments),
          milpOrders: options.milpOrders,
          milpTimeLimitSec: options.milpTimeLimitSec,
          poolWorkers: options.poolWorkers,
          log: options.log,
        }),
      );
    }
  }
  const roundTripMs = await measureRoundTrip(options.warmupOrders * 5 + 100);
  const buckets = bucketize(scenarios.flatMap((s) => s.work));
  return {
    machine: machine(),
    options: recorded,
    elapsedSec: (performance.now() - started) / 1000,
    scenarios,
    roundTripMs,
    buckets,
    suggestedInlineMaxWork: suggestThreshold(buckets, roundTripMs.p50),
  };
}

/** Pool round trip for a one-location, one-line problem: the fixed cost of leaving the thread. */
async function measureRoundTrip(count: number): Promise<Summary> {
  const problem = trivialProblem();
  const pool = new SourcingPool({ workers: 1, inlineMaxWork: 0 });
  try {
    for (let i = 0; i < 50; i++) await pool.solve(problem);
    const samples: number[] = [];
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      await pool.solve(problem);
      samples.push(performance.now() - started);
    }
    return summarize(samples);
  } finally {
    await pool.close();
  }
}

function trivialProblem(): SourcingProblem {
  const location = {
    id: 'ST-1',
    geo: { lat: 52.5, lon: 13.4 },
    country: 'DE',
    status: 'active',
    capabilities: [],
    capacity: {},
    openOrders: 0,
    ordersToday: 0,
    tags: [],
  };
  const network: SourcingNetwork = { locations: () => [location], product: () => ({}), available: () => 5 };
  const request = {
    lines: [{ sku: 'A', qty: 1 }],
    deliverTo: { lat: 52.4, lon: 13.3, country: 'DE' },
    deliveryType: 'home',
    now: '2026-03-10T10:00:00Z',
  };
  return buildProblem(request, network, defaultSourcingProfile.strategies[1]!);
}

function bucketize(work: readonly (readonly [number, number])[]): WorkBucket[] {
  const buckets: WorkBucket[] = [];
  for (let b = 0; b + 1 < BUCKET_EDGES.length; b++) {
    const from = BUCKET_EDGES[b]!;
    const to = BUCKET_EDGES[b + 1]!;
    const ms = work.filter(([w]) => w > from && w <= to).map(([, t]) => t).sort((x, y) => x - y);
    if (ms.length > 0) buckets.push({ from, to, count: ms.length, medianMs: median(ms), p90Ms: percentile(ms, 0.9) });
  }
  return buckets;
}

/**
 * Below the round trip, sending a problem to a worker cannot make its answer come sooner, and the engine
 * thread would spend much of the saving on copying it there and back.
 */
function suggestThreshold(buckets: readonly WorkBucket[], limitMs: number): number {
  let threshold = 0;
  for (const bucket of buckets) {
    if (bucket.medianMs > limitMs || bucket.to === Infinity) break;
    threshold = bucket.to;
  }
  return threshold;
}
