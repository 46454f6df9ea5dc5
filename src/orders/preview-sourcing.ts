import type { HoldContext } from '../../actors/index.js';
import type { ErrorDetail } from '../domain/errors.js';
import type { Shipment } from '../domain/order.js';
import { activeHold } from '../holds/index.js';
import { explain, proposeSourcing, shortLineDetail, type SolveProblem, type SourcingExplanation, type SourcingPorts, type SourcingProfile } from '../sourcing/index.js';
import { salePool } from '../stock/index.js';
import { checkReferences, intakeAsk, type PlaceOrder } from './place-order.js';

/** What sourcing would decide for an order now (`POST /sourcing/preview`). */
export interface SourcingPreview {
  outcome: 'planned' | 'no_plan';
  /** The profile version that decided; null when the pool lacked the units before any strategy ran. */
  profile: { id: string; version: number } | null;
  strategy: string | null;
  shipments: Shipment[] | null;
  cost: number | null;
  /** Why there is no plan, and the short lines by path, as `POST /orders` would answer 409. */
  reason?: string;
  short?: ErrorDetail[];
  explanation: SourcingExplanation | null;
}

export interface PreviewOptions {
  /** A draft profile to try instead of the active one; it is not stored. */
  profile?: SourcingProfile;
  /** Who asks: a hold named in the order must be theirs unless `anyHold`. */
  createdBy: string;
  anyHold?: boolean;
  /** The channels the caller's key is bound to; undefined when it may sell on any. */
  sellsOn?: readonly string[];
}

/**
 * Sources an order without reserving anything: the same decision `POST /orders` would make now (a hold
 * named in the order counts as free), with its explanation. It takes no step, so it changes nothing; the
 * stock it saw may be gone by the time an order is placed.
 */
export async function previewSourcing(ports: SourcingPorts, solve: SolveProblem, cmd: PlaceOrder, options: PreviewOptions): Promise<SourcingPreview> {
  const { channel, pool } = salePool(ports.stock.index, { ...cmd, ...(options.sellsOn ? { sellsOn: options.sellsOn } : {}) });
  checkReferences(ports, cmd, pool);
  const hold = cmd.holdId === undefined ? undefined : activeHold(ports, cmd.holdId, { keyId: options.createdBy, anyOwner: options.anyHold ?? false });
  const ask = intakeAsk(ports.stock, { ...cmd, channel }, pool, hold ? (hold.snapshot.context as HoldContext).allocations : []);
  const outcome = await proposeSourcing(ports, ask, solve, options.profile);
  const { decision } = outcome;
  const base = {
    profile: decision && { id: decision.profileId, version: decision.profileVersion },
    strategy: decision?.strategyId ?? null,
    cost: decision?.result?.cost ?? null,
    explanation: decision?.result && decision.problem ? explain(decision.result, decision.problem, { attempts: decision.attempts }) : null,
  };
  if (outcome.ok) return { outcome: 'planned', ...base, shipments: outcome.shipments };
  return {
    outcome: 'no_plan',
    ...base,
    shipments: null,
    reason: outcome.reason,
    short: outcome.short.map((s) => shortLineDetail(s, pool)),
  };
}
