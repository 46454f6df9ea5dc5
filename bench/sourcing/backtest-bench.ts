import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DomainError } from '../../src/domain/errors.js';
import { openFulcrum, type Fulcrum } from '../../src/fulcrum/index.js';
import { Backtests, type BacktestReport } from '../../src/lab/index.js';
import { placeOrder, type PlaceOrder } from '../../src/orders/index.js';
import { PluginRegistry, SourcingProfiles, type SourcingRequest } from '../../src/sourcing/index.js';
import { countStock, upsertLocation, upsertProduct } from '../../src/stock/index.js';
import { generateNetwork, type GeneratedNetwork } from './network-generator.js';
import { generateOrders } from './order-generator.js';
import { summarize, type Summary } from './stats.js';

/**
 * `npm run bench:sourcing -- --backtest [--orders N] [--smoke]`: a backtest of N orders (default 100,000)
 * against a draft that forbids splits. Orders are placed in-process on a generated network over Germany
 * (the sourcing bench's generator: 200 locations, 2,000 SKUs, stock scaled so that most orders are sourced),
 * then one backtest replays them all; its wall time is the figure (goal: at most 60 s). Meanwhile intake keeps
 * placing orders, and its per-order time and the event loop's delay are compared with intake alone.
 */
const USAGE = 'usage: run.js --backtest [--smoke] [--orders N] [--seed N] [--out PATH]';
export const BACKTEST_OUT = 'sourcing-backtest';
const GOAL_SECONDS = 60;

export interface BacktestBenchOptions {
  orders: number;
  seed: number;
  locations: number;
  skus: number;
  /** Orders placed (and timed) while the backtest runs, and as many before it, alone. */
  probeOrders: number;
  out: boolean;
  log: (line: string) => void;
}

export interface BacktestBenchResult {
  options: Omit<BacktestBenchOptions, 'log'>;
  placed: number;
  refused: number;
  placeSeconds: number;
  backtestSeconds: number;
  ordersPerSecond: number;
  /** The event loop's delay while intake ran alone, and while the backtest ran beside it. */
  eventLoopDelayMs: Record<'alone' | 'during', { p50: number; p99: number; max: number }>;
  intakeAloneUs: Summary;
  intakeDuringUs: Summary;
  report: BacktestReport;
}

