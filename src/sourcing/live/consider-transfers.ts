import { bestConsolidation, type Consolidation } from '../transfer-plan.js';
import { planSourcing, type SourcingAsk, type SourcingOutcome } from './plan-sourcing.js';
import type { SourcingPorts } from './sourcing.js';

/** What transfers offered an order: the one-parcel plan, the split it was weighed against, and which won. */
export interface TransferChoice {
  chosen: boolean;
  /** The optimizer's plan without transfers: its cost and shipments (null cost: it found none). */
  split: { cost: number | null; shipments: number };
  consolidated: Consolidation;
}

/**
 * Weighs "transfer to one location, ship one parcel" against the optimizer's plan when the strategy allows
 * transfers: for a plan that splits, for an order no single location can send whole while the strategy
 * forbids splits, and for an order collected at a store that lacks units (the store is then the one hub,
 * fed from the pool's other locations). Changes nothing; undefined when transfers have nothing to offer.
 */
export function considerTransfers(ports: SourcingPorts, ask: SourcingAsk, outcome: SourcingOutcome, now: string): TransferChoice | undefined {
  const { strategies } = ports.sourcing.profile.document;
  if (!strategies.some((s) => s.transfers)) return undefined;
  const collectAt = ask.deliveryType === 'collect' ? ask.onlyAt : undefined;
  if (outcome.ok && outcome.shipments.length <= 1) return undefined;
  if (!outcome.ok && collectAt === undefined && outcome.decision?.result?.infeasibility !== 'split_limit') return undefined;
  let problem = outcome.decision?.problem ?? null;
  if (collectAt !== undefined && !outcome.ok) {
    // The store alone cannot serve it: what the rest of the pool holds, as candidates to move from.
    const { onlyAt: _store, ...wide } = ask;
    problem = planSourcing(ports, { ...wide, split: { allowed: true, maxShipments: 10 } }, now).decision?.problem ?? null;
  }
  if (!problem) return undefined;
  const policy = strategies.find((s) => s.id === problem.strategyId)?.transfers;
  if (!policy) return undefined;
  const consolidated = bestConsolidation(problem, policy, collectAt);
  if (!consolidated) return undefined;
  const cost = outcome.ok ? (outcome.decision.result?.cost ?? null) : null;
  return { chosen: cost === null || consolidated.cost < cost, split: { cost, shipments: outcome.ok ? outcome.shipments.length : 0 }, consolidated };
}
