import { DomainError } from '../../domain/errors.js';
import type { InboundKind } from '../../domain/supply.js';
import type { InboundRow, InboundRowNote } from './inbound-row.js';
import type { InboundTally } from './inbound-tally.js';

/** The most lines one inbound has, as `PUT /inbound/:id` allows. */
export const MAX_INBOUND_LINES = 1_000;
/**
 * Lines a load holds until its body ends (an inbound's lines are complete only then): ~95 bytes of heap a
 * line held (9 MiB for 100,000), so ~45 MiB at the bound, which keeps one load from holding gigabytes of a
 * body that could be split.
 */
export const MAX_HELD_LINES = 500_000;

/** One line as held: what the inbound's line needs, and the row it came from. */
export interface HeldLine {
  row: number;
  sku: string;
  qty: number;
}

/** An inbound's rows, gathered: its own fields from its first row, and a line per row. */
export interface InboundGroup {
  id: string;
  location: string;
  expectedAt: string;
  kind: InboundKind;
  reference?: string;
  /** The row the fields were taken from. */
  firstRow: number;
  lines: HeldLine[];
}

/**
 * The rows of a load, gathered by inbound until the body ends: the rows of one inbound give its full set of
 * lines, as one `PUT /inbound/:id` would, and may stand anywhere in the file. The rows of one inbound must
 * agree on its location, date, kind and reference; one that does not, or any row of the inbound rejected,
 * rejects the whole inbound (each of its rows says why), so that no inbound is loaded with part of its lines.
 */
export class InboundGroups {
  private readonly groups = new Map<string, InboundGroup>();
  /** Inbound not loaded, and the row that rejected each: their later rows are rejected as they come. */
  private readonly rejected = new Map<string, number>();
  /** Lines held in the groups not taken yet. */
  lines = 0;

  constructor(private readonly tally: InboundTally) {}

  /** Adds a row whose shape was checked. Throws a DomainError when the load holds too many lines. */
  add(r: InboundRow): void {
    const rejectedBy = this.rejected.get(r.inbound);
    if (rejectedBy !== undefined) return this.tally.reject(notLoaded(r.inbound, rejectedBy, r.row, r.sku));
    const g = this.groups.get(r.inbound);
    if (!g) {
      const { inbound: id, location, expectedAt, kind, reference, row } = r;
      this.groups.set(id, { id, location, expectedAt, kind, ...(reference !== undefined ? { reference } : {}), firstRow: row, lines: [{ row, sku: r.sku, qty: r.qty }] });
      return this.held();
    }
    const disagreement = disagreementOf(g, r);
    if (disagreement) return this.reject(g, { row: r.row, inbound: g.id, sku: r.sku, ...disagreement });
    if (g.lines.length >= MAX_INBOUND_LINES) {
      return this.reject(g, { row: r.row, inbound: g.id, sku: r.sku, path: 'inbound', reason: `inbound ${g.id} has more than ${MAX_INBOUND_LINES} lines, the most one inbound holds` });
    }
    g.reference ??= r.reference;
    g.lines.push({ row: r.row, sku: r.sku, qty: r.qty });
    this.held();
  }

  /** A row rejected when it was read: the inbound it names, if any, is not loaded either. */
  refuse(note: InboundRowNote): void {
    const id = note.inbound;
    const g = id === undefined ? undefined : this.groups.get(id);
    if (g) return this.reject(g, note);
    if (id !== undefined && !this.rejected.has(id)) {
      this.rejected.set(id, note.row);
      this.tally.inbound.rejected++;
    }
    this.tally.reject(note);
  }

  /** Takes whole inbound, in the order their first rows came: at least one, at most `maxInbound` or `maxLines` lines. */
  take(maxLines: number, maxInbound: number): InboundGroup[] {
    const out: InboundGroup[] = [];
    let lines = 0;
    for (const g of this.groups.values()) {
      if (out.length > 0 && (lines + g.lines.length > maxLines || out.length >= maxInbound)) break;
      out.push(g);
      lines += g.lines.length;
    }
    for (const g of out) this.groups.delete(g.id);
    this.lines -= lines;
    return out;
  }

  /** Drops every inbound gathered (the body broke off: their lines may be incomplete). */
  clear(): void {
    this.groups.clear();
    this.lines = 0;
  }

  /** Rejects an inbound because of `note`'s row: that row says why, the inbound's other rows that it is not loaded. */
  private reject(g: InboundGroup, note: InboundRowNote): void {
    this.groups.delete(g.id);
    this.rejected.set(g.id, note.row);
    this.lines -= g.lines.length;
    this.tally.inbound.rejected++;
    this.tally.reject(note);
    for (const l of g.lines) this.tally.reject(notLoaded(g.id, note.row, l.row, l.sku));
  }

  private held(): void {
    if (++this.lines > MAX_HELD_LINES) {
      throw new DomainError('payload_too_large', `an inbound load holds at most ${MAX_HELD_LINES} lines until its end; split the file by inbound`);
    }
  }
}

/** Where a row's inbound fields differ from those of the inbound's first row, if they do. */
function disagreementOf(g: InboundGroup, r: InboundRow): { path: string; reason: string } | undefined {
  const differs = (field: string, theirs: string, ours: string, where = `on row ${g.firstRow}`) => ({
    path: field,
    reason: `${field} '${theirs}' differs from '${ours}' ${where}: the rows of inbound ${g.id} must agree on location, expectedAt, kind and reference`,
  });
  if (r.location !== g.location) return differs('location', r.location, g.location);
  if (Date.parse(r.expectedAt) !== Date.parse(g.expectedAt)) return differs('expectedAt', r.expectedAt, g.expectedAt);
  if (r.kind !== g.kind) return differs('kind', r.kind, g.kind);
  if (r.reference !== undefined && g.reference !== undefined && r.reference !== g.reference) return differs('reference', r.reference, g.reference, 'on an earlier row');
  return undefined;
}

/** The note of a row that is fine, but whose inbound is not loaded because row `rejectedBy` was rejected. */
export function notLoaded(inbound: string, rejectedBy: number, row: number, sku: string): InboundRowNote {
  return { row, inbound, sku, reason: `inbound ${inbound} is not loaded: its row ${rejectedBy} was rejected` };
}
