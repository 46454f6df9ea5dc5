import { CsvSplitter } from './csv-splitter.js';
import { JsonArraySplitter } from './json-array-splitter.js';
import { NdjsonSplitter } from './ndjson-splitter.js';
import type { RowSplitter } from './splitter.js';

/** The body formats bulk loads read; each kind of load says which of them it takes. */
export type BatchFormat = 'ndjson' | 'json' | 'csv';

/** The splitter that cuts a body of `format` into rows. */
export function splitterFor(format: BatchFormat): RowSplitter {
  switch (format) {
    case 'ndjson':
      return new NdjsonSplitter();
    case 'json':
      return new JsonArraySplitter();
    case 'csv':
      return new CsvSplitter();
  }
}