/** Options from the command line (after `--backtest`); throws with the usage on a bad flag. */
export function parseBacktestArgs(argv: readonly string[]): Omit<BacktestBenchOptions, 'log'> {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--backtest'),
    options: { smoke: { type: 'boolean', default: false }, orders: { type: 'string' }, seed: { type: 'string' }, out: { type: 'boolean', default: false } },
    strict: true,
  });
  const count = (flag: string, raw: string | undefined, fallback: number) => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} must be a whole number > 0, got '${raw}'\n${USAGE}`);
    return n;
  };
  const smoke = values.smoke === true;
  return {
    orders: count('orders', values.orders, smoke ? 300 : 100_000),
    seed: count('seed', values.seed, 20261204),
    locations: smoke ? 40 : 200,
    skus: smoke ? 200 : 2000,
    probeOrders: smoke ? 100 : 3000,
    out: !smoke || values.out === true,
  };
}

/** The draft backtested: the default profile with splits forbidden. */
export const NO_SPLITS_DRAFT = {
  strategies: [
    { id: 'express', when: { deliveryTypes: ['express'] }, filters: { maxDistanceKm: 300, carrierCutoff: { deliveryTypes: ['express'] } }, split: { policy: 'forbid' } },
    { id: 'standard', filters: { carrierCutoff: false }, split: { policy: 'forbid' } },
  ],
};

export async function runBacktestBench(options: BacktestBenchOptions): Promise<BacktestBenchResult> {
  const { log } = options;
  const dir = mkdtempSync(join(tmpdir(), 'fulcrum-backtest-bench-'));
  const run = openFulcrum({ dataDir: dir, onFatal: (e) => { throw e; } });
  const { fulcrum } = run;
  const profiles = new SourcingProfiles(fulcrum, new PluginRegistry([]));
  const backtests = new Backtests(fulcrum, profiles, { maxOrders: options.orders * 2 });
  try {
    await profiles.load(new Date().toISOString());
    const network = generateNetwork(options.seed, { locations: options.locations, skus: options.skus });
    await seed(fulcrum, network);
    log(`seeded ${network.all.length} locations, ${network.skus.length} SKUs`);
    const requests = orderMix(options.seed, network, Math.ceil((options.orders + 2 * options.probeOrders) * 1.3));
    const from = new Date(Date.now() - 1000).toISOString();
    const t0 = performance.now();
    const placing = await place(fulcrum, requests, 0, options.orders, log);
    const placeSeconds = (performance.now() - t0) / 1000;
    log(`placed ${placing.placed} orders in ${placeSeconds.toFixed(1)} s (${placing.refused} refused for stock)`);
    const to = new Date(Date.now() + 1).toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));

    // Intake alone, then the backtest with intake running beside it.
    const aloneDelay = monitorEventLoopDelay({ resolution: 1 });
    aloneDelay.enable();
    const alone = await timedIntake(fulcrum, requests, placing.next, options.probeOrders, () => true);
    aloneDelay.disable();
    const delay = monitorEventLoopDelay({ resolution: 1 });
    const started = performance.now();
    delay.enable();
    const job = backtests.start({ profile: NO_SPLITS_DRAFT, from, to });
    const running = () => backtests.view(job.id)?.status === 'running';
    const during = await timedIntake(fulcrum, requests, alone.next, options.probeOrders, running);
    while (running()) await new Promise((resolve) => setTimeout(resolve, 10));
    const backtestSeconds = (performance.now() - started) / 1000;
    delay.disable();
    const report = backtests.report(job.id);
    if (report.backtest.status !== 'done') throw new Error(`the backtest ended ${report.backtest.status}: ${report.backtest.error?.message ?? ''}`);
    log(`backtest of ${report.orders.replayed} orders: ${backtestSeconds.toFixed(1)} s`);
    const { log: _log, ...settings } = options;
    return {
      options: settings,
      placed: placing.placed,
      refused: placing.refused,
      placeSeconds,
      backtestSeconds,
      ordersPerSecond: Math.round(report.orders.replayed / backtestSeconds),
      eventLoopDelayMs: { alone: delays(aloneDelay), during: delays(delay) },
      intakeAloneUs: summarize(alone.micros),
      intakeDuringUs: summarize(during.micros),
      report,
    };
  } finally {
    await backtests.close();
    await run.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function delays(h: ReturnType<typeof monitorEventLoopDelay>): { p50: number; p99: number; max: number } {
  return { p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6 };
}

/** The generated network in the engine: no capacity limits (100,000 orders land within one day), stock x60. */
async function seed(fulcrum: Fulcrum, network: GeneratedNetwork): Promise<void> {
  const pending: Promise<void>[] = [];
  for (const l of network.all) {
    const { openOrders: _o, ordersToday: _t, capacity: _c, id: _id, status, ...info } = l;
    const open = status === 'paused' ? 'paused' : status === 'closed' ? 'closed' : 'active';
    pending.push(upsertLocation(fulcrum, l.id, { ...info, status: open, name: l.id, type: l.tags.includes('dc') ? 'dc' : 'store', capabilities: [...l.capabilities], tags: [...l.tags] }).durable);
  }
  for (const sku of network.skus) {
    const { restricted, ...attributes } = network.product(sku) ?? {};
    pending.push(upsertProduct(fulcrum, { sku, name: sku, attributes: { ...attributes, restricted: [...(restricted ?? [])] } }).durable);
  }
  for (const l of network.all) {
    for (const sku of network.skus) {
      const units = network.available(l.id, sku);
      if (units > 0) pending.push(countStock(fulcrum, l.id, sku, { onHand: units * 60 }).durable);
    }
    await Promise.all(pending.splice(0));
  }
}

/** Orders of one to three lines (half, a third, a sixth), split allowed up to three shipments unless the order says no. */
function orderMix(seed: number, network: GeneratedNetwork, count: number): SourcingRequest[] {
  const parts = [generateOrders(seed, network, Math.ceil(count / 2), 3, 1), generateOrders(seed + 1, network, Math.ceil(count / 3), 3, 2), generateOrders(seed + 2, network, Math.ceil(count / 6), 3, 3)];
  const out: SourcingRequest[] = [];
  for (let i = 0; out.length < count; i++) for (const p of parts) if (i < p.length && out.length < count) out.push(p[i]!);
  return out;
}

function command(r: SourcingRequest, i: number): PlaceOrder {
  return {
    customer: { id: `c-${i % 5000}` },
    deliverTo: r.deliverTo,
    deliveryType: r.deliveryType === 'collect' ? 'home' : r.deliveryType,
    channel: 'default',
    lines: r.lines.map((l) => ({ sku: l.sku, qty: l.qty })),
  };
}

/** Places orders from `start` until `target` are placed (refusals skipped); durable in batches, as intake's group commit. */
async function place(fulcrum: Fulcrum, requests: SourcingRequest[], start: number, target: number, log: (line: string) => void): Promise<{ placed: number; refused: number; next: number }> {
  let placed = 0;
  let refused = 0;
  let i = start;
  let durable: Promise<void> = Promise.resolve();
  while (placed < target && i < requests.length) {
    try {
      durable = placeOrder(fulcrum, command(requests[i]!, i), 'bench').durable;
      placed++;
    } catch (e) {
      if (!(e instanceof DomainError) || e.type !== 'insufficient_stock') throw e;
      refused++;
    }
    i++;
    if (i % 1000 === 0) {
      await durable;
      if (i % 20_000 === 0) log(`  ${placed} placed`);
    }
  }
  await durable;
  if (placed < target) throw new Error(`only ${placed} of ${target} orders could be placed: raise the stock`);
  return { placed, refused, next: i };
}

/** Places `count` orders one at a time while `go()`, timing each from the call to its durable acknowledgement. */
async function timedIntake(fulcrum: Fulcrum, requests: SourcingRequest[], start: number, count: number, go: () => boolean): Promise<{ micros: number[]; next: number }> {
  const micros: number[] = [];
  let i = start;
  while (micros.length < count && go() && i < requests.length) {
    const t = performance.now();
    try {
      await placeOrder(fulcrum, command(requests[i]!, i), 'bench').durable;
    } catch (e) {
      if (!(e instanceof DomainError) || e.type !== 'insufficient_stock') throw e;
    }
    micros.push((performance.now() - t) * 1000);
    i++;
  }
  return { micros, next: i };
}

/** The result as Markdown for bench/results/. */
export function backtestMarkdown(r: BacktestBenchResult): string {
  const { report } = r;
  const live = report.sides.live;
  const draft = report.sides.draft;
  const c = report.comparison;
  const us = (s: Summary) => `${Math.round(s.p50)} / ${Math.round(s.p99)} / ${Math.round(s.max)}`;
  const ms = (d: { p50: number; p99: number; max: number }) => `${d.p50.toFixed(1)} / ${d.p99.toFixed(1)} / ${d.max.toFixed(1)}`;
  const { timing } = report.backtest;
  const terms = [...new Set([...Object.keys(live.cost.byTerm), ...Object.keys(draft.cost.byTerm)])];
  return [
    `A backtest of ${report.orders.replayed.toLocaleString('en-US')} orders against a draft that forbids splits (the default profile otherwise),`,
    `on a generated network of ${r.options.locations} locations and ${r.options.skus} SKUs (seed ${r.options.seed}); orders of 1-3 lines placed in-process first.`,
    '',
    '## Goal',
    '',
    '| what | goal | measured | met |',
    '|---|---|---|---|',
    `| backtest of ${report.orders.replayed.toLocaleString('en-US')} orders, wall time | <= ${GOAL_SECONDS} s | ${r.backtestSeconds.toFixed(1)} s (${r.ordersPerSecond.toLocaleString('en-US')} orders/s) | ${r.backtestSeconds <= GOAL_SECONDS ? 'yes' : 'no'} |`,
    '',
    '## Intake beside it',
    '',
    'Orders placed one at a time, from the call to the durable acknowledgement (µs, p50 / p99 / max), alone and while the backtest ran;',
    "the event loop's delay while it ran shows how long reading the period held the engine's thread.",
    '',
    '| intake | orders | acknowledged, p50 / p99 / max µs | event-loop delay, p50 / p99 / max ms |',
    '|---|---|---|---|',
    `| alone | ${r.intakeAloneUs.count} | ${us(r.intakeAloneUs)} | ${ms(r.eventLoopDelayMs.alone)} |`,
    `| during the backtest | ${r.intakeDuringUs.count} | ${us(r.intakeDuringUs)} | ${ms(r.eventLoopDelayMs.during)} |`,
    '',
    `The backtest read the period for ${timing.readingMs} ms of the engine's thread (in slices of at most 8 ms) and waited ${timing.waitingForWorkerMs} ms for its worker.`,
    `Placing the ${r.placed.toLocaleString('en-US')} orders took ${r.placeSeconds.toFixed(1)} s (${r.refused} refused for stock).`,
    '',
    '## What the draft would have done',
    '',
    '| | live profile (replayed) | draft: no splits |',
    '|---|---|---|',
    `| orders sourced / not | ${live.sourced} / ${live.unsourced} | ${draft.sourced} / ${draft.unsourced} |`,
    `| cost, total | ${live.cost.total} | ${draft.cost.total} |`,
    ...terms.map((t) => `| cost: ${t} | ${live.cost.byTerm[t] ?? 0} | ${draft.cost.byTerm[t] ?? 0} |`),
    `| shipments per order | ${live.shipments.perOrder} | ${draft.shipments.perOrder} |`,
    `| split orders | ${live.splitOrders} | ${draft.splitOrders} |`,
    `| km per shipment | ${live.distanceKm.perShipment} | ${draft.distanceKm.perShipment} |`,
    `| busiest location (shipments) | ${live.load[0]?.location ?? '-'} (${live.load[0]?.shipments ?? 0}) | ${draft.load[0]?.location ?? '-'} (${draft.load[0]?.shipments ?? 0}) |`,
    '',
    `On the ${c.orders} orders both sourced, the draft minus the live profile: cost ${c.difference.cost} (${c.difference.costPercent ?? "-"}%), shipments ${c.difference.shipments}, split orders ${c.difference.splitOrders}, km ${c.difference.distanceKm}.`,
    `Plans changed: ${report.changed.count}; orders the draft could not source: ${report.unsourced.count}; live plans the replay reproduced: ${report.fidelity.reproduced} of ${report.orders.replayed}.`,
  ].join('\n');
}
