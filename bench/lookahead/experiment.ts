import { parseSourcingProfile, type SourcingStrategy } from '../../src/sourcing/index.js';
import { clairvoyant, type ClairvoyantOutcome } from './clairvoyant.js';
import { generateInstance, type InstanceOptions, type SimInstance } from './instance.js';
import { simulate, type LookAheadPolicy, type PolicyOutcome } from './simulate.js';

/**
 * The benchmark's sourcing strategy: shipping and the per-shipment cost only (the other soft terms are
 * switched off so the three policies are judged on the same two costs), up to 3 shipments, lines may split.
 * Shipping is priced at 0.01 per kg and km (Fulcrum's default is 0.002): at the default a unit crosses
 * Germany for ~1, a fifth of one shipment, and where stock sits hardly matters.
 */
export function benchStrategy(weight = 1, scenarios = 1): SourcingStrategy {
  return parseSourcingProfile({
    id: 'bench',
    version: 1,
    strategies: [
      {
        id: 'look-ahead',
        filters: { capacity: false, carrierCutoff: false },
        costs: {
          shippingPerKgKm: 0.01,
          fixedPerShipment: 3,
          inventoryAge: { weight: 0, horizonDays: 180 },
          sellThrough: { weight: 0 },
          stockLevel: { weight: 0, mode: 'deep' },
          markdown: { weight: 0 },
          locationLoad: { weight: 0 },
          lookAhead: { weight, regionKm: 50, scenarios },
        },
        split: { policy: 'allow', maxShipments: 3, splitLines: true },
      },
    ],
  }).strategies[0]!;
}

/** A look-ahead variant, named for the report. */
export interface Variant {
  readonly name: string;
  readonly policy: LookAheadPolicy;
  readonly weight: number;
  /** LPs with Poisson draws of the demand whose duals are averaged (1: the fluid LP alone). */
  readonly scenarios?: number;
}

export interface SeedOutcome {
  readonly seed: number;
  readonly orders: number;
  readonly myopic: PolicyOutcome;
  readonly clairvoyant: ClairvoyantOutcome;
  /** By variant name, in the order given. */
  readonly variants: ReadonlyMap<string, PolicyOutcome>;
}

/** Share of the myopic-to-clairvoyant gap a policy closes (NaN when there is no gap). */
export function gapClosed(myopic: number, policy: number, optimum: number): number {
  return (myopic - policy) / (myopic - optimum);
}

/** Runs one seed: myopic, every variant, and the clairvoyant MILP. */
export async function runSeed(seed: number, instanceOptions: Omit<InstanceOptions, 'seed'>, variants: readonly Variant[], milpTimeLimitSec: number): Promise<SeedOutcome> {
  const instance: SimInstance = generateInstance({ ...instanceOptions, seed });
  const myopic = await simulate(instance, benchStrategy(), null);
  const results = new Map<string, PolicyOutcome>();
  for (const v of variants) results.set(v.name, await simulate(instance, benchStrategy(v.weight, v.scenarios), v.policy));
  const optimum = await clairvoyant(instance, benchStrategy(), milpTimeLimitSec);
  return { seed, orders: instance.orders.length, myopic, clairvoyant: optimum, variants: results };
}
