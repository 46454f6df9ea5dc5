import { DomainError } from '../domain/errors.js';
import type { SourcingConditionDefinition, SourcingCostTermDefinition, SourcingFilterDefinition, SourcingPlugin } from './extensions.js';

/** The loaded plugins, looked up by `<plugin>/<name>` references from profiles. */
export class PluginRegistry {
  readonly plugins: readonly SourcingPlugin[];
  readonly #conditions = new Map<string, SourcingConditionDefinition>();
  readonly #filters = new Map<string, SourcingFilterDefinition>();
  readonly #costTerms = new Map<string, SourcingCostTermDefinition>();

  constructor(plugins: readonly SourcingPlugin[] = []) {
    const names = new Set<string>();
    for (const plugin of plugins) {
      if (names.has(plugin.name)) {
        throw new DomainError('invalid_request', `two plugins are named '${plugin.name}'; plugin names must be unique`);
      }
      names.add(plugin.name);
      for (const c of plugin.sourcing?.conditions ?? []) this.#conditions.set(`${plugin.name}/${c.name}`, c);
      for (const f of plugin.sourcing?.filters ?? []) this.#filters.set(`${plugin.name}/${f.name}`, f);
      for (const t of plugin.sourcing?.costTerms ?? []) this.#costTerms.set(`${plugin.name}/${t.name}`, t);
    }
    this.plugins = plugins;
  }

  condition(ref: string): SourcingConditionDefinition | undefined {
    return this.#conditions.get(ref);
  }

  filter(ref: string): SourcingFilterDefinition | undefined {
    return this.#filters.get(ref);
  }

  costTerm(ref: string): SourcingCostTermDefinition | undefined {
    return this.#costTerms.get(ref);
  }
}

/** A registry with no plugins, for profiles that use none. */
export const noPlugins = new PluginRegistry();
