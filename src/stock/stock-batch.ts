import type { LocationEvent, StockLoadRow } from '../../actors/index.js';
import type { RowNote as BulkRowNote } from '../bulk/index.js';
import { checkDelta, emptyPosition, isStaleCount, type Position } from '../domain/position.js';
import type { Committed, Engine, LocationEntry, Step } from '../engine/index.js';
import type { StockPorts } from './stock.js';
import { notAfter } from './stock-updates.js';

/** A bulk-load row whose shape was checked: an absolute count (with an optional `asOf`) or a delta. */
export type StockBatchRow = {
  /** The row's 1-based number in the load, for reports. */
  row: number;
  location: string;
  sku: string;
  status?: string;
  reason?: string;
  /** On a count: when the counted units arrived; on a (positive) delta: the units are a receipt that arrived then. */
  receivedAt?: string;
} & ({ onHand: number; asOf?: string } | { delta: number });

/** A stock row that was not applied (rejected or ignored): the bulk note, with the row's location and SKU. */
export interface RowNote extends BulkRowNote {
  location?: string;
  sku?: string;
}

/** A count that fell below what is reserved: applied, the reservations stand and need attention. */
export interface ShortRow {
  row: number;
  location: string;
  sku: string;
  reservedExceedsOnHandBy: number;
}

/** What one chunk did. */
export interface StockBatchOutcome {
  applied: number;
  ignored: RowNote[];
  rejected: RowNote[];
  short: ShortRow[];
}

/** Rows of one location waiting to be sent as one event, and the row number of each SKU among them. */
interface PendingEvent {
  entry: LocationEntry;
  positions: ReadonlyMap<string, Position>;
  rows: StockLoadRow[];
  rowOf: Map<string, number>;
}

const NOTHING: Position = Object.freeze(emptyPosition());

/**
 * Applies a chunk of a bulk load as one step, with one `stock.loaded` event per location: an XState event
 * costs ~16 µs, so a chunk of 4,096 rows sent row by row would hold the thread ~65 ms. Each row is checked
 * as the single-row commands check it: an unknown location, product or status and a delta that would go
 * below 0 are rejected, a stale count and a zero delta are ignored, a count below what is reserved is
 * applied and reported. Only rows that apply go into the events, so the journal records what happened.
 */
export function applyStockBatch({ engine, stock }: StockPorts, rows: ReadonlyArray<StockBatchRow>, job?: string): Committed<StockBatchOutcome> {
  return engine.run((step) => {
    const out: StockBatchOutcome = { applied: 0, ignored: [], rejected: [], short: [] };
    const pending = new Map<string, PendingEvent>();
    for (const r of rows) {
      let ev = pending.get(r.location);
      if (!ev) {
        const entry = engine.location(r.location);
        if (!entry) {
          out.rejected.push(note(r, `unknown location '${r.location}'`, 'location'));
          continue;
        }
        ev = { entry, positions: entry.snapshot.context.positions, rows: [], rowOf: new Map() };
        pending.set(r.location, ev);
      }
      // The catalog's own copy of the SKU goes into the event: a new position keeps it as its key, and the
      // row's copy (one per row, from the body) can die young; with 1,000,000 new positions that is ~30 MB.
      const sku = stock.catalog.get(r.sku)?.sku;
      if (sku === undefined) {
        out.rejected.push(note(r, `unknown product '${r.sku}'`, 'sku'));
        continue;
      }
      const status = r.status ?? 'sellable';
      if (!stock.statuses.has(status)) {
        out.rejected.push(note(r, `unknown stock status '${status}'`, 'status'));
        continue;
      }
      // A SKU twice in one chunk: its second row must be checked against the position after the first.
      if (ev.rowOf.has(sku)) send(engine, step, ev, out, job);
      const p = ev.positions.get(sku) ?? NOTHING;
      if ('delta' in r) {
        if (r.delta === 0) {
          out.ignored.push(note(r, 'a delta of 0 changes nothing'));
          continue;
        }
        const problem = checkDelta(p, status, r.delta);
        if (problem) {
          out.rejected.push(note(r, problem, 'delta'));
          continue;
        }
      } else if (isStaleCount(p, status, r.asOf)) {
        out.ignored.push(note(r, `stale: a count as of ${p.asOf?.[status]} was already applied`, 'asOf'));
        continue;
      }
      ev.rows.push(loadRow(r, sku, step));
      ev.rowOf.set(sku, r.row);
    }
    for (const ev of pending.values()) send(engine, step, ev, out, job);
    return out;
  });
}

function send(engine: Engine, step: Step, ev: PendingEvent, out: StockBatchOutcome, job: string | undefined): void {
  if (ev.rows.length === 0) return;
  const signalsBefore = step.signals.length;
  const event: LocationEvent = { type: 'stock.loaded', rows: ev.rows, at: step.iso };
  if (job !== undefined) event.job = job;
  // Every row was checked above, so a refusal means the checks and the actor disagree: the step then fails.
  if (!engine.send(step, ev.entry, event)) throw new Error(`location ${ev.entry.id} refused a bulk-load chunk whose rows were checked`);
  out.applied += ev.rows.length;
  for (let i = signalsBefore; i < step.signals.length; i++) {
    const s = step.signals[i]!;
    out.short.push({ row: ev.rowOf.get(s.sku)!, location: s.location, sku: s.sku, reservedExceedsOnHandBy: s.shortBy });
  }
  ev.rows = [];
  ev.rowOf = new Map();
}

/** The row as the fact records it: the location is the event's actor, sellable is the default status. */
function loadRow(r: StockBatchRow, sku: string, step: Step): StockLoadRow {
  const status = r.status === 'sellable' ? undefined : r.status;
  if ('delta' in r) {
    const row: StockLoadRow = { sku, delta: r.delta };
    if (status !== undefined) row.status = status;
    if (r.reason !== undefined) row.reason = r.reason;
    if (r.receivedAt !== undefined) row.receivedAt = notAfter(r.receivedAt, step);
    return row;
  }
  const row: StockLoadRow = { sku, onHand: r.onHand };
  if (status !== undefined) row.status = status;
  if (r.asOf !== undefined) row.asOf = r.asOf;
  if (r.reason !== undefined) row.reason = r.reason;
  if (r.receivedAt !== undefined) row.receivedAt = notAfter(r.receivedAt, step);
  return row;
}

function note(r: StockBatchRow, reason: string, path?: string): RowNote {
  const n: RowNote = { row: r.row, reason, location: r.location, sku: r.sku };
  if (path !== undefined) n.path = path;
  return n;
}
