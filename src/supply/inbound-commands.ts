import { DomainError, type ErrorDetail } from '../domain/errors.js';
import type { OrderLine } from '../domain/order.js';
import type { InboundContext, InboundKind, InboundLine, WaitingLine } from '../domain/supply.js';
import { INBOUND_MACHINE, openEntity, type Committed, type Engine, type Step } from '../engine/index.js';
import type { Stock } from '../stock/index.js';
import type { Supply } from './supply.js';

/** What the inbound commands read and change. */
export interface InboundPorts {
  readonly engine: Engine;
  readonly stock: Stock;
  readonly supply: Supply;
}

/** An inbound as it is asked for (`PUT /inbound/:id`). */
export interface InboundInput {
  location: string;
  lines: OrderLine[];
  expectedAt: string;
  kind: InboundKind;
  reference?: string;
}

/** A receipt (`POST /inbound/:id/receipts`). */
export interface ReceiptInput {
  receiptId: string;
  lines: OrderLine[];
  /** The status the units arrive in (default `sellable`; e.g. `quality_check`, which does not sell). */
  status?: string;
  /** Accept more than expected (or a SKU not on the inbound). */
  allowOver?: boolean;
}

/** What an upsert did: made a new inbound, changed one, or found it already as asked (and recorded nothing). */
export type InboundUpsert = 'created' | 'updated' | 'unchanged';

/**
 * Creates an inbound, or updates one: its date, kind, reference, and lines (added, changed, or dropped —
 * never below what arrived or what orders wait on). A later date re-promises every order waiting on it
 * (`order.repromised`). A new inbound may not be dated in the past; the location and SKUs must exist.
 */
export function upsertInbound(ports: InboundPorts, id: string, input: InboundInput, by: string): Committed<{ created: boolean }> {
  return ports.engine.run((step) => ({ created: upsertInboundIn(ports, step, id, input) === 'created' }), by);
}

/**
 * `upsertInbound` inside a running step (its `by` is the step's): a bulk load applies many inbound in one
 * step, a transfer announces its arrival (`link`). Everything is checked before anything changes: a refusal
 * (a DomainError) leaves the step as it was, and the step may go on with other inbound. An update that changes
 * nothing records nothing.
 */
export function upsertInboundIn(
  { engine, stock, supply }: InboundPorts,
  step: Step,
  id: string,
  input: InboundInput,
  link: Pick<InboundContext, 'transfer' | 'forOrder'> = {},
): InboundUpsert {
  const problems: ErrorDetail[] = [];
  if (!engine.location(input.location)) problems.push({ path: 'location', message: `no location '${input.location}'` });
  const seen = new Set<string>();
  input.lines.forEach((l, i) => {
    if (!stock.catalog.has(l.sku)) problems.push({ path: `lines[${i}].sku`, message: `no product '${l.sku}'` });
    if (seen.has(l.sku)) problems.push({ path: `lines[${i}].sku`, message: `${l.sku} is on another line: one line per SKU` });
    seen.add(l.sku);
  });
  const existing = engine.registry.entities('inbound').get(id);
  const stored = existing ? undefined : supply.inbound(id);
  if (stored) throw new DomainError('invalid_state', `inbound ${id} is ${stored.state} and can no longer change`);
  if (!existing && Date.parse(input.expectedAt) < step.at) problems.push({ path: 'expectedAt', message: `a new inbound cannot be expected in the past (${input.expectedAt})` });
  if (!existing) {
    if (problems.length > 0) throw new DomainError('invalid_request', 'the inbound cannot be accepted as asked', problems);
    const context: InboundContext = {
      id,
      location: input.location,
      kind: input.kind,
      ...(input.reference !== undefined ? { reference: input.reference } : {}),
      expectedAt: input.expectedAt,
      lines: input.lines.map((l) => ({ sku: l.sku, qty: l.qty, received: 0 })),
      receipts: [],
      waiting: {},
      held: {},
      allocated: {},
      createdAt: step.iso,
      createdBy: step.by,
      updatedAt: step.iso,
      timers: {},
      ...link,
    };
    engine.createEntity(step, 'inbound', INBOUND_MACHINE, 'open', context);
    return 'created';
  }
  const before = existing.snapshot.context as InboundContext;
  if (input.location !== before.location) problems.push({ path: 'location', message: `an inbound cannot move (it is expected at ${before.location})` });
  if (before.transfer !== undefined && (input.kind !== before.kind || input.lines.length !== before.lines.length || input.lines.some((l) => before.lines.find((b) => b.sku === l.sku)?.qty !== l.qty))) {
    problems.push({ path: 'lines', message: `inbound ${id} is transfer ${before.transfer} in flight: only its date can change` });
  }
  // By SKU, not by searching the lines: an inbound of 1,000 lines loaded again would compare a million pairs.
  const received = new Map(before.lines.map((b) => [b.sku, b.received]));
  const lines: InboundLine[] = input.lines.map((l) => ({ sku: l.sku, qty: l.qty, received: received.get(l.sku) ?? 0 }));
  for (const b of before.lines) if (b.received > 0 && !seen.has(b.sku)) lines.push({ ...b, qty: b.received });
  lines.forEach((l, i) => {
    const waiting = before.waiting[l.sku] ?? 0;
    if (l.qty < l.received + waiting) problems.push({ path: `lines[${i}].qty`, message: `${l.sku}: ${l.received} received and ${waiting} sold against it, ${l.qty} asked` });
  });
  for (const b of before.lines) {
    const waiting = before.waiting[b.sku] ?? 0;
    if (waiting > 0 && !seen.has(b.sku)) problems.push({ path: 'lines', message: `${b.sku}: ${waiting} sold against it, the line cannot be dropped` });
  }
  if (problems.length > 0) throw new DomainError('invalid_request', 'the inbound cannot be changed as asked', problems);
  if (isUnchanged(before, input, lines)) return 'unchanged';
  engine.send(step, existing, { type: 'inbound.updated', expectedAt: input.expectedAt, lines, kind: input.kind, ...(input.reference !== undefined ? { reference: input.reference } : {}), at: step.iso });
  if (input.expectedAt > before.expectedAt) repromise(engine, supply, step, id, input.expectedAt);
  return 'updated';
}

