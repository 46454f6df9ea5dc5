import type { StockBatchRow } from '../stock-batch.js';

/** The most rows held before chunks are cut whatever their events' size: bounds the window's memory. */
const WINDOW_ROWS = 65_536;
/** Rows per event a chunk should average before it is cut. */
const MIN_EVENT_ROWS = 64;

/**
 * Rows waiting to be applied, grouped by location. A chunk is applied as one event per location, and an
 * XState event costs ~16 µs: a file sorted by SKU rather than by location would put ~4 rows into each event
 * of a 4,096-row chunk over 1,000 locations (~4 µs a row on events alone). The window collects rows until a
 * chunk can be cut whose events average MIN_EVENT_ROWS rows, or until it holds WINDOW_ROWS. A file sorted
 * by location is cut as soon as a chunk's worth has arrived, so its rows die young (rows held across
 * several scavenges are promoted and pile up as old-space garbage, which showed as peak RSS).
 * Rows of one location keep their order; rows of different locations touch different positions, so
 * their order does not matter.
 */
export class LocationWindow {
  private readonly groups = new Map<string, StockBatchRow[]>();
  size = 0;

  add(row: StockBatchRow): void {
    let group = this.groups.get(row.location);
    if (!group) this.groups.set(row.location, (group = []));
    group.push(row);
    this.size++;
  }

  /** Whether a chunk of `chunkRows` should be cut now. */
  ready(chunkRows: number): boolean {
    return this.size >= WINDOW_ROWS || (this.size >= chunkRows && this.groups.size * MIN_EVENT_ROWS <= this.size);
  }

  /** Takes up to `max` rows, whole locations first, oldest locations first. */
  take(max: number): StockBatchRow[] {
    const out: StockBatchRow[] = [];
    for (const [location, group] of this.groups) {
      const room = max - out.length;
      if (group.length <= room) {
        for (const row of group) out.push(row);
        this.groups.delete(location);
      } else {
        for (const row of group.splice(0, room)) out.push(row);
      }
      if (out.length >= max) break;
    }
    this.size -= out.length;
    return out;
  }
}
