import type { RowNote, ShortRow, StockBatchOutcome } from '../stock-batch.js';

/** What a load did, as `POST /inventory/batch` answers it and a job reports it. */
export interface BatchReport {
  rowsRead: number;
  applied: number;
  ignored: number;
  rejected: number;
  /** Applied counts that fell below what is reserved (the reservations stand). */
  reservedExceedsOnHand: number;
  rejectedRows: RowNote[];
  ignoredRows: RowNote[];
  shortRows: ShortRow[];
}

/**
 * The counts of a load and the rows behind them. Lists keep the `limit` lowest row numbers: chunks are
 * applied by location, not in file order, so "the first N" has to be kept, not just the first N seen.
 */
export class BatchTally {
  rowsRead = 0;
  applied = 0;
  private readonly rejectedRows: LowestRows<RowNote>;
  private readonly ignoredRows: LowestRows<RowNote>;
  private readonly shortRows: LowestRows<ShortRow>;

  constructor(limit: number) {
    this.rejectedRows = new LowestRows(limit);
    this.ignoredRows = new LowestRows(limit);
    this.shortRows = new LowestRows(limit);
  }

  reject(note: RowNote): void {
    this.rejectedRows.add(note);
  }

  /** Adds what one applied chunk did. */
  add(outcome: StockBatchOutcome): void {
    this.applied += outcome.applied;
    for (const n of outcome.rejected) this.rejectedRows.add(n);
    for (const n of outcome.ignored) this.ignoredRows.add(n);
    for (const s of outcome.short) this.shortRows.add(s);
  }

  report(): BatchReport {
    return {
      rowsRead: this.rowsRead,
      applied: this.applied,
      ignored: this.ignoredRows.count,
      rejected: this.rejectedRows.count,
      reservedExceedsOnHand: this.shortRows.count,
      rejectedRows: this.rejectedRows.items(),
      ignoredRows: this.ignoredRows.items(),
      shortRows: this.shortRows.items(),
    };
  }
}

/** Counts every row added and keeps the `limit` with the lowest row numbers, in order. */
class LowestRows<T extends { row: number }> {
  count = 0;
  private readonly kept: T[] = [];

  constructor(private readonly limit: number) {}

  add(item: T): void {
    this.count++;
    const kept = this.kept;
    if (kept.length >= this.limit && item.row > kept[kept.length - 1]!.row) return;
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (kept[mid]!.row < item.row) lo = mid + 1;
      else hi = mid;
    }
    kept.splice(lo, 0, item);
    if (kept.length > this.limit) kept.pop();
  }

  items(): T[] {
    return this.kept.slice();
  }
}