/** Whether an update would leave the inbound as it is (the same file loaded again, a repeated PUT). */
function isUnchanged(before: InboundContext, input: InboundInput, lines: InboundLine[]): boolean {
  if (input.expectedAt !== before.expectedAt || input.kind !== before.kind) return false;
  if (input.reference !== undefined && input.reference !== before.reference) return false;
  return lines.length === before.lines.length && lines.every((l, i) => l.sku === before.lines[i]!.sku && l.qty === before.lines[i]!.qty && l.received === before.lines[i]!.received);
}

/** Tells every order waiting on an inbound that its date moved (`order.repromised`). */
function repromise(engine: Engine, supply: Supply, step: Step, inbound: string, promisedAt: string): void {
  for (const [orderId, sku, qty] of supply.unallotted(inbound)) {
    const order = engine.registry.orders.get(orderId);
    if (order) engine.send(step, order, { type: 'order.repromised', inbound, sku, qty, to: inbound, promisedAt, at: step.iso });
  }
}

/**
 * Receives units of an inbound, in one step: they enter the location (in `status`, sellable by default), and
 * units that can sell go first to the orders waiting on the inbound, in queue order: the receipt records who
 * gets them (allotted: held for those orders from this step on), and the orders are then sourced a batch per
 * step, the first in this one. A receipt id seen before is answered again and changes nothing; more than
 * expected is refused unless `allowOver`.
 */
export function receiveInbound(ports: InboundPorts, id: string, receipt: ReceiptInput, by: string): Committed<Receipt> {
  return ports.engine.run((step) => receiveInboundIn(ports, step, id, followsNoTransfer(ports, id) && receipt), by);
}

/** What a receipt did: repeated (nothing), or how many orders it allotted units to, and which it sourced at once. */
export interface Receipt {
  repeated: boolean;
  allotted: number;
  allocated: Array<{ orderId: string; sku: string; qty: number }>;
}

/**
 * `receiveInbound` inside a running step. `stocked`: the units are on hand already (a transfer's receipt
 * moved them in), so the receipt only records them and gives them to the queue.
 */
export function receiveInboundIn({ engine, stock, supply }: InboundPorts, step: Step, id: string, receipt: ReceiptInput, stocked = false): Receipt {
  const stored = supply.inbound(id);
  if (!stored) throw new DomainError('not_found', `no inbound '${id}'`);
  if (stored.context.receipts.includes(receipt.receiptId)) return { repeated: true, allotted: 0, allocated: [] };
  const entry = openEntity(engine, 'inbound', id);
  const inbound = entry.snapshot.context as InboundContext;
  const status = receipt.status ?? 'sellable';
  const problems: ErrorDetail[] = [];
  if (status !== 'sellable' && !stock.statuses.get(status)) problems.push({ path: 'status', message: `no stock status '${status}'` });
  receipt.lines.forEach((l, i) => {
    const line = inbound.lines.find((x) => x.sku === l.sku);
    if (!line && !receipt.allowOver) problems.push({ path: `lines[${i}].sku`, message: `${l.sku} is not expected on inbound ${id} (allowOver accepts it)` });
    else if (line && l.qty > line.qty - line.received && !receipt.allowOver) {
      problems.push({ path: `lines[${i}].qty`, message: `${l.sku}: ${l.qty} received, ${line.qty - line.received} still expected (allowOver accepts more)` });
    }
    if (!line && !stock.catalog.has(l.sku)) problems.push({ path: `lines[${i}].sku`, message: `no product '${l.sku}'` });
  });
  if (problems.length > 0) throw new DomainError('invalid_request', 'the receipt cannot be accepted as asked', problems);
  // Units that can sell go to the queue in the receipt's own step, and are held for it: nothing else can take them.
  const allotted = status === 'sellable' ? supply.allot(id, receipt.lines).add : [];
  engine.send(step, entry, { type: 'inbound.received', receiptId: receipt.receiptId, lines: receipt.lines, status, allotted, ...(stocked ? { stocked } : {}), at: step.iso });
  const held = new Map<string, number>();
  for (const [, sku, qty] of allotted) held.set(sku, (held.get(sku) ?? 0) + qty);
  if (held.size > 0) stock.reserve(step, inbound.location, id, [...held].map(([sku, qty]) => ({ sku, qty })));
  const allocated = allotted.length > 0 ? supply.allocate(step, entry) : [];
  return { repeated: false, allotted: allotted.length, allocated };
}

