import { Carry, emitRow, type RowSink, type RowSplitter } from './splitter.js';

/**
 * NDJSON: one row per line; a row's number is its line number, so an operator can find it in the file.
 * Blank lines are skipped (and still counted as lines); `\r\n` line ends are accepted. Rows are handed on
 * in place in the decoded piece; only a line split across two pieces is put together.
 */
export class NdjsonSplitter implements RowSplitter {
  private readonly carry = new Carry();
  private line = 0;

  push(text: string, sink: RowSink): void {
    let start = 0;
    if (this.carry.open) {
      const nl = text.indexOf('\n');
      if (nl === -1) return this.carry.keep(text, 0);
      this.line++;
      this.carry.emit(this.line, text, nl, sink);
      start = nl + 1;
    }
    for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      this.line++;
      emitRow(this.line, text, start, nl, sink);
      start = nl + 1;
    }
    this.carry.keep(text, start);
  }

  end(sink: RowSink): void {
    if (!this.carry.open) return;
    this.line++;
    this.carry.emit(this.line, '', 0, sink);
  }
}
