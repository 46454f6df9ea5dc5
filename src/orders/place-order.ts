import type { HoldContext, OrderContext } from '../../actors/index.js';
import { DomainError, type ErrorDetail } from '../domain/errors.js';
import { DEFAULT_SPLIT_POLICY, type Destination, type Fulfilment, type OrderLine, type Shipment, type SplitPolicy } from '../domain/order.js';
import type { BackorderOption } from '../domain/supply.js';
import type { WaitingPlan } from '../supply/index.js';
import { ENTITY_NEW_STATE, type Committed, type Step } from '../engine/index.js';
import { activeHold } from '../holds/index.js';
import { createTransferIn } from '../transfers/index.js';
import {
  considerTransfers,
  mayNeedPool,
  planSourcing,
  proposeSourcing,
  recordDecision,
  shortLineDetail,
  type SolveProblem,
  type SourcingAsk,
  type SourcingDecision,
  type SourcingOutcome,
  type TransferChoice,
} from '../sourcing/index.js';
import { salePool, type Stock } from '../stock/index.js';
import type { OrderView } from './order-view.js';
import type { OrderPorts } from './orders.js';

/** An order as intake receives it, already validated for shape at the edge. */
export interface PlaceOrder {
  ref?: string;
  channel?: string;
  pool?: string;
  customer: { id: string; [k: string]: unknown };
  deliverTo: Destination;
  deliveryType?: string;
  collectAt?: string;
  /** Lines, each optionally with the price paid per unit. */
  lines: Array<OrderLine & { unitPrice?: number }>;
  /** The currency of the prices (required with them). */
  currency?: string;
  /** What the customer paid for shipping. */
  shippingAmount?: number;
  split?: { allowed: boolean; maxShipments?: number; splitLines?: boolean };
  attributes?: Record<string, unknown>;
  /** A cart hold to consume: its units count as free for this order, and it ends as consumed. */
  holdId?: string;
  /** Lines stock cannot meet but a supply rule allows wait on inbound: ship what is in stock now, or all together. */
  backorder?: BackorderOption;
}

export interface PlaceOrderOptions {
  /** The caller may consume any key's hold (not only its own). */
  anyHold?: boolean;
  /** A plan made before the step, off the engine's thread (`placeOrderPooled`): re-checked, not trusted. */
  proposal?: SourcingDecision | null;
  /** The channels the caller's key is bound to; undefined when it may sell on any. */
  sellsOn?: readonly string[];
}

/**
 * Sources and reserves an order in one synchronous step: either every line is reserved and the order exists,
 * or nothing changed and a DomainError says why (`insufficient_stock` names the short lines). The plan and
 * its explanation are stored with the order (`GET /orders/:id/sourcing`).
 */
export function placeOrder(ports: OrderPorts, cmd: PlaceOrder, createdBy: string, options: PlaceOrderOptions = {}): Committed<OrderView> {
  return ports.engine.run((step) => ports.orders.get(placeOrderIn(ports, step, cmd, createdBy, options))!, createdBy);
}

/**
 * `placeOrder` inside a step that is already running (an exchange placed by its return): returns the new
 * order's id. Every check happens before the first change, so a DomainError leaves the step as it was.
 */
