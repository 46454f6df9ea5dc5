import type { RowNote, StockBatchRow } from '../stock-batch.js';
import { JsonArraySplitter } from './json-array-splitter.js';
import { NdjsonSplitter } from './ndjson-splitter.js';
import { FlatRowReader } from './flat-row.js';
import { clearFields, emptyFields, fieldsFromObject, shapeRow } from './row-shape.js';
import type { RowSink, RowSplitter } from './splitter.js';
import type { BatchTally } from './tally.js';

/** The body formats `POST /inventory/batch` reads. */
export type BatchFormat = 'ndjson' | 'json';

/**
 * Turns the bytes of a body, piece by piece, into checked rows: decodes UTF-8 across piece boundaries,
 * splits rows, parses each row's JSON and checks its shape. Rows that pass go to `onRow`; the others are
 * counted as rejected in the tally with their number and reason, and reading goes on.
 */
export class RowReader implements RowSink {
  private readonly decoder = new TextDecoder('utf-8');
  private readonly splitter: RowSplitter;
  private readonly flat = new FlatRowReader();
  private readonly fields = emptyFields();
  /** The text of the piece being split. */
  private piece = '';
  /**
   * Whether that piece decoded with a replacement character, i.e. held bytes that are not UTF-8. A row holding
   * a real U+FFFD is rejected with them: after decoding the two look alike (ids cannot hold it).
   */
  private replaced = false;
  /** Where the next U+FFFD at or after the last row checked sits in `scanned` (-1: none). */
  private scanned: string | undefined;
  private nextReplacement = -1;

  constructor(
    format: BatchFormat,
    private readonly tally: BatchTally,
    private readonly onRow: (row: StockBatchRow) => void,
  ) {
    this.splitter = format === 'ndjson' ? new NdjsonSplitter() : new JsonArraySplitter();
  }

  /** Reads one piece of the body. Throws a DomainError when a JSON array's structure breaks. */
  push(bytes: Uint8Array): void {
    this.split(this.decoder.decode(bytes, { stream: true }));
  }

  /** The body ended. Throws a DomainError when it ended inside a JSON array. */
  end(): void {
    const rest = this.decoder.decode();
    if (rest !== '') this.split(rest);
    this.splitter.end(this);
  }

  private split(text: string): void {
    this.piece = text;
    this.scanned = undefined;
    // Searching the whole piece once is ~0.1 ns a byte; only rows of a piece with a U+FFFD, or rows put
    // together from two pieces, need a look of their own.
    this.replaced = text.includes('\uFFFD');
    this.splitter.push(text, this);
  }

  /** Whether `text[start, end)` holds a U+FFFD; rows come in order, so each string is searched once. */
  private holdsReplacement(text: string, start: number, end: number): boolean {
    if (text !== this.scanned || (this.nextReplacement !== -1 && this.nextReplacement < start)) {
      this.scanned = text;
      this.nextReplacement = text.indexOf('\uFFFD', start);
    }
    return this.nextReplacement !== -1 && this.nextReplacement < end;
  }

  /** @internal RowSink: a row's text, `text[start, end)`. */
  row(n: number, text: string, start: number, end: number): void {
    this.tally.rowsRead++;
    if ((this.replaced || text !== this.piece) && this.holdsReplacement(text, start, end)) {
      return this.tally.reject({ row: n, reason: 'not valid UTF-8' });
    }
    const f = this.fields;
    clearFields(f);
    if (!this.flat.read(text, start, end, f)) {
      clearFields(f);
      let value: unknown;
      try {
        value = JSON.parse(text.slice(start, end));
      } catch (e) {
        return this.tally.reject({ row: n, reason: `not valid JSON: ${(e as Error).message}` });
      }
      if (!fieldsFromObject(value, f)) return this.tally.reject({ row: n, reason: 'a row must be a JSON object' });
    }
    const shaped = shapeRow(f, n);
    if (isRow(shaped)) this.onRow(shaped);
    else this.tally.reject(shaped);
  }

  /** @internal RowSink: a row that could not be read. */
  bad(n: number, reason: string): void {
    this.tally.rowsRead++;
    this.tally.reject({ row: n, reason });
  }
}

function isRow(r: StockBatchRow | RowNote): r is StockBatchRow {
  return 'onHand' in r || 'delta' in r;
}
