import { checkVersion, SCHEMA_VERSION } from '../../snapshots/index.js';
import { DomainError, type ErrorDetail } from '../domain/errors.js';
import type { SupplyRule } from '../domain/supply.js';
import type { Engine } from '../engine/index.js';

/** A rule as it is asked for (`PUT /supply-rules/:id`): the server numbers versions and stamps the time. */
export type SupplyRuleInput = Omit<SupplyRule, 'version' | 'updatedAt'>;

/**
 * The supply rules, in memory and in the store. A SKU sold on a pool or channel is under at most one rule:
 * two rules may share a SKU only when their scopes (pool, channel) cannot both apply to one order, and a SKU
 * can never be a backorder and a pre-order at once.
 */
export class SupplyRules {
  readonly #byId = new Map<string, SupplyRule>();
  /** sku -> the rules naming it: intake and every step's feed hook look rules up by SKU. */
  readonly #bySku = new Map<string, SupplyRule[]>();

  get(id: string): SupplyRule | undefined {
    return this.#byId.get(id);
  }

  /** How many rules there are (none: intake never looks further). */
  get size(): number {
    return this.#byId.size;
  }

  list(): SupplyRule[] {
    return [...this.#byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** The rule under which an order on `pool` and `channel` may wait for `sku`, if any. */
  ruleFor(sku: string, pool: string, channel: string): SupplyRule | undefined {
    for (const r of this.#bySku.get(sku) ?? []) {
      if (r.pool !== undefined && r.pool !== pool) continue;
      if (r.channel !== undefined && r.channel !== channel) continue;
      return r;
    }
    return undefined;
  }


  /**
   * Defines or replaces a rule (a new version); durable when the promise resolves. `sold(rule, sku)` says how
   * many units are already sold against inbound under the rule: a cap may not go below it.
   */
  put(engine: Engine, input: SupplyRuleInput, at: string, sold: (sku: string) => number): { rule: SupplyRule; created: boolean; durable: Promise<void> } {
    const problems: ErrorDetail[] = [];
    for (const other of this.#byId.values()) {
      if (other.id === input.id) continue;
      const overlap = input.skus.filter((s) => other.skus.includes(s));
      if (overlap.length === 0 || !scopesMeet(input, other)) continue;
      const what = other.mode !== input.mode ? `would make ${overlap.join(', ')} both ${other.mode} and ${input.mode}` : `already covers ${overlap.join(', ')} on the same pool and channel`;
      problems.push({ path: 'skus', message: `rule '${other.id}' ${what}` });
    }
    if (problems.length > 0) throw new DomainError('conflict', 'the rule overlaps another', problems);
    if (input.cap !== undefined) {
      const soldNow = input.skus.reduce((n, s) => n + sold(s), 0);
      if (input.cap < soldNow) throw new DomainError('conflict', `the cap cannot go below the ${soldNow} units already sold against inbound`, [{ path: 'cap', message: `${soldNow} sold` }]);
    }
    const previous = this.#byId.get(input.id);
    const rule: SupplyRule = { ...input, version: (previous?.version ?? 0) + 1, updatedAt: at };
    this.#byId.set(rule.id, rule);
    this.#reindex();
    const durable = engine.journal.whenFlushed(engine.store.supplyRules.put(rule.id, { v: SCHEMA_VERSION, doc: rule }));
    return { rule, created: previous === undefined, durable };
  }

  /** Loads the stored rules (at start). */
  load(engine: Engine): void {
    this.#byId.clear();
    for (const { value } of engine.store.supplyRules.getRange()) {
      checkVersion('supply rule', value);
      const r = value.doc as SupplyRule;
      this.#byId.set(r.id, r);
    }
    this.#reindex();
  }

  #reindex(): void {
    this.#bySku.clear();
    for (const r of this.list()) {
      for (const sku of r.skus) {
        const list = this.#bySku.get(sku);
        if (list) list.push(r);
        else this.#bySku.set(sku, [r]);
      }
    }
  }
}

/** Whether one order could fall under both rules: each scope field is absent on one side or equal. */
function scopesMeet(a: Pick<SupplyRule, 'pool' | 'channel'>, b: Pick<SupplyRule, 'pool' | 'channel'>): boolean {
  const meet = (x: string | undefined, y: string | undefined) => x === undefined || y === undefined || x === y;
  return meet(a.pool, b.pool) && meet(a.channel, b.channel);
}