export function placeOrderIn(ports: OrderPorts, step: Step, cmd: PlaceOrder, createdBy: string, options: PlaceOrderOptions = {}): string {
  const { engine, stock, holds, orders } = ports;
  // The order's fields are passed one by one, not spread into new objects: copies of the whole command were
  // part of the ~3 KB placeOrderIn allocated itself per order (allocation sampling, in-process intake).
  const { channel, pool } = salePool(stock.index, { channel: cmd.channel, pool: cmd.pool, sellsOn: options.sellsOn });
  checkReferences(ports, cmd, pool);
  const hold = cmd.holdId === undefined ? undefined : activeHold(ports, cmd.holdId, { keyId: createdBy, anyOwner: options.anyHold ?? false });
  const held = hold ? (hold.snapshot.context as HoldContext).lines : [];
  const holder = hold ? (hold.snapshot.context as HoldContext).customer : undefined;
  if (holder !== undefined && holder !== cmd.customer.id) {
    throw new DomainError('conflict', `hold ${cmd.holdId} was placed for another customer`, [{ path: 'holdId', message: 'the hold and the order must name the same customer' }]);
  }
  // Purchase limits and sale windows, checked in the same step as the reservation: two concurrent orders
  // of one customer cannot both pass. A consumed hold's units were counted when it was placed.
  holds.limits.check(cmd.customer.id, cmd.lines, step.at, held);
  const ask = intakeAsk(stock, cmd, pool, hold ? (hold.snapshot.context as HoldContext).allocations : [], channel);
  const first = planSourcing(ports, ask, step.iso, options.proposal);
  // One parcel after a transfer, when the strategy allows transfers and that beats a split (or a refusal).
  // (considerTransfers returns at once unless the profile allows transfers: the workflow lookup comes after.)
  const offered = orders.waiting ? considerTransfers(ports, ask, first, step.iso) : undefined;
  const moves = offered && engine.workflows?.select('transfer', {}) ? offered : undefined;
  const { planned, wait } = moves?.chosen
    ? { planned: consolidatedPlan(moves, first), wait: undefined }
    : first.ok
      ? { planned: first, wait: undefined }
      : planWithWaiting(ports, cmd, ask, first, step);
  if (!planned.ok) {
    orders.counters.ordersRejected++;
    throw insufficientStock(planned, pool);
  }
  const id = engine.ids.next('order', step.at);
  // Consuming the hold gives its units back in this same step, just before the order reserves: nothing
  // else can take them in between, and the plan above already counted them as free.
  if (hold && !engine.send(step, hold, { type: 'hold.consumed', orderId: id, at: step.iso })) {
    throw new DomainError('invalid_state', `hold ${cmd.holdId} can no longer be consumed`);
  }
  const fulfilments: Fulfilment[] = planned.shipments.map((s, i) => ({ id: `${id}-${i + 1}`, location: s.location, lines: s.lines, status: 'created' }));
  // Reserve first: a location refusing now would mean the index and the actors disagree, which is fatal.
  for (const f of fulfilments) stock.reserve(step, f.location, id, f.lines, pool);
  const decision = planned.decision;
  const input: OrderContext = {
    id,
    channel,
    pool,
    customer: cmd.customer,
    deliverTo: cmd.deliverTo,
    deliveryType: cmd.deliveryType ?? 'home',
    lines: cmd.lines,
    split: splitPolicy(cmd.split),
    attributes: cmd.attributes ?? {},
    createdAt: step.iso,
    createdBy,
    updatedAt: step.iso,
    fulfilments,
    ...(decision ? { sourcing: { profile: decision.profileId, version: decision.profileVersion, strategy: decision.strategyId! } } : {}),
  };
  if (wait) {
    // Queued on the inbound in this same step: the order records its place (the rank) with each line.
    input.waiting = orders.waiting!.claim(step, id, wait.waiting, { pool, channel, customer: cmd.customer, attributes: cmd.attributes ?? {} });
    input.backorder = wait.backorder;
    if (wait.payment === 'at_allocation') input.payment = 'at_allocation';
  } else if (moves?.chosen) {
    // The transfers start now, and the order waits on them (first in their queues) to ship as one parcel.
    const lines = moves.consolidated.transfers.flatMap((t) => {
      const expectedAt = new Date(step.at + t.leadDays * DAY).toISOString();
      const transfer = createTransferIn({ engine, stock, supply: orders.waiting! }, step, { from: t.from, to: t.to, lines: [...t.lines], reason: `order ${id}`, expectedAt }, createdBy, id);
      return t.lines.map((l) => ({ sku: l.sku, qty: l.qty, inbound: transfer, mode: 'backorder' as const, promisedAt: expectedAt }));
    });
    input.waiting = orders.waiting!.claim(step, id, lines, { pool, channel, customer: cmd.customer, attributes: cmd.attributes ?? {} });
    input.backorder = 'ship-complete';
  }
  if (cmd.ref !== undefined) input.ref = cmd.ref;
  if (cmd.collectAt !== undefined) input.collectAt = cmd.collectAt;
  if (cmd.holdId !== undefined) input.holdId = cmd.holdId;
  if (cmd.currency !== undefined) input.currency = cmd.currency;
  if (cmd.shippingAmount !== undefined) input.shippingAmount = cmd.shippingAmount;
  input.value = ask.orderValue!;
  const machine = engine.workflows?.select('order', { channel: input.channel, deliveryType: input.deliveryType, attributes: input.attributes }) ?? engine.machines.defaultOrderMachine;
  if (engine.machines.startsNew(machine)) {
    // The order's own context gains the workflow's fields, last (as a copy with them appended had them): one
    // object per order, not a second copy of all its fields.
    input.timers = {};
    input.short = [];
    const entry = engine.createEntity(step, 'order', machine, ENTITY_NEW_STATE, input);
    engine.send(step, entry, { type: 'entity.created', at: step.iso });
  } else {
    engine.createEntity(step, 'order', machine, 'reserved', input);
  }
  if (moves) recordDecision(engine, step, id, 'intake', ask, first, fulfilments.map((f) => f.id), moves);
  else if (planned.decision) recordDecision(engine, step, id, 'intake', wait ? { ...ask, lines: wait.inStock } : ask, planned as SourcingOutcome & { ok: true }, fulfilments.map((f) => f.id));
  if (wait || moves?.chosen) engine.send(step, engine.registry.orders.get(id)!, { type: 'order.waiting', waiting: input.waiting, at: step.iso });
  holds.limits.count(cmd.customer.id, cmd.lines, 1, held);
  orders.counters.ordersPlaced++;
  return id;
}

