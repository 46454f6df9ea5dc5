import { DomainError, type ErrorDetail } from '../domain/errors.js';
import { quantitiesBySku, type OrderLine } from '../domain/order.js';
import { ENTITY_NEW_STATE, type Committed, type Step } from '../engine/index.js';
import { upsertInboundIn, type InboundPorts } from '../supply/index.js';

/** A stock transfer between locations (`POST /transfers`), e.g. to avoid splitting an order. */
export interface CreateTransfer {
  from: string;
  to: string;
  lines: OrderLine[];
  reason?: string;
  /** When it is expected at the destination (default: two days after it is asked for). */
  expectedAt?: string;
}

/** A transfer's arrival when nobody says: two days on (when the transit timer of the default workflow warns). */
export const TRANSFER_DAYS = 2;

/**
 * Reserves the units at the source and starts the active transfer workflow (ship, receive). The transfer is
 * inbound at its destination from now until it is received (same id, kind `transfer`): availability counts
 * it, and a supply rule may promise it to orders, which are allocated when it arrives.
 */
export function createTransfer(ports: InboundPorts, cmd: CreateTransfer, createdBy: string): Committed<{ id: string }> {
  return ports.engine.run((step) => ({ id: createTransferIn(ports, step, cmd, createdBy) }), createdBy);
}

/**
 * `createTransfer` inside a running step; returns the transfer's id. `forOrder`: sourcing chose it for that
 * order, which waits on it and is allocated at the destination when it arrives.
 */
export function createTransferIn(ports: InboundPorts, step: Step, cmd: CreateTransfer, createdBy: string, forOrder?: string): string {
  const { engine, stock } = ports;
  const problems: ErrorDetail[] = [];
  if (!engine.location(cmd.from)) problems.push({ path: 'from', message: `unknown location '${cmd.from}'` });
  if (!engine.location(cmd.to)) problems.push({ path: 'to', message: `unknown location '${cmd.to}'` });
  if (cmd.from === cmd.to) problems.push({ path: 'to', message: 'must differ from from' });
  cmd.lines.forEach((l, i) => {
    if (!stock.catalog.has(l.sku)) problems.push({ path: `lines[${i}].sku`, message: `unknown SKU '${l.sku}'` });
  });
  if (problems.length > 0) throw new DomainError('invalid_request', 'the transfer is not valid', problems);
  const short: ErrorDetail[] = [];
  const need = quantitiesBySku(cmd.lines);
  cmd.lines.forEach((l, i) => {
    const free = stock.index.freeAt(cmd.from, l.sku);
    if ((need.get(l.sku) ?? 0) > free) short.push({ path: `lines[${i}]`, message: `${l.sku}: ${need.get(l.sku)} to move, ${free} free at ${cmd.from}` });
  });
  if (short.length > 0) throw new DomainError('insufficient_stock', `not enough free stock at ${cmd.from}`, short);
  const machine = engine.workflows?.select('transfer', {});
  if (!machine) throw new DomainError('unavailable', 'no transfer workflow is active');
  const id = engine.ids.next('transfer', step.at);
  const expectedAt = cmd.expectedAt ?? new Date(step.at + TRANSFER_DAYS * 86_400_000).toISOString();
  // Validates the arrival (a date in the past is refused) before anything changes.
  const lines = [...need].map(([sku, qty]) => ({ sku, qty }));
  upsertInboundIn(ports, step, id, { location: cmd.to, lines, expectedAt, kind: 'transfer', reference: id }, { transfer: id, ...(forOrder !== undefined ? { forOrder } : {}) });
  stock.reserve(step, cmd.from, id, lines);
  const context = { id, from: cmd.from, to: cmd.to, lines: cmd.lines, reason: cmd.reason ?? '', expectedAt, createdAt: step.iso, createdBy, updatedAt: step.iso, timers: {}, attributes: {} };
  const entry = engine.createEntity(step, 'transfer', machine, ENTITY_NEW_STATE, context);
  engine.send(step, entry, { type: 'entity.created', at: step.iso });
  return id;
}
