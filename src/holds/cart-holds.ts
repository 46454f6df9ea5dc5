import type { HoldContext } from '../../actors/index.js';
import { DomainError, type ErrorDetail } from '../domain/errors.js';
import { quantitiesBySku, type OrderLine, type Shipment } from '../domain/order.js';
import { HOLD_MACHINE, type Committed, type Engine, type EntityEntry } from '../engine/index.js';
import { holdPool } from '../stock/index.js';
import type { HoldPorts } from './purchase-limits.js';

/** A cart hold as a storefront asks for it (`POST /holds`). */
export interface PlaceHold {
  pool?: string;
  lines: OrderLine[];
  ttlSeconds: number;
  /** The shopper, for per-customer limits and support. */
  customer?: string;
}

/** A hold as clients see it. */
export interface HoldView {
  id: string;
  status: string;
  pool: string;
  lines: OrderLine[];
  allocations: Shipment[];
  createdAt: string;
  expiresAt: string;
  updatedAt: string;
  createdBy: string;
  customer?: string;
  orderId?: string;
}

/**
 * Reserves a cart's lines in a pool for `ttlSeconds`, at the locations with the most free units. A key bound
 * to channels (`sellsOn`) holds only in their pools, by default its first channel's.
 */
export function placeHold(ports: HoldPorts, cmd: PlaceHold, createdBy: string, sellsOn?: readonly string[]): Committed<HoldView> {
  const { engine, stock, holds } = ports;
  return engine.run((step) => {
    const pool = holdPool(stock.index, { ...(cmd.pool === undefined ? {} : { pool: cmd.pool }), ...(sellsOn ? { sellsOn } : {}) });
    checkReferences(ports, pool, cmd.lines);
    holds.limits.check(cmd.customer, cmd.lines, step.at);
    const need = quantitiesBySku(cmd.lines);
    const short: ErrorDetail[] = [];
    cmd.lines.forEach((l, i) => {
      const ats = stock.index.ats(pool, l.sku);
      if ((need.get(l.sku) ?? 0) > ats) short.push({ path: `lines[${i}]`, message: `${l.sku}: ${need.get(l.sku)} requested, ${ats} available in pool ${pool}`, sku: l.sku, requested: l.qty, available: ats });
    });
    if (short.length > 0) throw new DomainError('insufficient_stock', 'the cart cannot be held: not enough stock in the pool', short);

    const allocations = allocate(ports, pool, need);
    const id = engine.ids.next('hold', step.at);
    for (const a of allocations) stock.reserve(step, a.location, id, a.lines, pool);
    const expiresAt = new Date(step.at + cmd.ttlSeconds * 1000).toISOString();
    const context: HoldContext = { id, pool, lines: cmd.lines, allocations, createdAt: step.iso, createdBy, expiresAt, timers: { expiry: expiresAt }, updatedAt: step.iso };
    if (cmd.customer !== undefined) context.customer = cmd.customer;
    engine.createEntity(step, 'hold', HOLD_MACHINE, 'active', context);
    holds.limits.count(cmd.customer, cmd.lines, 1);
    return holdView(ports, id)!;
  });
}

/** Gives a hold's units back before it expires (`DELETE /holds/:id`). */
export function releaseHold({ engine }: { engine: Engine }, id: string, by: { keyId: string; anyOwner: boolean }): Committed<HoldView> {
  return engine.run((step) => {
    const entry = activeHold({ engine }, id, by);
    engine.send(step, entry, { type: 'hold.released', at: step.iso });
    return holdView({ engine }, id)!;
  });
}

/** The active hold an order may consume, checked for ownership; throws a clear 4xx otherwise. */
export function activeHold({ engine }: { engine: Engine }, id: string, by: { keyId: string; anyOwner: boolean }): EntityEntry {
  const entry = engine.registry.holds.get(id);
  const view = holdView({ engine }, id);
  if (!view || (!by.anyOwner && view.createdBy !== by.keyId)) throw new DomainError('not_found', `no hold '${id}'`);
  if (!entry || entry.snapshot.value !== 'active') {
    throw new DomainError('invalid_state', `hold ${id} is ${view.status}; its units are no longer held`, [{ message: 'accepted now: none', accepted: [] }]);
  }
  return entry;
}

/** A hold as clients see it, open or finished. */
export function holdView({ engine }: { engine: Engine }, id: string): HoldView | undefined {
  const found = engine.entityState('hold', id);
  if (!found) return undefined;
  const c = found.state.context as HoldContext;
  const view: HoldView = {
    id: c.id,
    status: String(found.state.value),
    pool: c.pool,
    lines: c.lines,
    allocations: c.allocations,
    createdAt: c.createdAt,
    expiresAt: c.expiresAt,
    updatedAt: c.updatedAt,
    createdBy: c.createdBy,
  };
  if (c.customer !== undefined) view.customer = c.customer;
  if (c.orderId !== undefined) view.orderId = c.orderId;
  return view;
}

/** Takes each SKU from the pool members with the most free units first (ties by id): holds do not ship. */
function allocate({ stock }: HoldPorts, pool: string, need: Map<string, number>): Shipment[] {
  const byLocation = new Map<string, OrderLine[]>();
  for (const [sku, qty] of need) {
    let left = qty;
    for (const { id, ats } of stock.index.breakdown(pool, sku)) {
      if (left === 0) break;
      const take = Math.min(ats, left);
      left -= take;
      const lines = byLocation.get(id) ?? [];
      lines.push({ sku, qty: take });
      byLocation.set(id, lines);
    }
  }
  return [...byLocation].sort(([a], [b]) => (a < b ? -1 : 1)).map(([location, lines]) => ({ location, lines }));
}

function checkReferences({ stock }: HoldPorts, pool: string, lines: OrderLine[]): void {
  const details: ErrorDetail[] = [];
  if (!stock.index.pool(pool)) details.push({ path: 'pool', message: `unknown pool '${pool}'` });
  lines.forEach((l, i) => {
    if (!stock.catalog.has(l.sku)) details.push({ path: `lines[${i}].sku`, message: `unknown SKU '${l.sku}'` });
  });
  if (details.length > 0) throw new DomainError('invalid_request', 'the hold names things Fulcrum does not know', details);
}
