import type { HoldContext, OrderContext } from '../../actors/index.js';
import type { Engine, EntityEntry } from '../engine/index.js';
import { loadPurchaseLimits, rebuildPurchaseCounts } from './limit-commands.js';
import { PurchaseLimits } from './purchase-limits.js';

/**
 * Cart holds and purchase limits. Holds are entities (`actors/hold.ts`) reserving stock for a while; this
 * keeps the purchase limits and what each customer took under them. It registers with the engine: a
 * cancelled or expired order, or an expired or released hold, gives its units back to the customer's
 * allowance, and recovery reloads the limits and recounts.
 */
export class Holds {
  readonly limits = new PurchaseLimits();

  constructor(engine: Engine) {
    engine.onEntityChanged((entry, before) => {
      if (entry.snapshot.status === 'done' && before?.status !== 'done') this.#giveBackAllowance(entry);
      else if (entry.kind === 'order' && before) this.#recountLines(entry, before.context as OrderContext);
    });
    engine.onRecovered(() => {
      loadPurchaseLimits({ engine, holds: this });
      rebuildPurchaseCounts({ engine, holds: this });
    });
  }

  /** Units cancelled from an order that stays open go back to the customer's allowance at once. */
  #recountLines(entry: EntityEntry, before: OrderContext): void {
    const o = entry.snapshot.context as OrderContext;
    if (o.lines === before.lines) return;
    this.limits.count(o.customer.id, before.lines, -1);
    this.limits.count(o.customer.id, o.lines, 1);
  }

  #giveBackAllowance(entry: EntityEntry): void {
    if (entry.kind === 'hold' && entry.snapshot.value !== 'consumed') {
      const h = entry.snapshot.context as HoldContext;
      this.limits.count(h.customer, h.lines, -1);
    } else if (entry.kind === 'order') {
      const o = entry.snapshot.context as OrderContext;
      if (o.cancelReason !== undefined) this.limits.count(o.customer.id, o.lines, -1);
    }
  }
}

