import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BodyReader, splitterFor, valuesReader, type BatchFormat, type RowValues } from '../../src/bulk/index.js';
import { csvFields } from '../../src/bulk/row-values.js';
import { refusal } from '../helpers/refusal.js';

const COLUMNS = { all: ['id', 'qty', 'note'], required: ['id', 'qty'] };

/** Reads `body` of `format` into values; bad rows as `!reason`. */
function read(format: BatchFormat, body: string): Array<[number, RowValues | string]> {
  const out: Array<[number, RowValues | string]> = [];
  const reader = new BodyReader(splitterFor(format), valuesReader(format, COLUMNS, { values: (n, v) => out.push([n, v]), bad: (n, r) => out.push([n, `!${r}`]) }));
  reader.push(Buffer.from(body));
  reader.end();
  return out;
}

test('CSV fields: quoted ones kept exactly, unquoted ones trimmed, an empty last field counted', () => {
  const text = ' a , "b, ""c""" ,"",  ';
  assert.equal(csvFields(text, 0, text.length), ['a', 'b, "c"', '', '']);
  const inner = 'xx1,2yy';
  assert.equal(csvFields(inner, 2, 5), ['1', '2'], 'only the record between start and end is read');
});

test('CSV fields: a stray quote or text after a closing quote make the record bad, saying which field', () => {
  assert.match(csvFields('a,5" monitor', 0, 12) as string, /a quote inside unquoted field 2/);
  assert.match(csvFields('"a"b,c', 0, 6) as string, /text after the closing quote of field 1/);
  assert.match(csvFields('"a', 0, 2) as string, /not closed/);
});

test('CSV rows: values by the header, which may list the columns in any order; an empty field is left out', () => {
  const rows = read('csv', 'qty,id,note\n3,A,\n"4",B,"said ""hi"""\n');
  assert.equal(rows, [[2, { qty: '3', id: 'A' }], [3, { qty: '4', id: 'B', note: 'said "hi"' }]]);
});

test('CSV rows: a record with more or fewer fields than the header is rejected alone', () => {
  assert.equal(read('csv', 'id,qty\nA,1,2\nB\nC,3\n'), [[2, '!3 fields where the header names 2'], [3, '!1 field where the header names 2'], [4, { id: 'C', qty: '3' }]]);
});

for (const [header, problem] of [
  ['id,qty,colour', /unknown column 'colour'/],
  ['id,qty,qty', /column 'qty' is named twice/],
  ['id,note', /no column 'qty'/],
] as const) {
  test(`CSV rows: a header '${header}' stops the load: no row can be read by it`, () => {
    const e = refusal(() => read('csv', `${header}\nA,1,x\n`));
    assert.is(e.type, 'invalid_request');
    assert.match(e.message, /the CSV header \(line 1\) must name the columns of a row, id, qty, note/);
    assert.match(e.message, problem);
  });
}

test('NDJSON rows: each line a JSON object; anything else rejected alone', () => {
  assert.equal(read('ndjson', '{"id":"A","qty":1}\n[1]\n{"id":\n'), [[1, { id: 'A', qty: 1 }], [2, '!a row must be a JSON object'], [3, `!not valid JSON: ${jsonError('{"id":')}`]]);
});

function jsonError(text: string): string {
  try {
    JSON.parse(text);
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}

test.run();
