/** A row that was not applied, with why and, when one field is at fault, which. Kinds add what names the row. */
export interface RowNote {
  row: number;
  reason: string;
  path?: string;
}

/** What every load reports, as its `200` answer and its job show it; each kind adds its own counts. */
export interface LoadReport {
  rowsRead: number;
  applied: number;
  rejected: number;
  rejectedRows: RowNote[];
}

/**
 * The counts of a load and the rejected rows behind them. Lists keep the `limit` lowest row numbers: chunks
 * are not applied in file order (stock by location, inbound by inbound), so "the first N" has to be kept,
 * not just the first N seen. Each kind extends it with what its rows can also be (ignored, short, ...).
 */
export class RowTally<N extends RowNote = RowNote> {
  rowsRead = 0;
  applied = 0;
  protected readonly rejectedRows: LowestRows<N>;

  constructor(protected readonly limit: number) {
    this.rejectedRows = new LowestRows(limit);
  }

  reject(note: N): void {
    this.rejectedRows.add(note);
  }

  report(): LoadReport {
    return { rowsRead: this.rowsRead, applied: this.applied, rejected: this.rejectedRows.count, rejectedRows: this.rejectedRows.items() };
  }
}

/** Counts every row added and keeps the `limit` with the lowest row numbers, in order. */
export class LowestRows<T extends { row: number }> {
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
