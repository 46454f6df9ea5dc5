import { DomainError } from '../domain/errors.js';
import { formatClock, localMinutes, parseClock } from './local-time.js';
import type { ExclusionReason } from './problem.js';
import type { SourcingStrategy } from './profile.js';
import type { NetworkLocation, SourcingRequest } from './types.js';

/** Returns every reason the location may not ship the order; empty means it passes the hard filters. */
export type LocationFilter = (location: NetworkLocation, distanceKm: number) => readonly ExclusionReason[];

/** Returned for every location that passes. */
const PASSES: readonly ExclusionReason[] = Object.freeze([]);

/**
 * Prepares a strategy's hard filters for one order: what depends only on the order (required
 * capabilities, destination limits, whether the cut-off applies) is worked out once, not per location.
 */
export function prepareLocationFilter(
  strategy: SourcingStrategy,
  request: SourcingRequest,
  attributes: ReadonlySet<string>,
): LocationFilter {
  const filters = strategy.filters;
  // Sets, maps and the cut-off check are made only when an order needs them: most orders exclude nothing
  // and meet no cut-off, and these were ~0.6 KB of each flash-sale order's allocation.
  const excluded = request.excludeLocations === undefined || request.excludeLocations.length === 0 ? null : new Set(request.excludeLocations);
  const destination = request.deliverTo.country;
  const rules = filters.capabilities ? strategy.capabilityRules.filter((r) => attributes.has(r.attribute)) : [];
  // A destination limit applies to the order, so it excludes every location alike; saying so per location
  // keeps the explanation complete (each excluded location lists all its reasons).
  const destinationReasons: ExclusionReason[] = rules
    .filter((r) => r.destinationCountries !== undefined && !r.destinationCountries.includes(destination))
    .map((r) => ({ code: 'destination_not_allowed', detail: `${r.attribute} may not ship to ${destination}` }));
  const cutoffApplies = filters.carrierCutoff !== false && filters.carrierCutoff.deliveryTypes.includes(request.deliveryType);
  let cutoffPassed: ReturnType<typeof createCutoffCheck> | undefined;
  // Reasons are immutable, so those that do not depend on the location's own numbers are made once and
  // shared: an order's problem may list a thousand excluded locations.
  const capabilityReasons = rules.map((r): ExclusionReason => ({ code: 'missing_capability', detail: `${r.capability} (for ${r.attribute})` }));
  let statusReasons: Map<string, ExclusionReason> | undefined;
  const pluginFilters = strategy.pluginFilters;
  const notCollectLocation: ExclusionReason | undefined =
    request.onlyAt === undefined ? undefined : { code: 'not_the_collect_location', detail: `only ${request.onlyAt} may ship` };
  let abroadReasons: Map<string, ExclusionReason> | undefined;

  // Most locations pass, so the reasons array is only created at the first failure.
  return (location, distanceKm) => {
    let reasons: ExclusionReason[] | undefined = destinationReasons.length === 0 ? undefined : destinationReasons.slice();
    if (excluded !== null && excluded.has(location.id)) (reasons ??= []).push(EXCLUDED_BY_REQUEST);
    if (notCollectLocation !== undefined && location.id !== request.onlyAt) (reasons ??= []).push(notCollectLocation);
    if (!filters.statuses.includes(location.status)) {
      (reasons ??= []).push(memo((statusReasons ??= new Map()), location.status, () => ({ code: 'status', detail: location.status })));
    }
    for (let r = 0; r < rules.length; r++) {
      if (!location.capabilities.includes(rules[r]!.capability)) (reasons ??= []).push(capabilityReasons[r]!);
    }
    if (filters.international && location.country !== destination && !location.capabilities.includes(strategy.internationalCapability)) {
      const detail = () => `${location.country} -> ${destination} needs ${strategy.internationalCapability}`;
      (reasons ??= []).push(memo((abroadReasons ??= new Map()), location.country, () => ({ code: 'no_international_shipping', detail: detail() })));
    }
    if (filters.capacity) {
      const { dailyOrders, maxOpenOrders } = location.capacity;
      if (dailyOrders !== undefined && location.ordersToday >= dailyOrders) {
        (reasons ??= []).push({ code: 'daily_capacity_reached', detail: `${location.ordersToday}/${dailyOrders} orders today` });
      }
      if (maxOpenOrders !== undefined && location.openOrders >= maxOpenOrders) {
        (reasons ??= []).push({ code: 'open_orders_limit', detail: `${location.openOrders}/${maxOpenOrders} open orders` });
      }
    }
    if (cutoffApplies && location.carrierCutoff !== undefined) {
      cutoffPassed ??= createCutoffCheck(Date.parse(request.now));
      const reason = cutoffPassed(location.carrierCutoff, location.timezone ?? strategy.timezone);
      if (reason !== null) (reasons ??= []).push(reason);
    }
    if (filters.maxDistanceKm !== undefined && distanceKm > filters.maxDistanceKm) {
      (reasons ??= []).push({ code: 'too_far', detail: `${distanceKm.toFixed(1)} km > ${filters.maxDistanceKm} km` });
    }
    for (let p = 0; p < pluginFilters.length; p++) {
      const plugin = pluginFilters[p]!;
      const verdict = runPluginFilter(plugin.ref, () => plugin.definition.test(location, request));
      if (verdict !== true) (reasons ??= []).push({ code: 'plugin_filter', detail: `${plugin.ref}: ${verdict}` });
    }
    return reasons ?? PASSES;
  };
}

const EXCLUDED_BY_REQUEST: ExclusionReason = Object.freeze({ code: 'excluded_by_request' });

/**
 * Whether a carrier cut-off ('HH:MM', local) has passed at `nowMs` in a time zone: the reason if it has
 * (or if the cut-off or zone is invalid), null if not. Memoised per zone and cut-off: locations share a
 * handful of each, and formatting a time in a zone is the costliest step of the filters.
 */
function createCutoffCheck(nowMs: number): (cutoff: string, timeZone: string) => ExclusionReason | null {
  const byZone = new Map<string, Map<string, ExclusionReason | null>>();
  return (cutoff, timeZone) => {
    let byCutoff = byZone.get(timeZone);
    if (byCutoff === undefined) byZone.set(timeZone, (byCutoff = new Map()));
    return memo(byCutoff, cutoff, () => {
      const at = parseClock(cutoff);
      if (at === undefined) return { code: 'invalid_location_data', detail: `carrier cut-off '${cutoff}' is not HH:MM` };
      let now: number;
      try {
        now = localMinutes(nowMs, timeZone);
      } catch {
        return { code: 'invalid_location_data', detail: `unknown time zone '${timeZone}'` };
      }
      return now < at ? null : { code: 'carrier_cutoff_passed', detail: `${formatClock(now)} ${timeZone} >= cut-off ${cutoff}` };
    });
  };
}

function memo<K, V>(cache: Map<K, V>, key: K, make: () => V): V {
  if (cache.has(key)) return cache.get(key) as V;
  const value = make();
  cache.set(key, value);
  return value;
}

function runPluginFilter(ref: string, test: () => true | string): true | string {
  let verdict: unknown;
  try {
    verdict = test();
  } catch (error) {
    throw new DomainError('internal', `plugin filter '${ref}' threw: ${(error as Error)?.message ?? String(error)}`);
  }
  if (verdict === true) return true;
  if (typeof verdict === 'string' && verdict.length > 0) return verdict;
  throw new DomainError('internal', `plugin filter '${ref}' must return true or a reason string, got ${String(verdict)}`);
}
