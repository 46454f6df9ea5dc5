import type { LocationEvent } from '../../actors/index.js';
import { DomainError } from '../domain/errors.js';
import { checkDelta, checkMove, emptyPosition, isStaleCount, type Position } from '../domain/position.js';
import type { Committed, Engine, LocationEntry, Step } from '../engine/index.js';
import type { StockPorts } from './stock.js';

/** The outcome of a stock update: applied or ignored (stale), the position after, and any shortfall. */
export interface StockUpdateResult {
  location: string;
  sku: string;
  applied: boolean;
  ignoredReason?: string;
  /** Set when a count fell below what is reserved: the reservations stand and need attention. */
  reservedExceedsOnHandBy?: number;
  position: Position;
}

/** An absolute count from a source system (`PUT /inventory/:location/:sku`); `receivedAt` states when the counted units arrived. */
export function countStock(
  ports: StockPorts,
  location: string,
  sku: string,
  update: { onHand: number; status?: string; asOf?: string; receivedAt?: string },
): Committed<StockUpdateResult> {
  const { engine } = ports;
  return engine.run((step) => {
    const entry = target(ports, location, sku, update.status);
    const status = update.status ?? 'sellable';
    const event: LocationEvent = { type: 'stock.counted', sku, status, onHand: update.onHand, at: step.iso };
    if (update.asOf !== undefined) event.asOf = update.asOf;
    if (update.receivedAt !== undefined) event.receivedAt = notAfter(update.receivedAt, step);
    const before = engine.position(location, sku) ?? emptyPosition();
    if (isStaleCount(before, status, update.asOf)) {
      return { ...result(engine, location, sku, false), ignoredReason: `stale: a count as of ${before.asOf?.[status]} was already applied` };
    }
    const applied = engine.send(step, entry, event);
    const short = step.signals.find((s) => s.type === 'stock.short' && s.sku === sku);
    const out = result(engine, location, sku, applied);
    if (short) out.reservedExceedsOnHandBy = short.shortBy;
    return out;
  });
}

/** A change by a delta, with a reason (`POST /inventory/:location/:sku/adjust`); units added with `receivedAt` are a receipt. */
export function adjustStock(
  ports: StockPorts,
  location: string,
  sku: string,
  update: { delta: number; status?: string; reason: string; receivedAt?: string },
): Committed<StockUpdateResult> {
  const { engine } = ports;
  return engine.run((step) => {
    const entry = target(ports, location, sku, update.status);
    const status = update.status ?? 'sellable';
    const problem = checkDelta(engine.position(location, sku) ?? emptyPosition(), status, update.delta);
    if (problem) throw new DomainError('conflict', `cannot adjust ${sku} at ${location}: ${problem}`, [{ path: 'delta', message: problem }]);
    const event: LocationEvent = { type: 'stock.adjusted', sku, status, delta: update.delta, reason: update.reason, at: step.iso };
    if (update.receivedAt !== undefined && update.delta > 0) event.receivedAt = notAfter(update.receivedAt, step);
    return result(engine, location, sku, update.delta === 0 ? false : engine.send(step, entry, event));
  });
}

/**
 * A receipt time from outside (ISO, UTC), no later than the step: a client's clock a little ahead of ours
 * must not make units younger than new. The event records the result, so replay never reads a clock.
 */
export function notAfter(receivedAt: string, step: Step): string {
  return Date.parse(receivedAt) > step.at ? step.iso : receivedAt;
}

function target({ engine, stock }: StockPorts, location: string, sku: string, status: string | undefined): LocationEntry {
  const entry = engine.location(location);
  if (!entry) throw new DomainError('not_found', `no location '${location}'`);
  if (!stock.catalog.has(sku)) throw new DomainError('not_found', `no product '${sku}': create it with PUT /products/${sku} first`);
  if (status !== undefined) checkStatus({ engine, stock }, status, 'status');
  return entry;
}

/** Moves units between statuses at one location, as one fact (`POST /inventory/:location/:sku/move`). */
export function moveStock(
  ports: StockPorts,
  location: string,
  sku: string,
  move: { from: string; to: string; qty: number; reason: string },
): Committed<StockUpdateResult> {
  const { engine } = ports;
  return engine.run((step) => {
    const entry = target(ports, location, sku, undefined);
    checkStatus(ports, move.from, 'from');
    checkStatus(ports, move.to, 'to');
    if (move.from === move.to) throw new DomainError('invalid_request', 'from and to are the same status', [{ path: 'to', message: `must differ from '${move.from}'` }]);
    const problem = checkMove(engine.position(location, sku) ?? emptyPosition(), move.from, move.qty);
    if (problem) throw new DomainError('conflict', `cannot move ${sku} at ${location}: ${problem}`, [{ path: 'qty', message: problem }]);
    const event: LocationEvent = { type: 'stock.moved', sku, from: move.from, to: move.to, qty: move.qty, reason: move.reason, at: step.iso };
    return result(engine, location, sku, engine.send(step, entry, event));
  });
}

function checkStatus({ stock }: StockPorts, status: string, path: string): void {
  if (stock.statuses.has(status)) return;
  throw new DomainError('invalid_request', `unknown stock status '${status}'`, [
    { path, message: `one of: ${stock.statuses.all().map((d) => d.name).join(', ')}; define more with PUT /statuses/:name` },
  ]);
}

function result(engine: Engine, location: string, sku: string, applied: boolean): StockUpdateResult {
  const p = engine.position(location, sku) ?? emptyPosition();
  return { location, sku, applied, position: structuredClone(p) };
}
