import type { OrderContext } from '../../actors/index.js';
import { DEFAULT_SPLIT_POLICY } from '../domain/order.js';
import { SortableIds, type Engine } from '../engine/index.js';
import {
  partlyRecorded,
  recordedIntakeDecisions,
  stockSeen,
  type ReplayOrder,
  type SourcingProfileDocument,
  type RecordedDecision,
} from '../sourcing/index.js';

/** Which orders of the period a backtest replays; every list given must contain the order's value. */
export interface BacktestFilter {
  channels?: string[];
  pools?: string[];
  deliveryTypes?: string[];
  /** Orders with at least one of these SKUs. */
  skus?: string[];
}

/** Why orders of the period were not replayed, with how many. */
export type SkipReason = 'filtered' | 'no_stock_recorded' | 'no_profile_recorded' | 'profile_version_missing' | 'profile_uses_plugins' | 'order_missing';

/** Order ids taken in [fromMs, toMs): ids sort by creation time, so a period is one key range. */
export function periodRange(fromMs: number, toMs: number): { from: string; to: string } {
  return { from: SortableIds.firstAt('ord', fromMs), to: SortableIds.firstAt('ord', toMs) };
}

/**
 * Reads the orders of a period in the order they arrived, a slice at a time (the caller yields between
 * slices so intake keeps running): each order's request from its context, and what it saw and reserved from
 * its intake decision record. Reads only; keeps no cursor open between slices.
 */
export class PeriodOrders {
  readonly skipped: Partial<Record<SkipReason, number>> = {};
  /** Orders read so far, replayable or not. */
  read = 0;
  /** Replayable orders whose record kept the nearest candidates only. */
  partlyRecorded = 0;
  done = false;
  #after: string | undefined;
  readonly #profiles = new Map<string, SourcingProfileDocument | SkipReason>();

  constructor(
    private readonly engine: Engine,
    private readonly range: { from: string; to: string },
    private readonly filter: BacktestFilter,
    /** The stored document of a profile version, if it is stored. */
    private readonly profileVersion: (id: string, version: number) => SourcingProfileDocument | undefined,
  ) {}

  /** The live profile documents the orders read so far name. */
  get liveProfiles(): SourcingProfileDocument[] {
    return [...this.#profiles.values()].filter((p): p is SourcingProfileDocument => typeof p !== 'string');
  }

  /** The next `limit` orders (or fewer at the end of the period) that can be replayed. */
  slice(limit: number): ReplayOrder[] {
    const recorded = recordedIntakeDecisions(this.engine, { ...this.range, ...(this.#after === undefined ? {} : { after: this.#after }) }, limit);
    if (recorded.length < limit) this.done = true;
    const out: ReplayOrder[] = [];
    for (const { orderId, decision } of recorded) {
      this.#after = orderId;
      this.read++;
      const order = this.#replayable(orderId, decision);
      if (typeof order === 'string') this.skipped[order] = (this.skipped[order] ?? 0) + 1;
      else out.push(order);
    }
    return out;
  }

  #replayable(orderId: string, decision: RecordedDecision): ReplayOrder | SkipReason {
    const ctx = this.engine.entityState('order', orderId)?.state.context as OrderContext | undefined;
    if (!ctx) return 'order_missing';
    if (!matches(ctx, decision, this.filter)) return 'filtered';
    if (!decision.profile) return 'no_profile_recorded';
    const live = this.#profile(decision.profile.id, decision.profile.version);
    if (typeof live === 'string') return live;
    const seen = stockSeen(decision);
    if (!seen) return 'no_stock_recorded';
    if (partlyRecorded(decision)) this.partlyRecorded++;
    const mine = new Set(decision.fulfilments ?? []);
    const split = sameSplit(ctx.split, DEFAULT_SPLIT_POLICY) ? undefined : ctx.split;
    return {
      id: orderId,
      at: decision.at,
      request: {
        lines: decision.lines,
        deliverTo: ctx.deliverTo,
        deliveryType: ctx.deliveryType,
        channel: ctx.channel,
        ...(ctx.value === undefined ? {} : { orderValue: ctx.value }),
        ...(split ? { split } : {}),
        ...(decision.excludeLocations?.length ? { excludeLocations: decision.excludeLocations } : {}),
        ...(ctx.deliveryType === 'collect' && ctx.collectAt !== undefined ? { onlyAt: ctx.collectAt } : {}),
      },
      live: decision.profile,
      seen,
      recorded: ctx.fulfilments.filter((f) => mine.has(f.id)).map((f) => ({ location: f.location, lines: f.lines })),
    };
  }

  #profile(id: string, version: number): SourcingProfileDocument | SkipReason {
    const key = `${id}@${version}`;
    let p = this.#profiles.get(key);
    if (p === undefined) {
      const doc = this.profileVersion(id, version);
      p = !doc ? 'profile_version_missing' : usesPlugins(doc) ? 'profile_uses_plugins' : doc;
      this.#profiles.set(key, p);
    }
    return p;
  }
}

/** Whether a profile names plugin parts, which a backtest worker does not load. */
export function usesPlugins(doc: SourcingProfileDocument): boolean {
  return doc.strategies.some((s) => (s.when.plugins?.length ?? 0) > 0 || s.filters.plugins.length > 0 || Object.keys(s.costs.plugins).length > 0);
}

function matches(ctx: OrderContext, decision: RecordedDecision, filter: BacktestFilter): boolean {
  if (filter.channels && !filter.channels.includes(ctx.channel)) return false;
  if (filter.pools && !filter.pools.includes(ctx.pool)) return false;
  if (filter.deliveryTypes && !filter.deliveryTypes.includes(ctx.deliveryType)) return false;
  if (filter.skus && !decision.lines.some((l) => filter.skus!.includes(l.sku))) return false;
  return true;
}

/**
 * An order that asked nothing about splits is stored with the default policy, so that policy reads as "not
 * asked": the strategy's own then applies, as it did at intake.
 */
function sameSplit(a: OrderContext['split'], b: OrderContext['split']): boolean {
  return a.allowed === b.allowed && a.maxShipments === b.maxShipments && a.splitLines === b.splitLines;
}
