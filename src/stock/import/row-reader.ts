import { jsonRow, type RowSink } from '../../bulk/index.js';
import type { RowNote, StockBatchRow } from '../stock-batch.js';
import { FlatRowReader } from './flat-row.js';
import { clearFields, emptyFields, fieldsFromObject, shapeRow } from './row-shape.js';
import type { BatchTally } from './tally.js';

/**
 * Reads the text of each stock row (JSON, from an NDJSON line or a JSON array's element) into a checked row:
 * the common flat row in place (`FlatRowReader`), anything else through `JSON.parse`, then its shape. Rows
 * that pass go to `onRow`; the others are counted as rejected in the tally with their number and reason.
 */
export class RowReader implements RowSink {
  private readonly flat = new FlatRowReader();
  private readonly fields = emptyFields();

  constructor(
    private readonly tally: BatchTally,
    private readonly onRow: (row: StockBatchRow) => void,
  ) {}

  /** A row's text, `text[start, end)`. */
  row(n: number, text: string, start: number, end: number): void {
    this.tally.rowsRead++;
    const f = this.fields;
    clearFields(f);
    if (!this.flat.read(text, start, end, f)) {
      clearFields(f);
      const value = jsonRow(text, start, end);
      if (typeof value === 'string') return this.tally.reject({ row: n, reason: value });
      fieldsFromObject(value, f);
    }
    const shaped = shapeRow(f, n);
    if (isRow(shaped)) this.onRow(shaped);
    else this.tally.reject(shaped);
  }

  /** A row that could not be read. */
  bad(n: number, reason: string): void {
    this.tally.rowsRead++;
    this.tally.reject({ row: n, reason });
  }
}

function isRow(r: StockBatchRow | RowNote): r is StockBatchRow {
  return 'onHand' in r || 'delta' in r;
}