/**
 * Cancels an open inbound. Each order waiting on it moves to the next supply the rule can promise (re-promised),
 * or, with none, its units become unfulfillable and the order raises an alert.
 */
export function cancelInbound(ports: InboundPorts, id: string, reason: string, by: string): Committed<{ moved: number; unfulfillable: number }> {
  return ports.engine.run((step) => cancelInboundIn(ports, step, id, followsNoTransfer(ports, id) && reason), by);
}

/** An inbound that announces a transfer's arrival is received and cancelled with its transfer, never by hand. */
function followsNoTransfer({ supply }: InboundPorts, id: string): true {
  const transfer = supply.inbound(id)?.context.transfer;
  if (transfer !== undefined) throw new DomainError('invalid_state', `inbound ${id} is transfer ${transfer} in flight: it arrives when the transfer is received (POST /transfers/${transfer}/events), and is cancelled with it`);
  return true;
}

/** `cancelInbound` inside a running step (its transfer was cancelled). */
export function cancelInboundIn({ engine, stock, supply }: InboundPorts, step: Step, id: string, reason: string): { moved: number; unfulfillable: number } {
  const entry = openEntity(engine, 'inbound', id);
  // Orders a receipt already gave units to are sourced now (the units are at the location); any the stock
  // cannot source (a pool buffer) are moved or made unfulfillable like the rest of the queue.
  if (((entry.snapshot.context as InboundContext).allotted ?? []).length > 0) supply.allocateBatch(step, entry, Number.MAX_SAFE_INTEGER);
  const inbound = entry.snapshot.context as InboundContext;
  const queue = supply.queue(id);
  const ranks = new Map<string, string>();
  for (const order of new Set(queue.map(([o]) => o))) {
    for (const w of (engine.registry.orders.get(order)?.snapshot.context as { waiting?: WaitingLine[] } | undefined)?.waiting ?? []) if (w.inbound === id) ranks.set(`${order}/${w.sku}`, w.rank);
  }
  // Units received and held for orders go back on sale; then nobody waits on it any more.
  const held = Object.entries(inbound.held).map(([sku, qty]) => ({ sku, qty }));
  if (held.length > 0) stock.release(step, inbound.location, id, held);
  for (const [orderId, sku, qty] of supply.unallotted(id)) supply.unqueue(id, orderId, sku, qty);
  engine.send(step, entry, { type: 'inbound.cancelled', reason, at: step.iso });
  let moved = 0;
  let unfulfillable = 0;
  for (const [orderId, sku, qty] of queue) {
    const order = engine.registry.orders.get(orderId);
    if (!order) continue;
    const ctx = order.snapshot.context as { pool: string; channel: string; customer: Record<string, unknown>; attributes: Record<string, unknown> };
    const rule = supply.rules.ruleFor(sku, ctx.pool, ctx.channel);
    const next = rule ? supply.take(rule, sku, qty, ctx.pool, step.at) : undefined;
    if (next) {
      const placed = supply.claim(step, orderId, next, ctx, ranks.get(`${orderId}/${sku}`));
      for (const w of placed) engine.send(step, order, { type: 'order.repromised', inbound: id, sku, qty: w.qty, to: w.inbound, promisedAt: w.promisedAt, at: step.iso });
      moved += qty;
    } else {
      engine.send(step, order, { type: 'order.unfulfillable', inbound: id, sku, qty, at: step.iso });
      unfulfillable += qty;
    }
  }
  return { moved, unfulfillable };
}

/**
 * A transfer in flight is inbound at its destination: its inbound (same id, kind `transfer`) is received
 * when the transfer is (the units were moved in by the transfer: the receipt only gives them to the queue),
 * and cancelled with it. Transfers from before inbound existed have none, and are left alone.
 */
export function followTransfers(ports: InboundPorts): void {
  const { engine } = ports;
  const linked = (id: string) => engine.registry.entities('inbound').get(id)?.snapshot.context as InboundContext | undefined;
  engine.handleEffect('supply.transfer_received', (step, from) => {
    const inbound = linked(from.id);
    if (inbound?.transfer !== from.id) return;
    const lines = inbound.lines.filter((l) => l.qty > l.received).map((l) => ({ sku: l.sku, qty: l.qty - l.received }));
    receiveInboundIn(ports, step, from.id, { receiptId: `transfer-${from.id}`, lines }, true);
  });
  engine.handleEffect('supply.transfer_cancelled', (step, from) => {
    if (linked(from.id)?.transfer === from.id) cancelInboundIn(ports, step, from.id, `transfer ${from.id} cancelled`);
  });
}
