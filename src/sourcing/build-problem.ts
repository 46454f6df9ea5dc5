import { distanceKm } from '../domain/geo.js';
import type { PluginLine } from './extensions.js';
import { createCostModel, type LineStock } from './cost-model.js';
import { prepareLocationFilter } from './filters.js';
import { ageOrNaN, meanKnownAge, type AgeMatrix } from './inventory-age.js';
import { lookAheadKey } from './look-ahead/future-values.js';
import { attributeKeysOf } from './order-attributes.js';
import type { ExcludedLocation, ExclusionReason, ProblemLine, SourcingProblem } from './problem.js';
import type { SourcingStrategy } from './profile.js';
import { assertSourcingRequest } from './request-check.js';
import type { NetworkLocation, SourcingNetwork, SourcingRequest, StockAttributes } from './types.js';
import { sortSmall } from './small-sort.js';

const NO_STOCK: readonly ExclusionReason[] = Object.freeze([{ code: 'no_stock' }]);

interface Eligible {
  readonly location: NetworkLocation;
  readonly distanceKm: number;
  readonly stock: number[];
}

/**
 * Turns an order, the live network and one strategy into a self-contained problem: applies the hard
 * filters (keeping each excluded location with its reasons), reads stock, and prices every
 * (candidate, line) pair, plugin cost terms included, so the problem is plain numbers a worker can solve.
 * Runs on the engine's thread: the network view is not shared with workers.
 */
export function buildProblem(request: SourcingRequest, network: SourcingNetwork, strategy: SourcingStrategy): SourcingProblem {
  assertSourcingRequest(request);
  const lines = mergeLines(request);
  // Built field by field: a line is exactly { sku, qty } (mergeLines), and the spread was ~1.3 µs of the
  // flash-sale order's buildProblem (sourcing-only.js under the profiler).
  const pluginLines: PluginLine[] = lines.map((l) => ({ sku: l.sku, qty: l.qty, product: network.product(l.sku) ?? {} }));
  const attributes = new Set(pluginLines.flatMap((l) => attributeKeysOf(l.product)));
  const passes = prepareLocationFilter(strategy, request, attributes);
  const L = lines.length;

  const eligible: Eligible[] = [];
  const excluded: ExcludedLocation[] = [];
  const limit = strategy.filters.nearest;
  const skus = lines.map((l) => l.sku);
  // With a limit the network is walked nearest first, and the walk stops once `limit` locations qualify and
  // one of them (or the next that can) ships the whole order: the problem stays the same size whatever the
  // network's. Exclusions are those met on the way.
  const walk = limit === false ? network.locations(skus) : network.nearest ? network.nearest(skus, request.deliverTo) : byDistance(network.locations(skus), request.deliverTo);
  let complete = false;
  let withinKm = 0;
  let nearest: SourcingProblem['nearest'];
  let passedOver = false;
  for (const location of walk) {
    const distance = distanceKm(location.geo, request.deliverTo);
    const full = limit !== false && eligible.length >= limit;
    if (full && complete) {
      nearest = { limit, withinKm };
      break;
    }
    const reasons = passes(location, distance);
    if (reasons.length > 0) {
      if (!full) excluded.push({ location: location.id, reasons });
      continue;
    }
    passedOver ||= full;
    // Stock is read only for locations the filters keep: it is the costliest call into the engine.
    const stock = new Array<number>(L);
    let holds = false;
    let whole = true;
    for (let l = 0; l < L; l++) {
      stock[l] = unitsAvailable(network.available(location.id, lines[l]!.sku));
      if (stock[l]! > 0) holds = true;
      if (stock[l]! < lines[l]!.qty) whole = false;
    }
    if (full) {
      // Past the limit, only the nearest location that can ship everything still joins.
      if (!whole) continue;
      eligible.push({ location, distanceKm: distance, stock });
      nearest = { limit, withinKm: distance, complete: location.id };
      break;
    }
    if (holds) {
      eligible.push({ location, distanceKm: distance, stock });
      withinKm = distance;
      if (whole) complete = true;
    } else excluded.push({ location: location.id, reasons: NO_STOCK });
  }
  if (nearest === undefined && passedOver && limit !== false) nearest = { limit, withinKm };
  // Sorting by id makes the plan independent of the order the engine lists locations in (ties go to the
  // lower index). Exclusions stay in network order: only explanations read them, and they sort.
  sortSmall(eligible, (a, b) => compareIds(a.location.id, b.location.id));

  const futureValues = strategy.costs.lookAhead === undefined ? undefined : network.futureValues?.(lookAheadKey(strategy));
  const model = createCostModel(strategy, request, futureValues);
  const n = eligible.length;
  const U = model.unitTermNames.length;
  const F = model.fixedTermNames.length;
  // Stock attributes are read first: a line's unknown ages are priced from the known ones (inventory-age.ts).
  const stockAttributes = new Array<StockAttributes | undefined>(n * L);
  let ageDays: AgeMatrix;
  if (network.stockAttributes) {
    for (let c = 0; c < n; c++) {
      for (let l = 0; l < L; l++) {
        if (eligible[c]!.stock[l] === 0) continue;
        const a = network.stockAttributes(eligible[c]!.location.id, lines[l]!.sku);
        stockAttributes[c * L + l] = a;
        const age = ageOrNaN(a?.ageDays);
        if (Number.isNaN(age)) continue;
        ageDays ??= new Float64Array(n * L).fill(NaN);
        ageDays[c * L + l] = age;
      }
    }
  }
  const lineStock = lines.map((_, l) => stockSpread(eligible, l, meanKnownAge(ageDays, n, L, l)));
  const stock = new Float64Array(n * L);
  const unitCost = new Float64Array(n * L);
  const unitTerms = new Float64Array(n * L * U);
  const fixedCost = new Float64Array(n);
  const fixedTerms = new Float64Array(n * F);
  for (let c = 0; c < n; c++) {
    const e = eligible[c]!;
    fixedCost[c] = model.fixedTerms(e.location, fixedTerms, c * F);
    for (let l = 0; l < L; l++) {
      const units = e.stock[l]!;
      stock[c * L + l] = units;
      // A candidate with no units of a line never ships it, so its cost there is irrelevant: leave 0.
      if (units === 0) continue;
      unitCost[c * L + l] = model.unitTerms(e.location, e.distanceKm, pluginLines[l]!, units, stockAttributes[c * L + l], lineStock[l]!, unitTerms, (c * L + l) * U);
    }
  }

  // A plain loop: `Float64Array.from(eligible, map)` goes through the iterator protocol and was 2% of a
  // backtest replay (profiled over 10,000 orders).
  const distances = new Float64Array(n);
  for (let c = 0; c < n; c++) distances[c] = eligible[c]!.distanceKm;
  const split = effectiveSplit(request, strategy);
  return {
    profileId: strategy.profileId,
    profileVersion: strategy.profileVersion,
    strategyId: strategy.id,
    lines,
    maxShipments: split.maxShipments,
    splitLines: split.splitLines,
    candidateIds: eligible.map((e) => e.location.id),
    distanceKm: distances,
    stock,
    unitCost,
    unitTermNames: model.unitTermNames,
    unitTerms,
    fixedCost,
    fixedTermNames: model.fixedTermNames,
    fixedTerms,
    excluded,
    ...(ageDays === undefined ? {} : { ageDays }),
    ...(nearest === undefined ? {} : { nearest }),
  };
}

