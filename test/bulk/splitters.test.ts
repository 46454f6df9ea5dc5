import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DomainError } from '../../src/domain/errors.js';
import { CsvSplitter } from '../../src/bulk/csv-splitter.js';
import { JsonArraySplitter } from '../../src/bulk/json-array-splitter.js';
import { NdjsonSplitter } from '../../src/bulk/ndjson-splitter.js';
import { MAX_ROW_CHARS, type RowSplitter } from '../../src/bulk/splitter.js';

type Out = Array<[number, string]>;

/** Splits `body` fed in pieces cut at `cuts`; returns the rows (bad ones as `!reason`). */
function split(splitter: RowSplitter, body: string, cuts: number[] = []): Out {
  const out: Out = [];
  const sink = {
    row: (n: number, text: string, start: number, end: number) => out.push([n, text.slice(start, end)]),
    bad: (n: number, reason: string) => out.push([n, `!${reason}`]),
  };
  let from = 0;
  for (const cut of [...cuts, body.length]) {
    splitter.push(body.slice(from, cut), sink);
    from = cut;
  }
  splitter.end(sink);
  return out;
}

/** Every way of cutting `body` into two pieces gives the same rows as one piece. */
function sameAtEveryCut(make: () => RowSplitter, body: string): Out {
  const whole = split(make(), body);
  for (let cut = 0; cut <= body.length; cut++) assert.equal(split(make(), body, [cut]), whole, `cut at ${cut}`);
  return whole;
}

test('NDJSON: a row per line, numbered by line; blank lines skipped; CRLF and a last line without a newline', () => {
  const rows = sameAtEveryCut(() => new NdjsonSplitter(), '{"a":1}\r\n\n  \n{"b":2}\n{"c":3}');
  assert.equal(rows, [[1, '{"a":1}'], [4, '{"b":2}'], [5, '{"c":3}']]);
});

test('NDJSON: a line longer than the limit is rejected alone, without being kept', () => {
  const long = `{"x":"${'y'.repeat(MAX_ROW_CHARS)}"}`;
  const body = `{"a":1}\n${long}\n{"b":2}\n`;
  const rows = split(new NdjsonSplitter(), body, [10, 5000, 40_000, 70_000]);
  assert.equal(rows, [[1, '{"a":1}'], [2, `!longer than ${MAX_ROW_CHARS} characters`], [3, '{"b":2}']]);
});

test('JSON array: one row per element, whatever the nesting, strings with brackets and escapes, or white space', () => {
  const body = ' [ {"a":"],}\\"{"}, {"b":[1,{"c":2}]} ,\n{"d":"\\\\"} , 42 ] ';
  const rows = sameAtEveryCut(() => new JsonArraySplitter(), body);
  assert.equal(rows.map(([n, t]) => [n, t.trim()]), [[1, '{"a":"],}\\"{"}'], [2, '{"b":[1,{"c":2}]}'], [3, '{"d":"\\\\"}'], [4, '42']]);
});

test('JSON array: an element broken inside still ends at the next top-level comma', () => {
  const rows = split(new JsonArraySplitter(), '[{"a":1}, {"sku": }, {"b":2}]');
  assert.equal(rows.map(([n, t]) => [n, t.trim()]), [[1, '{"a":1}'], [2, '{"sku": }'], [3, '{"b":2}']]);
});

test('JSON array: an empty array has no rows', () => {
  assert.equal(split(new JsonArraySplitter(), ' [ ] '), []);
});

for (const [name, body, message] of [
  ['no opening bracket', '{"a":1}', /must start with \[/],
  ['an empty body', '   ', /the body is empty/],
  ['an element that never closes', '[{"a":1}, {"b":[2}', /not closed: the body ends inside or after row 2/],
  ['a trailing comma', '[{"a":1},]', /a row must follow the , after row 1/],
  ['text after the array', '[{"a":1}] x', /text after the closing \]/],
] as const) {
  test(`JSON array: ${name} is a structural error`, () => {
    try {
      split(new JsonArraySplitter(), body);
      assert.unreachable();
    } catch (e) {
      assert.instance(e, DomainError);
      assert.match((e as Error).message, message);
    }
  });
}

test('CSV: a record per line, numbered by the line it starts on; blank lines skipped; CRLF and a last line without a newline', () => {
  const rows = sameAtEveryCut(() => new CsvSplitter(), 'a,b\r\n\n1,2\r\n  \n3,4');
  assert.equal(rows, [[1, 'a,b'], [3, '1,2'], [5, '3,4']]);
});

test('CSV: a quoted field holds commas, doubled quotes and line breaks; the next record is numbered by its own line', () => {
  const rows = sameAtEveryCut(() => new CsvSplitter(), 'a,b\n"x, ""y""","line 1\nline 2\r\nline 3"\n5,6\n');
  assert.equal(rows, [[1, 'a,b'], [2, '"x, ""y""","line 1\nline 2\r\nline 3"'], [5, '5,6']]);
});

test('CSV: a quote inside an unquoted field does not start a quoted one, so it cannot swallow the lines after it', () => {
  const rows = sameAtEveryCut(() => new CsvSplitter(), 'a,b\nPO-1,5" monitor\nPO-2,x\n');
  assert.equal(rows, [[1, 'a,b'], [2, 'PO-1,5" monitor'], [3, 'PO-2,x']]);
});

test('CSV: a byte-order mark before the header is dropped', () => {
  assert.equal(split(new CsvSplitter(), '\uFEFFa,b\n1,2\n'), [[1, 'a,b'], [2, '1,2']]);
});

test('CSV: a quoted field still open at the end of the body is rejected, numbered by the line it opened on', () => {
  assert.equal(split(new CsvSplitter(), 'a,b\n1,2\n3,"four\nfive\n'), [[1, 'a,b'], [2, '1,2'], [3, '!a quoted field is not closed before the end of the body']]);
});

test('CSV: a record longer than the limit is rejected alone, without being kept', () => {
  const body = `a\n"${'y'.repeat(MAX_ROW_CHARS)}"\nb\n`;
  const rows = split(new CsvSplitter(), body, [10, 5000, 40_000, 70_000]);
  assert.equal(rows, [[1, 'a'], [2, `!longer than ${MAX_ROW_CHARS} characters`], [3, 'b']]);
});

test.run();
