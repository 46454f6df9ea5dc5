import type { ErrorDetail } from '../../domain/errors.js';
import type { Destination, OrderLine, Shipment } from '../../domain/order.js';
import { INLINE_MAX_WORK } from '../pool.js';
import type { SourcingPlan } from '../result.js';
import { sourceOrder, sourceOrderSync, type SolveProblem, type SourcingDecision } from '../source-order.js';
import type { SourcingRequest, SplitRequest } from '../types.js';
import type { SourcingPorts } from './sourcing.js';
import { sourcingNetwork, type OrderNetwork } from './order-network.js';

/** What to source: an order's lines (all of them at intake, what is left after a rejection) and how. */
export interface SourcingAsk {
  lines: OrderLine[];
  pool: string;
  deliverTo: Destination;
  deliveryType?: string;
  channel?: string;
  orderValue?: number;
  /** Absent: the strategy's split policy applies as is. */
  split?: SplitRequest;
  /** Locations that must not ship (re-sourcing after a rejection). */
  exclude?: ReadonlySet<string>;
  /** Only this location may ship (click & collect). */
  onlyAt?: string;
  /** A cart hold's allocations, counted as free: the order consumes the hold in the same step. */
  releasing?: Shipment[];
}

/** A line of the ask that cannot be sourced, by its position. */
export interface ShortOrderLine {
  line: number;
  sku: string;
  requested: number;
  available: number;
}

/** A short line as an error detail (409 `insufficient_stock`): its path in the order and what is missing. */
export function shortLineDetail(s: ShortOrderLine, pool: string): ErrorDetail {
  return { path: `lines[${s.line}]`, message: `${s.sku}: ${s.requested} requested, ${s.available} available to this order in pool ${pool}`, sku: s.sku, requested: s.requested, available: s.available };
}

/** A plan made off the engine's thread was re-checked in the step: still fitting stock, or planned again. */
export type Recheck = 'kept' | 'replanned';

export type SourcingOutcome =
  | { ok: true; shipments: Shipment[]; decision: SourcingDecision; recheck?: Recheck }
  | { ok: false; short: ShortOrderLine[]; reason: string; decision: SourcingDecision | null };

/**
 * Planning again inside the step (a pooled plan that no longer fits) holds the engine's thread, so its
 * search gets this budget; past it the best plan found so far is used (never worse than proximity-greedy,
 * the search's first incumbent).
 */
export const REPLAN_BUDGET_MS = 10;

/**
 * Plans an ask against live stock with the active sourcing profile; changes nothing. Call inside the step
 * that reserves the plan. With a `proposal` (planned off the engine's thread, see `proposeSourcing`) its
 * plan is kept when it still fits current stock, and planned again inline when stock moved meanwhile.
 */
export function planSourcing(ports: SourcingPorts, ask: SourcingAsk, now: string, proposal?: SourcingDecision | null): SourcingOutcome {
  const network = sourcingNetwork(ports, ask.pool, now, ask.releasing);
  const short = beyondPool(ask, network);
  if (short.length > 0) return { ok: false, short, reason: 'not enough stock in the pool', decision: null };
  const request = sourcingRequest(ask, now);
  let decision: SourcingDecision;
  let recheck: Recheck | undefined;
  if (proposal?.result?.plan) {
    if (fits(proposal.result.plan, network)) return { ok: true, shipments: shipmentsOf(proposal.result.plan), decision: proposal, recheck: 'kept' };
    decision = timed(ports, sourceOrderSync(request, network, ports.sourcing.profile, { budgetMs: REPLAN_BUDGET_MS }));
    recheck = 'replanned';
  } else {
    // A proposal without a plan is a refusal; deciding it again would only cost the thread time. Inline,
    // runner-up plans are not searched: the explanation derives them from the stored problem when it is
    // read (the intake profile measured them at ~15-20 us of the flash-sale order's engine time).
    decision = proposal ?? timed(ports, sourceOrderSync(request, network, ports.sourcing.profile, { runnerUps: 0 }));
  }
  return outcomeOf(ask, network, decision, recheck);
}

/**
 * Plans an ask without a step: problems are built here, on the engine's thread, and solved by `solve`
 * (the worker pool), so stock may move before a step reserves the plan; `planSourcing` re-checks it there.
 * Also the dry run, which may try a draft `profile`.
 */
export async function proposeSourcing(ports: SourcingPorts, ask: SourcingAsk, solve: SolveProblem, profile = ports.sourcing.profile): Promise<SourcingOutcome> {
  const now = new Date(ports.engine.clock.now()).toISOString();
  const network = sourcingNetwork(ports, ask.pool, now, ask.releasing);
  const short = beyondPool(ask, network);
  if (short.length > 0) return { ok: false, short, reason: 'not enough stock in the pool', decision: null };
  const decision = timed(ports, await sourceOrder(sourcingRequest(ask, now), network, profile, solve));
  return outcomeOf(ask, network, decision);
}

/**
 * Whether an order may be too large to solve inline: an upper bound on its search (every pool holder of
 * any SKU as a candidate, times the SKUs), read from the index without building the problem. Anything at
 * or below `INLINE_MAX_WORK` is planned inside one synchronous step, which keeps the flash-sale path (one
 * line, a few locations) exactly as cheap as one step. A hold's locations are not counted: the bound only
 * picks the path, and the step's plan is right either way.
 */
