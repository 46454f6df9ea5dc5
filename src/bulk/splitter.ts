/**
 * Splitting a request body into rows as it streams in. A splitter sees decoded text piece by piece, in
 * whatever pieces the socket delivered, and hands each complete row to a sink: rows are never buffered
 * beyond the one being read, so a 1,000,000-row body takes the memory of one row plus one socket read.
 */

/**
 * Where a splitter sends rows: each row's 1-based number and its text, `text[start, end)` (left in the piece
 * it arrived in: slicing every row out cost more than reading it), or why the row cannot be read.
 */
export interface RowSink {
  row(n: number, text: string, start: number, end: number): void;
  bad(n: number, reason: string): void;
}

/** Splits a body into rows; `end` throws a DomainError when the body stops inside its structure. */
export interface RowSplitter {
  push(text: string, sink: RowSink): void;
  end(sink: RowSink): void;
}

/** The longest row read (in UTF-16 units); a longer one is rejected without being kept in memory. */
export const MAX_ROW_CHARS = 64 * 1024;

export const TOO_LONG = `longer than ${MAX_ROW_CHARS} characters`;

/**
 * The start of a row whose end is in a later piece. A row already longer than MAX_ROW_CHARS is not kept:
 * only that it is too long is remembered, and the row is rejected when it ends.
 */
export class Carry {
  private text = '';
  private tooLong = false;

  /** Whether a row began in an earlier piece and has not ended yet. */
  get open(): boolean {
    return this.text !== '' || this.tooLong;
  }

  /** Keeps `text` from `start` on: the start of a row that ends in a later piece. */
  keep(text: string, start: number): void {
    if (this.tooLong) return;
    if (this.text.length + text.length - start > MAX_ROW_CHARS) {
      this.tooLong = true;
      this.text = '';
    } else if (start < text.length) {
      this.text += text.slice(start);
    }
  }

  /** Hands on row `n`, which began earlier and ends at `text[0, end)` (rejected when too long). Empties the carry. */
  emit(n: number, text: string, end: number, sink: RowSink): void {
    if (this.tooLong || this.text.length + end > MAX_ROW_CHARS) sink.bad(n, TOO_LONG);
    else {
      const row = this.text + text.slice(0, end);
      emitRow(n, row, 0, row.length, sink);
    }
    this.text = '';
    this.tooLong = false;
  }
}

const RETURN = 13;
const SPACE = 32;

/** Hands on row `n`, `text[start, end)` without its line end: rejected when too long, skipped when blank. */
export function emitRow(n: number, text: string, start: number, end: number, sink: RowSink): void {
  if (end > start && text.charCodeAt(end - 1) === RETURN) end--;
  if (end - start > MAX_ROW_CHARS) return sink.bad(n, TOO_LONG);
  let k = start;
  while (k < end && text.charCodeAt(k) <= SPACE) k++;
  if (k === end) return; // a blank line
  sink.row(n, text, start, end);
}
