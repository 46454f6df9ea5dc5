import { MAX_ROW_CHARS, TOO_LONG, type RowSink, type RowSplitter } from './splitter.js';

const NEWLINE = 10;
const RETURN = 13;
const SPACE = 32;

/**
 * NDJSON: one row per line; a row's number is its line number, so an operator can find it in the file.
 * Blank lines are skipped (and still counted as lines); `\r\n` line ends are accepted. Rows are handed on
 * in place in the decoded piece; only a line split across two pieces is put together.
 */
export class NdjsonSplitter implements RowSplitter {
  /** The start of a line whose end has not arrived yet. */
  private carry = '';
  private line = 0;
  /** Inside a line longer than MAX_ROW_CHARS: its text is dropped and the row rejected when it ends. */
  private skipping = false;

  push(text: string, sink: RowSink): void {
    let start = 0;
    if (this.carry !== '' || this.skipping) {
      const nl = text.indexOf('\n');
      if (nl === -1) return this.keep(text, 0);
      this.line++;
      if (this.skipping || this.carry.length + nl > MAX_ROW_CHARS) {
        sink.bad(this.line, TOO_LONG);
      } else {
        const line = this.carry + text.slice(0, nl);
        this.emit(line, 0, line.length, sink);
      }
      this.carry = '';
      this.skipping = false;
      start = nl + 1;
    }
    for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      this.line++;
      this.emit(text, start, nl, sink);
      start = nl + 1;
    }
    this.keep(text, start);
  }

  end(sink: RowSink): void {
    if (this.skipping) sink.bad(++this.line, TOO_LONG);
    else if (this.carry !== '') this.emit(this.carry, 0, this.carry.length, sink, ++this.line);
    this.carry = '';
    this.skipping = false;
  }

  /** Keeps the start of an unfinished line, unless it is already too long to be a row. */
  private keep(text: string, start: number): void {
    if (this.skipping) return;
    if (this.carry.length + text.length - start > MAX_ROW_CHARS) {
      this.skipping = true;
      this.carry = '';
    } else if (start < text.length) {
      this.carry += text.slice(start);
    }
  }

  private emit(text: string, start: number, end: number, sink: RowSink, n = this.line): void {
    if (end > start && text.charCodeAt(end - 1) === RETURN) end--;
    if (end - start > MAX_ROW_CHARS) return sink.bad(n, TOO_LONG);
    let first = start;
    while (first < end && text.charCodeAt(first) <= SPACE && text.charCodeAt(first) !== NEWLINE) first++;
    if (first === end) return; // a blank line
    sink.row(n, text, start, end);
  }
}
