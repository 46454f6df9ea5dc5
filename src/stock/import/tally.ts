import { LowestRows, RowTally, type LoadReport } from '../../bulk/index.js';
import type { RowNote, ShortRow, StockBatchOutcome } from '../stock-batch.js';

/** What a stock load did, as `POST /inventory/batch` answers it and its job reports it. */
export interface BatchReport extends LoadReport {
  ignored: number;
  /** Applied counts that fell below what is reserved (the reservations stand). */
  reservedExceedsOnHand: number;
  rejectedRows: RowNote[];
  ignoredRows: RowNote[];
  shortRows: ShortRow[];
}

/** The counts of a stock load: besides rejected rows, ignored ones (stale counts, zero deltas) and short ones. */
export class BatchTally extends RowTally<RowNote> {
  private readonly ignoredRows: LowestRows<RowNote>;
  private readonly shortRows: LowestRows<ShortRow>;

  constructor(limit: number) {
    super(limit);
    this.ignoredRows = new LowestRows(limit);
    this.shortRows = new LowestRows(limit);
  }

  /** Adds what one applied chunk did. */
  add(outcome: StockBatchOutcome): void {
    this.applied += outcome.applied;
    for (const n of outcome.rejected) this.rejectedRows.add(n);
    for (const n of outcome.ignored) this.ignoredRows.add(n);
    for (const s of outcome.short) this.shortRows.add(s);
  }

  override report(): BatchReport {
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