export function mayNeedPool({ engine, stock }: SourcingPorts, lines: readonly OrderLine[], onlyAt?: string): boolean {
  if (onlyAt !== undefined) return false;
  const skus = new Set(lines.map((l) => l.sku));
  let holders = 0;
  for (const sku of skus) holders += stock.index.freeBySku(sku)?.size ?? 0;
  return Math.min(holders, engine.registry.locations.size) * skus.size > INLINE_MAX_WORK;
}

/** Tells the sourcing module how long the decision's solve took (for `/metrics`). */
function timed(ports: SourcingPorts, decision: SourcingDecision): SourcingDecision {
  if (decision.result && ports.sourcing.onSolved) ports.sourcing.onSolved(decision.result.elapsedMicros / 1e6);
  return decision;
}

/** The optimizer's request for an ask at decision time `now`. */
function sourcingRequest(ask: SourcingAsk, now: string): SourcingRequest {
  return {
    lines: ask.lines,
    deliverTo: ask.deliverTo,
    deliveryType: ask.deliveryType ?? 'home',
    now,
    ...(ask.channel === undefined ? {} : { channel: ask.channel }),
    ...(ask.orderValue === undefined ? {} : { orderValue: ask.orderValue }),
    ...(ask.split === undefined ? {} : { split: ask.split }),
    ...(ask.exclude?.size ? { excludeLocations: [...ask.exclude] } : {}),
    ...(ask.onlyAt === undefined ? {} : { onlyAt: ask.onlyAt }),
  };
}

/** Lines whose SKU the order wants more of than the pool may sell (the pool buffer is not per location). */
function beyondPool(ask: SourcingAsk, network: OrderNetwork): ShortOrderLine[] {
  const { lines } = ask;
  // One line (the flash-sale order) needs no merging by SKU.
  if (lines.length === 1) {
    const available = network.ats(lines[0]!.sku);
    return lines[0]!.qty > available ? [{ line: 0, sku: lines[0]!.sku, requested: lines[0]!.qty, available }] : [];
  }
  const need = new Map<string, number>();
  for (const l of lines) need.set(l.sku, (need.get(l.sku) ?? 0) + l.qty);
  const ats = new Map<string, number>();
  const short: ShortOrderLine[] = [];
  lines.forEach((l, line) => {
    let available = ats.get(l.sku);
    if (available === undefined) ats.set(l.sku, (available = network.ats(l.sku)));
    if (need.get(l.sku)! > available) short.push({ line, sku: l.sku, requested: l.qty, available });
  });
  return short;
}

function outcomeOf(ask: SourcingAsk, network: OrderNetwork, decision: SourcingDecision, recheck?: Recheck): SourcingOutcome {
  const plan = decision.result?.plan;
  if (plan) return { ok: true, shipments: shipmentsOf(plan), decision, ...(recheck ? { recheck } : {}) };
  return refusal(ask, network, decision);
}

/** Whether every shipment's units are still there (a plan has one shipment per location, one line per SKU). */
function fits(plan: SourcingPlan, network: OrderNetwork): boolean {
  return plan.shipments.every((s) => s.lines.every((l) => network.available(s.location, l.sku) >= l.qty));
}

function shipmentsOf(plan: SourcingPlan): Shipment[] {
  return plan.shipments.map((s) => ({ location: s.location, lines: s.lines.map((l) => ({ sku: l.sku, qty: l.qty })) }));
}

/** Why a decision has no plan, with the short lines of the ask (by position) for the caller's error. */
function refusal(ask: SourcingAsk, network: OrderNetwork, decision: SourcingDecision): SourcingOutcome {
  const { result, problem } = decision;
  const every = (available: (sku: string) => number): ShortOrderLine[] =>
    ask.lines.map((l, line) => ({ line, sku: l.sku, requested: l.qty, available: available(l.sku) }));
  if (result === null || problem === null) {
    const reason = `no strategy of sourcing profile '${decision.profileId}' v${decision.profileVersion} applies to this order`;
    return { ok: false, short: every((sku) => network.ats(sku)), reason, decision };
  }
  if (result.infeasibility === 'split_limit') {
    const L = problem.lines.length;
    const unitsOf = (sku: string) => {
      const l = problem.lines.findIndex((x) => x.sku === sku);
      let sum = 0;
      for (let c = 0; c < problem.candidateIds.length; c++) sum += problem.stock[c * L + l]!;
      return sum;
    };
    const n = problem.maxShipments;
    const reason = `the order cannot be served from ${n} location${n === 1 ? '' : 's'} or fewer${problem.splitLines ? '' : ' without splitting a line'}`;
    return { ok: false, short: every(unitsOf), reason, decision };
  }
  const bySku = new Map(result.shortLines.map((s) => [s.sku, s]));
  const short = ask.lines.flatMap((l, line) => {
    const s = bySku.get(l.sku);
    return s ? [{ line, sku: l.sku, requested: l.qty, available: problem.splitLines ? s.available : s.maxAtOneLocation }] : [];
  });
  const excluded = problem.excluded.length;
  const reason = `not enough stock at the locations that may ship it${excluded > 0 ? ` (${excluded} location${excluded === 1 ? '' : 's'} excluded by the profile; POST /sourcing/preview explains)` : ''}`;
  return { ok: false, short, reason, decision };
}
