import { Carry, emitRow, type RowSink, type RowSplitter } from './splitter.js';

/** The characters the scanner acts on, as UTF-16 codes. */
const enum Char { Newline = 10, Space = 32, Quote = 34, Comma = 44, ByteOrderMark = 0xfeff }

/** Where the scanner is in a record: only a quote at a field's start opens a quoted field. */
const enum At {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote inside a quoted field: it closes the field, or a second one follows and it was a quote. */
  QuoteInQuoted,
}

/**
 * CSV (RFC 4180), one record per row: a record ends at a line end outside quotes, so a quoted field may hold
 * commas, doubled quotes and line breaks. A record's number is the line it starts on (the header is line 1),
 * so an operator can find it in the file. Blank lines are skipped; `\r\n` line ends and a leading byte-order
 * mark (as spreadsheets write them) are accepted. Records are handed on in place in the decoded piece; only
 * one split across two pieces is put together. Splitting its fields is the reader's part (`csvFields`).
 */
export class CsvSplitter implements RowSplitter {
  private readonly carry = new Carry();
  /** Line ends seen so far. */
  private lines = 0;
  /** The line the record being read starts on. */
  private first = 1;
  private at = At.FieldStart;
  private started = false;

  push(text: string, sink: RowSink): void {
    let start = 0;
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === Char.ByteOrderMark) start = 1;
    }
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === Char.Newline) this.lines++;
      if (this.at === At.Quoted) {
        if (c === Char.Quote) this.at = At.QuoteInQuoted;
        continue;
      }
      if (c === Char.Newline) {
        // A record carried over from an earlier piece ends at this piece's first line end (start is 0 then).
        if (this.carry.open) this.carry.emit(this.first, text, i, sink);
        else emitRow(this.first, text, start, i, sink);
        start = i + 1;
        this.first = this.lines + 1;
        this.at = At.FieldStart;
      } else if (c === Char.Comma) this.at = At.FieldStart;
      else if (c === Char.Quote) this.at = this.at === At.Unquoted ? At.Unquoted : At.Quoted;
      // Blanks before a field's first character leave it at its start: ` "a, b"` is one quoted field.
      else if (this.at !== At.FieldStart || c > Char.Space) this.at = At.Unquoted;
    }
    this.carry.keep(text, start);
  }

  end(sink: RowSink): void {
    if (this.at === At.Quoted) sink.bad(this.first, 'a quoted field is not closed before the end of the body');
    else if (this.carry.open) this.carry.emit(this.first, '', 0, sink);
    this.at = At.FieldStart;
  }
}
