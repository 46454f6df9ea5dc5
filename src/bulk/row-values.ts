import { DomainError } from '../domain/errors.js';
import type { BatchFormat } from './formats.js';
import type { RowSink } from './splitter.js';

/** A row's values by field name, as read from its JSON object or its CSV fields, before they are checked. */
export type RowValues = Record<string, unknown>;

/** Where rows go once read into values: each row's number and values, or why the row has none. */
export interface ValuesSink {
  values(n: number, values: RowValues): void;
  bad(n: number, reason: string): void;
}

/** The fields a kind's rows have: a CSV header must name only these, and all of `required`. */
export interface RowColumns {
  all: readonly string[];
  required: readonly string[];
}

/** A row's JSON text as an object, or why it is not one. */
export function jsonRow(text: string, start: number, end: number): RowValues | string {
  let value: unknown;
  try {
    value = JSON.parse(text.slice(start, end));
  } catch (e) {
    return `not valid JSON: ${(e as Error).message}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'a row must be a JSON object';
  return value as RowValues;
}

/**
 * Reads the rows of a body of `format` into values for `sink`. CSV values are the text as written: a
 * number arrives as its digits, and an empty field is left out (as an absent key is in JSON).
 */
export function valuesReader(format: BatchFormat, columns: RowColumns, sink: ValuesSink): RowSink {
  if (format === 'csv') return new CsvRows(columns, sink);
  return {
    row(n, text, start, end) {
      const values = jsonRow(text, start, end);
      if (typeof values === 'string') sink.bad(n, values);
      else sink.values(n, values);
    },
    bad: (n, reason) => sink.bad(n, reason),
  };
}

/** CSV records into values by the header's names; the first record is the header. */
class CsvRows implements RowSink {
  private header: string[] | undefined;

  constructor(
    private readonly columns: RowColumns,
    private readonly sink: ValuesSink,
  ) {}

  row(n: number, text: string, start: number, end: number): void {
    const fields = csvFields(text, start, end);
    if (!this.header) {
      this.header = this.checkHeader(n, fields);
      return;
    }
    if (typeof fields === 'string') return this.sink.bad(n, fields);
    if (fields.length !== this.header.length) return this.sink.bad(n, `${fields.length} field${fields.length === 1 ? '' : 's'} where the header names ${this.header.length}`);
    const values: RowValues = {};
    for (let i = 0; i < fields.length; i++) if (fields[i] !== '') values[this.header[i]!] = fields[i];
    this.sink.values(n, values);
  }

  bad(n: number, reason: string): void {
    if (!this.header) throw this.headerError(n, reason);
    this.sink.bad(n, reason);
  }

  /** The header's names; one that is unknown, repeated or missing makes every row unreadable, so the load stops. */
  private checkHeader(n: number, fields: string[] | string): string[] {
    if (typeof fields === 'string') throw this.headerError(n, fields);
    const unknown = fields.filter((f) => !this.columns.all.includes(f));
    if (unknown.length > 0) throw this.headerError(n, `unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((f) => `'${f}'`).join(', ')}`);
    const repeated = fields.find((f, i) => fields.indexOf(f) !== i);
    if (repeated !== undefined) throw this.headerError(n, `column '${repeated}' is named twice`);
    const missing = this.columns.required.filter((c) => !fields.includes(c));
    if (missing.length > 0) throw this.headerError(n, `no column ${missing.map((c) => `'${c}'`).join(', ')}`);
    return fields;
  }

  private headerError(n: number, problem: string): DomainError {
    return new DomainError('invalid_request', `the CSV header (line ${n}) must name the columns of a row, ${this.columns.all.join(', ')}: ${problem}`, [
      { path: 'header', message: problem },
    ]);
  }
}

const QUOTE = 34;
const COMMA = 44;

/**
 * The fields of one CSV record, `text[start, end)`, or why it cannot be read. A quoted field keeps its text
 * exactly (doubled quotes made single); an unquoted one is trimmed of white space, as are the blanks
 * around a quoted one. A quote inside an unquoted field, or text after a closing quote, makes the record bad.
 */
export function csvFields(text: string, start: number, end: number): string[] | string {
  const fields: string[] = [];
  let i = start;
  for (;;) {
    while (i < end && isBlank(text.charCodeAt(i))) i++;
    if (i < end && text.charCodeAt(i) === QUOTE) {
      let value = '';
      let from = i + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q === -1 || q >= end) return 'a quoted field is not closed';
        value += text.slice(from, q);
        if (q + 1 < end && text.charCodeAt(q + 1) === QUOTE) {
          value += '"';
          from = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      while (i < end && isBlank(text.charCodeAt(i))) i++;
      if (i < end && text.charCodeAt(i) !== COMMA) return `text after the closing quote of field ${fields.length + 1}`;
      fields.push(value);
    } else {
      let comma = text.indexOf(',', i);
      if (comma === -1 || comma > end) comma = end;
      const value = text.slice(i, comma).trim();
      if (value.includes('"')) return `a quote inside unquoted field ${fields.length + 1}: quote the whole field and double the quote`;
      fields.push(value);
      i = comma;
    }
    if (i >= end) return fields;
    i++; // the comma
  }
}

/** Spaces, tabs and other control characters, as the splitter skips them before a field. */
function isBlank(c: number): boolean {
  return c <= 32;
}
