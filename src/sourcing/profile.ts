import { DomainError, formatPath, type ErrorDetail } from '../domain/errors.js';
import type {
  SourcingConditionDefinition,
  SourcingCostTermDefinition,
  SourcingFilterDefinition,
} from './extensions.js';
import { noPlugins, type PluginRegistry } from './extension-registry.js';
import {
  sourcingProfileSchema,
  type SourcingProfileDocument,
  type StrategyConditions,
  type StrategyCosts,
  type StrategyFilters,
} from './profile-schema.js';

/** Products with `attribute` need `capability` at the shipping location, and may go only to `destinationCountries`. */
export interface CapabilityRule {
  readonly attribute: string;
  readonly capability: string;
  readonly destinationCountries?: readonly string[];
}

export interface PluginCondition {
  readonly ref: string;
  readonly definition: SourcingConditionDefinition;
}

export interface PluginFilter {
  readonly ref: string;
  readonly definition: SourcingFilterDefinition;
}

export interface PluginCostTerm {
  readonly ref: string;
  readonly weight: number;
  readonly definition: SourcingCostTermDefinition;
}

/**
 * One strategy, self-contained: the profile-wide settings and the resolved plugin parts are copied in,
 * so `buildProblem(request, network, strategy)` needs nothing else.
 */
export interface SourcingStrategy {
  readonly profileId: string;
  readonly profileVersion: number;
  readonly id: string;
  readonly when: StrategyConditions;
  readonly filters: StrategyFilters;
  readonly costs: StrategyCosts;
  /** The strategy's split policy: at most this many shipments (1 = forbid), lines split only if splitLines. */
  readonly maxShipments: number;
  readonly splitLines: boolean;
  readonly capabilityRules: readonly CapabilityRule[];
  readonly internationalCapability: string;
  readonly timezone: string;
  readonly defaultWeightKg: number;
  readonly pluginConditions: readonly PluginCondition[];
  readonly pluginFilters: readonly PluginFilter[];
  readonly pluginCostTerms: readonly PluginCostTerm[];
}

/** A validated profile: its stored document and its strategies, tried in order. */
export interface SourcingProfile {
  readonly id: string;
  readonly version: number;
  readonly document: SourcingProfileDocument;
  readonly strategies: readonly SourcingStrategy[];
}

/**
 * Validates a profile document and resolves its plugin references against `plugins`.
 * Throws DomainError('invalid_request') listing every problem with its path (`strategies[0].costs.markdown.weight`).
 */
export function parseSourcingProfile(input: unknown, plugins: PluginRegistry = noPlugins): SourcingProfile {
  const parsed = sourcingProfileSchema.safeParse(input);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue): ErrorDetail => ({
      path: formatPath(issue.path),
      message: issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message,
    }));
    throw new DomainError('invalid_request', `invalid sourcing profile: ${describe(details)}`, details);
  }
  const document = parsed.data;
  const details: ErrorDetail[] = [];
  const strategies = document.strategies.map((s, i): SourcingStrategy => {
    const at = (...path: PropertyKey[]) => formatPath(['strategies', i, ...path]);
    const pluginConditions = (s.when.plugins ?? []).flatMap((ref, j) => {
      const definition = plugins.condition(ref);
      if (definition === undefined) details.push({ path: at('when', 'plugins', j), message: `unknown plugin condition '${ref}'` });
      return definition === undefined ? [] : [{ ref, definition }];
    });
    const pluginFilters = s.filters.plugins.flatMap((ref, j) => {
      const definition = plugins.filter(ref);
      if (definition === undefined) details.push({ path: at('filters', 'plugins', j), message: `unknown plugin filter '${ref}'` });
      return definition === undefined ? [] : [{ ref, definition }];
    });
    const pluginCostTerms = Object.entries(s.costs.plugins).flatMap(([ref, weight]) => {
      const definition = plugins.costTerm(ref);
      if (definition === undefined) details.push({ path: at('costs', 'plugins', ref), message: `unknown plugin cost term '${ref}'` });
      return definition === undefined ? [] : [{ ref, weight, definition }];
    });
    return {
      profileId: document.id,
      profileVersion: document.version,
      id: s.id,
      when: s.when,
      filters: s.filters,
      costs: s.costs,
      maxShipments: s.split.policy === 'forbid' ? 1 : s.split.maxShipments,
      splitLines: s.split.policy === 'allow' && s.split.splitLines,
      capabilityRules: Object.entries(document.attributeCapabilities).map(([attribute, rule]) => ({ attribute, ...rule })),
      internationalCapability: document.internationalCapability,
      timezone: document.timezone,
      defaultWeightKg: document.defaultWeightKg,
      pluginConditions,
      pluginFilters,
      pluginCostTerms,
    };
  });
  if (details.length > 0) {
    throw new DomainError('invalid_request', `invalid sourcing profile: ${describe(details)}`, details);
  }
  return { id: document.id, version: document.version, document, strategies };
}

function describe(details: readonly ErrorDetail[]): string {
  const first = details[0];
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : '';
  return first === undefined ? 'unknown problem' : `${first.path || '(root)'}: ${first.message}${more}`;
}
