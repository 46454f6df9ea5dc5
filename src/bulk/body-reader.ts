import type { RowSink, RowSplitter } from './splitter.js';

/**
 * Turns the bytes of a body, piece by piece, into the texts of its rows: decodes UTF-8 across piece
 * boundaries, splits rows with the format's splitter, and hands each row's text to `rows`. A row holding
 * bytes that are not UTF-8 goes to `rows.bad` instead, and reading goes on.
 */
export class BodyReader implements RowSink {
  private readonly decoder = new TextDecoder('utf-8');
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
    private readonly splitter: RowSplitter,
    private readonly rows: RowSink,
  ) {}

  /** Reads one piece of the body. Throws a DomainError when the body's structure breaks (a JSON array's). */
  push(bytes: Uint8Array): void {
    this.split(this.decoder.decode(bytes, { stream: true }));
  }

  /** The body ended. Throws a DomainError when it ended inside its structure. */
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
    if ((this.replaced || text !== this.piece) && this.holdsReplacement(text, start, end)) return this.rows.bad(n, 'not valid UTF-8');
    this.rows.row(n, text, start, end);
  }

  /** @internal RowSink: a row that could not be read. */
  bad(n: number, reason: string): void {
    this.rows.bad(n, reason);
  }
}
