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
