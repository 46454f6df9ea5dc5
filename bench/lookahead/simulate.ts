import { createRequire } from 'node:module';
import type { Highs } from 'highs';
import { distanceKm } from '../../src/domain/geo.js';
import {
  buildProblem,
  DemandWindow,
  fluidLpInput,
  futureValuesOf,
  optimize,
  solveFluidLp,
  type FutureValues,
  type NetworkLocation,
  type SkuDemand,
  type SourcingNetwork,
  type SourcingStrategy,
} from '../../src/sourcing/index.js';
import type { SimInstance, SimOrder } from './instance.js';

const loadHighs = createRequire(import.meta.url)('highs') as () => Promise<Highs>;
let highs: Promise<Highs> | undefined;
/** The HiGHS instance the benchmark solves with (the server solves in its look-ahead worker). */
export function benchHighs(): Promise<Highs> {
  return (highs ??= loadHighs());
}

/** How the look-ahead policy estimates demand. */
export type DemandSource = 'window' | 'true-rates';

export interface LookAheadPolicy {
  /** Re-solve the LP after every this many simulated hours (0: before every order). */
  readonly refreshHours: number;
  readonly demand: DemandSource;
  /** Horizon of the LP: until the end of the season (`remaining`), or a fixed number of hours. */
  readonly horizon: 'remaining' | number;
  /** The demand window, hours. */
  readonly windowHours: number;
}

/** What one policy did over the season. */
export interface PolicyOutcome {
  readonly cost: number;
  readonly shipments: number;
  /** Orders sent in more than one shipment. */
  readonly splitOrders: number;
  readonly unitsFromDc: number;
  readonly lpSolves: number;
  readonly lpMs: number;
}

/** Realized cost of one order's plan: the strategy's shipping and per-shipment terms, never the look-ahead term. */
export function planCost(instance: SimInstance, strategy: SourcingStrategy, order: SimOrder, shipments: readonly { location: string; lines: readonly { sku: string; qty: number }[] }[]): number {
  let cost = 0;
  for (const s of shipments) {
    const location = instance.locations.find((l) => l.id === s.location)!;
    cost += strategy.costs.fixedPerShipment;
    const km = distanceKm(location, order);
    for (const line of s.lines) cost += line.qty * unitShipping(instance, strategy, line.sku, km);
  }
  return cost;
}

export function unitShipping(instance: SimInstance, strategy: SourcingStrategy, sku: string, km: number): number {
  return strategy.costs.shippingPerKgKm * km * instance.skus.find((s) => s.sku === sku)!.weightKg;
}

/**
 * Runs the season order by order through Fulcrum's own problem builder and optimizer: myopic without a
 * look-ahead policy, else with future values from the fluid LP re-solved as the policy says.
 */
export async function simulate(instance: SimInstance, strategy: SourcingStrategy, policy: LookAheadPolicy | null): Promise<PolicyOutcome> {
  const stock = new Map(instance.locations.map((l) => [l.id, { ...l.stock }]));
  const solver = policy === null ? null : await benchHighs();
  const window = new DemandWindow();
  for (const o of instance.history) window.record(o.atHours * 3_600_000, o, o.lines);
  let values: FutureValues | undefined;
  let solvedAt = -Infinity;
  let lpSolves = 0;
  let lpMs = 0;
  const locations: NetworkLocation[] = instance.locations.map((l) => ({
    id: l.id,
    geo: { lat: l.lat, lon: l.lon },
    country: 'DE',
    status: 'active',
    capabilities: [],
    capacity: {},
    openOrders: 0,
    ordersToday: 0,
    tags: [],
  }));
  const network: SourcingNetwork = {
    locations: () => locations,
    product: (sku) => ({ weightKg: instance.skus.find((s) => s.sku === sku)!.weightKg }),
    available: (location, sku) => stock.get(location)![sku] ?? 0,
    futureValues: () => values,
  };
  let cost = 0;
  let shipments = 0;
  let splitOrders = 0;
  let unitsFromDc = 0;
  for (const order of instance.orders) {
    if (policy !== null && solver !== null && order.atHours - solvedAt >= policy.refreshHours) {
      const settings = strategy.costs.lookAhead!;
      const horizonHours = policy.horizon === 'remaining' ? instance.horizonHours - order.atHours : policy.horizon;
      const demand =
        policy.demand === 'true-rates'
          ? trueDemand(instance, horizonHours)
          : window.estimate(order.atHours * 3_600_000, { ...settings, windowHours: policy.windowHours, horizonHours });
      const holders = (sku: string) => instance.locations.map((l) => ({ id: l.id, lat: l.lat, lon: l.lon, stock: stock.get(l.id)![sku] ?? 0 }));
      const answer = solveFluidLp(solver, fluidLpInput(strategy, demand, holders, network.product));
      values = futureValuesOf(answer.values);
      solvedAt = order.atHours;
      lpSolves++;
      lpMs += answer.elapsedMs;
    }
    const request = { lines: order.lines, deliverTo: { lat: order.lat, lon: order.lon, country: 'DE' }, deliveryType: 'home', now: new Date(Date.UTC(2026, 10, 30) + order.atHours * 3_600_000).toISOString() };
    const result = optimize(buildProblem(request, network, strategy), { runnerUps: 0 });
    if (result.plan === null) throw new Error(`order ${order.id} found no plan: the distribution centre should always have stock`);
    for (const s of result.plan.shipments) {
      for (const line of s.lines) {
        stock.get(s.location)![line.sku]! -= line.qty;
        if (s.location.startsWith('DC-')) unitsFromDc += line.qty;
      }
    }
    cost += planCost(instance, strategy, order, result.plan.shipments);
    shipments += result.plan.shipments.length;
    if (result.plan.shipments.length > 1) splitOrders++;
    window.record(order.atHours * 3_600_000, order, order.lines);
  }
  return { cost, shipments, splitOrders, unitsFromDc, lpSolves, lpMs };
}

/** The demand the generator draws from over the next `hours`: each region's rate x its SKUs' shares. */
function trueDemand(instance: SimInstance, hours: number): SkuDemand[] {
  const popularity = instance.skus.reduce((a, s) => a + s.popularity, 0);
  const meanUnits = (0.55 * 1 + 0.45 * (0.7 * 2 + 0.3 * 3)) * 1.15;
  return instance.skus.map((s) => {
    const regions = instance.regions.map((r) => ({ lat: r.lat, lon: r.lon, demand: r.ordersPerHour * hours * meanUnits * (s.popularity / popularity) }));
    return { sku: s.sku, total: regions.reduce((a, r) => a + r.demand, 0), regions };
  });
}
