import type { HoldContext, OrderContext } from '../../actors/index.js';
import { SCHEMA_VERSION, type StoredState } from '../../snapshots/index.js';
import { checkVersion } from '../../snapshots/index.js';
import { DomainError } from '../domain/errors.js';
import type { OrderLine } from '../domain/order.js';
import { SortableIds, type Committed } from '../engine/index.js';
import type { HoldPorts } from './purchase-limits.js';
import type { PurchaseLimit } from './purchase-limits.js';

/** Defines a purchase limit or sale window (`PUT /purchase-limits/:id`); counts start now or at `startsAt`. */
export function upsertPurchaseLimit(ports: HoldPorts, limit: PurchaseLimit): Committed<PurchaseLimit> {
  const { engine, stock, holds } = ports;
  const unknown = limit.skus.filter((s) => !stock.catalog.has(s));
  if (unknown.length > 0) throw new DomainError('invalid_request', 'the limit names unknown SKUs', unknown.map((s) => ({ path: 'skus', message: `unknown SKU '${s}'` })));
  if (limit.startsAt && limit.endsAt && Date.parse(limit.endsAt) <= Date.parse(limit.startsAt)) {
    throw new DomainError('invalid_request', 'the sale window ends before it starts', [{ path: 'endsAt', message: 'must be after startsAt' }]);
  }
  const existed = holds.limits.get(limit.id);
  const stored = existed ? { ...limit, createdAt: existed.createdAt } : limit;
  holds.limits.set(stored);
  // A new or widened limit counts what was already bought inside its window.
  rebuildPurchaseCounts(ports);
  const durable = engine.journal.whenFlushed(engine.store.limits.put(stored.id, { v: SCHEMA_VERSION, doc: stored }));
  return { value: stored, durable };
}

/** Loads the stored limits (at start). */
export function loadPurchaseLimits({ engine, holds }: Omit<HoldPorts, 'stock'>): void {
  for (const { value } of engine.store.limits.getRange()) {
    checkVersion('purchase limit', value);
    holds.limits.set(value.doc as PurchaseLimit);
  }
}

/**
 * Recounts what each customer took under the limits: active holds, and every order (open or finished, not
 * cancelled) placed since the earliest limit began. Order ids sort by time, so the stored orders read are a
 * key range, bounded by the campaign, not by all history.
 */
export function rebuildPurchaseCounts({ engine, holds }: Omit<HoldPorts, 'stock'>): void {
  holds.limits.reset();
  const since = holds.limits.countingSince();
  if (since === undefined) return;
  for (const entry of engine.registry.entities('hold').values()) {
    const h = entry.snapshot.context as HoldContext;
    if (entry.snapshot.value === 'active') holds.limits.count(h.customer, h.lines, 1);
  }
  const counted = new Set<string>();
  const countOrder = (state: StoredState) => {
    const o = state.context as OrderContext;
    if (Date.parse(o.createdAt) < since || counted.has(o.id)) return;
    counted.add(o.id);
    if (o.cancelReason !== undefined) return;
    holds.limits.count(o.customer.id, o.lines, 1);
  };
  for (const entry of engine.registry.orders.values()) countOrder({ value: entry.snapshot.value, context: entry.snapshot.context });
  const start = `ord:${SortableIds.firstAt('ord', since)}`;
  for (const { key, value } of engine.store.actors.getRange({ start, end: 'ord;' })) {
    if (!engine.registry.orders.has(key.slice(4))) countOrder(value.snapshot as StoredState);
  }
}
