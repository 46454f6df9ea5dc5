import type { AnyMachineSnapshot } from 'xstate';
import type { StoredState } from '../../snapshots/index.js';
import type { OrderLine } from '../domain/order.js';
import type { Engine } from '../engine/index.js';
import { ReturnPolicies } from './policies.js';

/** What a return's context holds that the claims need. */
interface ReturnFacts {
  id: string;
  orderId: string;
  lines: OrderLine[];
}

/** The state a return workflow ends in when the customer's request was withdrawn: its units are no longer claimed. */
export const RETURN_CANCELLED = 'cancelled';

/**
 * Returns: what each order's returns claim. A return claims its units from the moment it is opened until it
 * is cancelled (received, inspected and closed returns keep their claim), so that the units of an order that
 * can still be returned are the shipped units minus every claim, open returns included. The claims are
 * derived state: kept current by the engine's entity changes (in the very step that opens a return, so two
 * returns of one order cannot both pass the check), and rebuilt from the stored returns on recovery.
 */
export class Returns {
  /** Windows, reasons and non-returnable products. */
  readonly policies = new ReturnPolicies();
  /** orderId -> returnId -> the units that return claims. */
  readonly #claims = new Map<string, Map<string, OrderLine[]>>();

  constructor(engine: Engine) {
    engine.onEntityChanged((entry, before) => {
      if (entry.kind === 'return') this.#track(entry.snapshot, before);
    });
    engine.onRecovered(() => {
      this.policies.load(engine);
      this.#rebuild(engine);
    });
  }

  /** The units per SKU that the order's returns claim (open, received or closed; cancelled ones not). */
  claimed(orderId: string): Map<string, number> {
    const out = new Map<string, number>();
    for (const lines of this.#claims.get(orderId)?.values() ?? []) {
      for (const l of lines) out.set(l.sku, (out.get(l.sku) ?? 0) + l.qty);
    }
    return out;
  }

  #track(after: AnyMachineSnapshot | StoredState, before: AnyMachineSnapshot | undefined): void {
    const r = after.context as ReturnFacts;
    if (after.value === RETURN_CANCELLED) this.#drop(r);
    else if (!before) this.#add(r);
  }

  #add(r: ReturnFacts): void {
    let byReturn = this.#claims.get(r.orderId);
    if (!byReturn) this.#claims.set(r.orderId, (byReturn = new Map()));
    byReturn.set(r.id, r.lines);
  }

  #drop(r: ReturnFacts): void {
    const byReturn = this.#claims.get(r.orderId);
    byReturn?.delete(r.id);
    if (byReturn?.size === 0) this.#claims.delete(r.orderId);
  }

  /** Every return ever opened, open ones from memory and finished ones from the store. */
  #rebuild(engine: Engine): void {
    this.#claims.clear();
    const live = engine.registry.entities('return');
    for (const entry of live.values()) if (entry.snapshot.value !== RETURN_CANCELLED) this.#add(entry.snapshot.context as ReturnFacts);
    for (const { key, value } of engine.store.actors.getRange({ start: 'ret:', end: 'ret;' })) {
      const state = value.snapshot as StoredState;
      if (!live.has(key.slice(4)) && state.value !== RETURN_CANCELLED) this.#add(state.context as ReturnFacts);
    }
  }
}
