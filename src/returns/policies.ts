import { checkVersion, SCHEMA_VERSION } from '../../snapshots/index.js';
import { DomainError } from '../domain/errors.js';
import type { RefundRule } from '../domain/refunds.js';
import type { Engine } from '../engine/index.js';

/**
 * A return policy: for a channel and/or a product category (either absent means every one), how long after
 * shipment or delivery a unit may come back, which products never may, and which reasons are accepted.
 */
export interface ReturnPolicy {
  id: string;
  channel?: string;
  category?: string;
  /** Days after `windowFrom` during which a return may be opened; 0 means returns are not accepted. */
  windowDays: number;
  /** What the window counts from: the unit's shipment (or collection), or the order's delivery. */
  windowFrom: 'shipment' | 'delivery';
  /** SKUs and product categories that can never be returned under this policy. */
  nonReturnable?: { skus?: string[]; categories?: string[] };
  /** Reason codes a return line must give; absent: any reason. */
  reasons?: string[];
  /** Units under this policy are checked for authenticity after receipt, before inspection (luxury goods). */
  authenticate?: boolean;
  /** How refunds are computed for lines under this policy: deductions and the shipping rule. */
  refund?: RefundRule;
  description?: string;
  updatedAt: string;
}

/** What policy selection looks at for one line. */
export interface PolicyFacts {
  channel: string;
  category: string | undefined;
}

/**
 * The return policies, in memory and in the store. For a line, the most specific policy applies: channel and
 * category both matching, then channel only, then category only, then one naming neither (the default);
 * with no policy at all, returns are accepted with any reason and no window, as before policies existed.
 */
export class ReturnPolicies {
  readonly #byId = new Map<string, ReturnPolicy>();

  get(id: string): ReturnPolicy | undefined {
    return this.#byId.get(id);
  }

  list(): ReturnPolicy[] {
    return [...this.#byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** The policy for one line, or undefined when none applies. */
  select(facts: PolicyFacts): ReturnPolicy | undefined {
    let best: ReturnPolicy | undefined;
    let bestRank = -1;
    for (const p of this.#byId.values()) {
      if (p.channel !== undefined && p.channel !== facts.channel) continue;
      if (p.category !== undefined && p.category !== facts.category) continue;
      const rank = (p.channel !== undefined ? 2 : 0) + (p.category !== undefined ? 1 : 0);
      if (rank > bestRank || (rank === bestRank && best && p.id < best.id)) {
        best = p;
        bestRank = rank;
      }
    }
    return best;
  }

  /** Defines or replaces a policy; durable when the promise resolves. Two policies may not cover the same channel and category. */
  put(engine: Engine, policy: ReturnPolicy): Promise<void> {
    for (const other of this.#byId.values()) {
      if (other.id !== policy.id && other.channel === policy.channel && other.category === policy.category) {
        throw new DomainError('conflict', `return policy '${other.id}' already covers ${describe(policy)}`, [{ path: 'channel', message: `same scope as '${other.id}'` }]);
      }
    }
    this.#byId.set(policy.id, policy);
    return engine.journal.whenFlushed(engine.store.returnPolicies.put(policy.id, { v: SCHEMA_VERSION, doc: policy }));
  }

  /** Loads the stored policies (at start). */
  load(engine: Engine): void {
    this.#byId.clear();
    for (const { value } of engine.store.returnPolicies.getRange()) {
      checkVersion('return policy', value);
      const p = value.doc as ReturnPolicy;
      this.#byId.set(p.id, p);
    }
  }
}

function describe(p: Pick<ReturnPolicy, 'channel' | 'category'>): string {
  return `${p.channel !== undefined ? `channel '${p.channel}'` : 'every channel'} and ${p.category !== undefined ? `category '${p.category}'` : 'every category'}`;
}