/**
 * Places an order, first solving its sourcing off the engine's thread when the problem may be large: the
 * plan comes back as a proposal that the step re-checks against current stock (and plans again inline if
 * stock moved meanwhile). Smaller orders go straight to one synchronous step. A full worker queue throws
 * DomainError('unavailable') before anything changed.
 */
export async function placeOrderPooled(ports: OrderPorts, solve: SolveProblem, cmd: PlaceOrder, createdBy: string, options: PlaceOrderOptions = {}): Promise<Committed<OrderView>> {
  const onlyAt = cmd.deliveryType === 'collect' ? cmd.collectAt : undefined;
  if (!mayNeedPool(ports, cmd.lines, onlyAt)) return placeOrder(ports, cmd, createdBy, options);
  const { channel, pool } = salePool(ports.stock.index, { channel: cmd.channel, pool: cmd.pool, sellsOn: options.sellsOn });
  checkReferences(ports, cmd, pool);
  const hold = cmd.holdId === undefined ? undefined : activeHold(ports, cmd.holdId, { keyId: createdBy, anyOwner: options.anyHold ?? false });
  const proposed = await proposeSourcing(ports, intakeAsk(ports.stock, cmd, pool, hold ? (hold.snapshot.context as HoldContext).allocations : [], channel), solve);
  return placeOrder(ports, cmd, createdBy, { ...options, proposal: proposed.decision });
}

const DAY = 86_400_000;

/** The shipment a chosen consolidation makes now: what the hub holds of the order (the rest comes by transfer). */
function consolidatedPlan(moves: TransferChoice, first: SourcingOutcome): IntakePlan {
  const { hub, own } = moves.consolidated;
  return { ok: true, shipments: own.length > 0 ? [{ location: hub, lines: own.map((l) => ({ ...l })) }] : [], decision: first.decision ?? undefined };
}

/** A plan for what is in stock, or nothing at all when every unit waits (a pre-order of stock not yet in). */
type IntakePlan = Extract<SourcingOutcome, { ok: false }> | { ok: true; shipments: Shipment[]; decision: SourcingDecision | undefined };

/**
 * An order stock cannot meet may still be accepted when supply rules let its short lines wait on inbound
 * supply (workflow orders; one for collection waits on inbound to its store): what is in stock is planned now (whole short lines wait
 * when their in-stock part cannot be planned alone), the rest is promised against inbound. Without a rule
 * the original refusal stands; a closed pre-order window or too little promisable supply is refused here.
 */