/** A network without its own nearest-first listing: its locations sorted by distance (ties by id). */
function byDistance(locations: Iterable<NetworkLocation>, to: SourcingRequest['deliverTo']): NetworkLocation[] {
  const listed = [...locations].map((location) => ({ location, km: distanceKm(location.geo, to) }));
  listed.sort((a, b) => (a.km < b.km ? -1 : a.km > b.km ? 1 : compareIds(a.location.id, b.location.id)));
  return listed.map((l) => l.location);
}

/** The more restrictive of the customer's split request and the strategy's policy. */
export function effectiveSplit(
  request: SourcingRequest,
  strategy: SourcingStrategy,
): { maxShipments: number; splitLines: boolean } {
  const asked = request.split;
  let maxShipments = strategy.maxShipments;
  if (asked !== undefined) {
    if (!asked.allowed) maxShipments = 1;
    else if (asked.maxShipments !== undefined) maxShipments = Math.min(maxShipments, asked.maxShipments);
  }
  const splitLines = maxShipments > 1 && strategy.splitLines && (asked?.splitLines ?? true);
  return { maxShipments, splitLines };
}

/** Lines with the same SKU draw on the same stock, so they become one line (first occurrence's position). */
function mergeLines(request: SourcingRequest): ProblemLine[] {
  // One line (the flash-sale order) has nothing to merge: no Map and no entry pairs per order.
  if (request.lines.length === 1) return [{ sku: request.lines[0]!.sku, qty: request.lines[0]!.qty }];
  const bySku = new Map<string, number>();
  for (const line of request.lines) bySku.set(line.sku, (bySku.get(line.sku) ?? 0) + line.qty);
  return [...bySku].map(([sku, qty]) => ({ sku, qty }));
}

function unitsAvailable(units: number): number {
  return Number.isFinite(units) && units > 0 ? Math.floor(units) : 0;
}

function stockSpread(eligible: readonly Eligible[], line: number, meanAgeDays: number | undefined): LineStock {
  let max = 0;
  let sum = 0;
  let holders = 0;
  for (const e of eligible) {
    const units = e.stock[line]!;
    if (units > 0) {
      max = Math.max(max, units);
      sum += units;
      holders++;
    }
  }
  return { max, mean: holders === 0 ? 0 : sum / holders, meanAgeDays };
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
