import { DomainError, type ErrorDetail } from '../domain/errors.js';
import type { SourcingExtensions } from '../sourcing/index.js';
import type { WorkflowRule } from '../workflows/index.js';

/** What a plugin module declares. Profiles refer to its parts as `<plugin>/<name>`. */
export interface PluginDefinition {
  readonly name: string;
  readonly sourcing?: SourcingExtensions;
  /** Workflow bricks made with `defineRule` / `defineGuard`; workflows name them `<plugin>/<name>`. */
  readonly rules?: readonly WorkflowRule[];
  /**
   * A browser script the console loads at start (served at `/console/plugins/<name>.js`): it registers
   * custom tiles with `window.fulcrumConsole.registerTile({...})`. A path or a `file:` URL.
   */
  readonly console?: { readonly script: string | URL };
}

/** Marks objects made by `definePlugin`; a registered symbol so copies of this module agree on it. */
export const pluginBrand: unique symbol = Symbol.for('fulcrum.plugin') as never;

export interface FulcrumPlugin extends PluginDefinition {
  readonly [pluginBrand]: true;
}

const PLUGIN_NAME = /^[a-z][a-z0-9-]{0,63}$/;
const PART_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** Validates a plugin definition and returns it frozen and branded. */
export function definePlugin(definition: PluginDefinition): FulcrumPlugin {
  const details: ErrorDetail[] = [];
  if (typeof definition?.name !== 'string' || !PLUGIN_NAME.test(definition.name)) {
    details.push({ path: 'name', message: 'must be lower-case letters, digits and dashes, starting with a letter' });
  }
  const sourcing = definition?.sourcing ?? {};
  checkParts(sourcing.conditions, 'sourcing.conditions', 'test', details);
  checkParts(sourcing.filters, 'sourcing.filters', 'test', details);
  checkParts(sourcing.costTerms, 'sourcing.costTerms', 'cost', details);
  if (definition?.rules !== undefined && !Array.isArray(definition.rules)) {
    details.push({ path: 'rules', message: 'must be an array' });
  }
  (Array.isArray(definition?.rules) ? definition.rules : []).forEach((r, i) => {
    const ok = r && (r.kind === 'action' ? typeof r.run === 'function' : r.kind === 'guard' && typeof r.test === 'function');
    if (!ok) details.push({ path: `rules[${i}]`, message: 'must be made with defineRule or defineGuard' });
  });
  const script = definition?.console?.script;
  if (definition?.console !== undefined && typeof script !== 'string' && !(script instanceof URL)) {
    details.push({ path: 'console.script', message: 'must be a path or a file: URL of a browser script' });
  }
  if (details.length > 0) {
    throw new DomainError('invalid_request', `invalid plugin '${String(definition?.name)}'`, details);
  }
  return Object.freeze({ ...definition, [pluginBrand]: true as const });
}

/** True for objects made by `definePlugin`. */
export function isPlugin(value: unknown): value is FulcrumPlugin {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[pluginBrand] === true;
}

function checkParts(parts: unknown, path: string, fn: string, details: ErrorDetail[]): void {
  if (parts === undefined) return;
  if (!Array.isArray(parts)) {
    details.push({ path, message: 'must be an array' });
    return;
  }
  const seen = new Set<string>();
  parts.forEach((part: { name?: unknown } & Record<string, unknown>, i) => {
    const name = part?.name;
    if (typeof name !== 'string' || !PART_NAME.test(name)) {
      details.push({ path: `${path}[${i}].name`, message: 'must be letters, digits, _ or -, starting with a letter' });
    } else if (seen.has(name)) {
      details.push({ path: `${path}[${i}].name`, message: `duplicate name '${name}'` });
    } else {
      seen.add(name);
    }
    if (typeof part?.[fn] !== 'function') details.push({ path: `${path}[${i}].${fn}`, message: 'must be a function' });
  });
}