function planWithWaiting(ports: OrderPorts, cmd: PlaceOrder, ask: SourcingAsk, refused: Extract<SourcingOutcome, { ok: false }>, step: Step): { planned: IntakePlan; wait?: WaitingPlan } {
  const supply = ports.orders.waiting;
  if (!supply || !ports.engine.workflows || refused.short.length === 0) return { planned: refused };
  // An order collected at a store waits on inbound to that store only, and is collected all at once.
  const collect = ask.deliveryType === 'collect' && ask.onlyAt !== undefined ? { at: ask.onlyAt, backorder: 'ship-complete' as const } : undefined;
  const waitAsk = { lines: cmd.lines, pool: ask.pool, channel: ask.channel ?? 'default', now: step.at, ...(cmd.backorder ? { backorder: cmd.backorder } : {}), ...collect };
  for (const whole of [false, true]) {
    const wait = supply.planWaiting(waitAsk, refused.short, whole);
    if (!wait) return { planned: refused };
    if (wait.inStock.length === 0) return { planned: { ok: true, shipments: [], decision: undefined }, wait };
    const rest = planSourcing(ports, { ...ask, lines: wait.inStock }, step.iso);
    if (rest.ok) return { planned: rest, wait };
  }
  return { planned: refused };
}

/** What sourcing needs to know of an order (its channel as resolved by `salePool`, else the one it names). */
export function intakeAsk(stock: Stock, cmd: PlaceOrder, pool: string, releasing: HoldContext['allocations'], channel = cmd.channel ?? 'default'): SourcingAsk {
  return {
    lines: cmd.lines,
    pool,
    deliverTo: cmd.deliverTo,
    deliveryType: cmd.deliveryType ?? 'home',
    channel,
    orderValue: orderValue(stock, cmd.lines),
    ...(cmd.split === undefined ? {} : { split: cmd.split }),
    ...(cmd.deliveryType === 'collect' && cmd.collectAt !== undefined ? { onlyAt: cmd.collectAt } : {}),
    ...(releasing.length > 0 ? { releasing } : {}),
  };
}

/** The refusal of an order that cannot be sourced: each short line by its path. */
function insufficientStock(refused: Extract<SourcingOutcome, { ok: false }>, pool: string): DomainError {
  return new DomainError('insufficient_stock', `order cannot be sourced: ${refused.reason}`, refused.short.map((s) => shortLineDetail(s, pool)));
}

/** The order's value from catalog prices (products without a price count 0). */
function orderValue(stock: Stock, lines: OrderLine[]): number {
  let cents = 0;
  for (const l of lines) cents += Math.round(Number(stock.catalog.get(l.sku)?.attributes.price ?? 0) * 100) * l.qty;
  return cents / 100;
}

/**
 * The split policy the order records: what it asked for, else the foundation's default. Sourcing itself
 * gets the order's own request (or none), so a profile's strategy narrows it or, when absent, decides.
 */
export function splitPolicy(asked: PlaceOrder['split']): SplitPolicy {
  if (!asked) return DEFAULT_SPLIT_POLICY;
  if (!asked.allowed) return { allowed: false, maxShipments: 1, splitLines: false };
  return {
    allowed: true,
    maxShipments: asked.maxShipments ?? DEFAULT_SPLIT_POLICY.maxShipments,
    splitLines: asked.splitLines ?? DEFAULT_SPLIT_POLICY.splitLines,
  };
}

/** Rejects an order naming a pool, SKU or collect location Fulcrum does not know (400, every problem). */
export function checkReferences({ engine, stock }: Pick<OrderPorts, 'engine' | 'stock'>, cmd: PlaceOrder, pool: string): void {
  const details: ErrorDetail[] = [];
  if (!stock.index.pool(pool)) details.push({ path: 'pool', message: `unknown pool '${pool}'` });
  cmd.lines.forEach((l, i) => {
    if (!stock.catalog.has(l.sku)) details.push({ path: `lines[${i}].sku`, message: `unknown SKU '${l.sku}'` });
  });
  if (cmd.collectAt !== undefined && !engine.location(cmd.collectAt)) {
    details.push({ path: 'collectAt', message: `unknown location '${cmd.collectAt}'` });
  }
  if (details.length > 0) throw new DomainError('invalid_request', 'the order names things Fulcrum does not know', details);
}
