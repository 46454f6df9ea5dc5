import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BodyReader, splitterFor, type BatchFormat } from '../../../src/bulk/index.js';
import type { StockBatchRow } from '../../../src/stock/index.js';
import { RowReader } from '../../../src/stock/import/row-reader.js';
import { BatchTally } from '../../../src/stock/import/tally.js';

/** Reads `pieces` of bytes as the bulk path does; returns the stock rows that passed and the tally's report. */
function read(format: BatchFormat, pieces: Buffer[]) {
  const tally = new BatchTally(Infinity);
  const rows: StockBatchRow[] = [];
  const reader = new BodyReader(splitterFor(format), new RowReader(tally, (r) => rows.push(r)));
  for (const p of pieces) reader.push(p);
  reader.end();
  return { rows, report: tally.report() };
}

const row = (sku: string) => `{"location":"L","sku":"${sku}","onHand":1}\n`;

test('bytes that are not UTF-8 reject their row alone, also when the row spans two pieces', () => {
  const bad = Buffer.concat([Buffer.from('{"location":"L","sku":"B'), Buffer.from([0xff]), Buffer.from('","onHand":1}\n')]);
  const body = Buffer.concat([Buffer.from(row('A')), bad, Buffer.from(row('C'))]);
  for (let cut = 1; cut < body.length; cut++) {
    const { rows, report } = read('ndjson', [body.subarray(0, cut), body.subarray(cut)]);
    assert.equal(rows.map((r) => r.sku), ['A', 'C'], `cut at ${cut}`);
    assert.equal(report.rejectedRows, [{ row: 2, reason: 'not valid UTF-8' }], `cut at ${cut}`);
  }
});

test('a multi-byte character cut between two pieces is read whole', () => {
  const body = Buffer.from('{"location":"L","sku":"A","onHand":1,"reason":"Lager Köln — Zählung"}\n');
  for (let cut = 1; cut < body.length; cut++) {
    const { rows } = read('ndjson', [body.subarray(0, cut), body.subarray(cut)]);
    assert.is(rows[0]?.reason, 'Lager Köln — Zählung', `cut at ${cut}`);
  }
});

test('rows off the fast path go through JSON.parse and mean the same', () => {
  const { rows, report } = read('json', [Buffer.from('[{"location":"L","sku":"A\\u0042","onHand":1e1}, {"location":"L","sku":"C","delta":-2.0}, {"location":"L","sku":"D","onHand":1.5}]')]);
  assert.equal(rows.map((r) => [r.sku, 'onHand' in r ? r.onHand : r.delta]), [['AB', 10], ['C', -2]]);
  assert.equal(report.rejectedRows.map((r) => [r.row, r.path]), [[3, 'onHand']]);
});

test('asOf must be an ISO-8601 date-time with a zone, and goes with counts only', () => {
  const { report } = read('ndjson', [
    Buffer.from(
      [
        '{"location":"L","sku":"A","onHand":1,"asOf":"2026-11-27T10:00:00Z"}',
        '{"location":"L","sku":"A","onHand":1,"asOf":"2026-11-27T10:00:00+01:00"}',
        '{"location":"L","sku":"A","onHand":1,"asOf":"2026-11-27 10:00"}',
        '{"location":"L","sku":"A","onHand":1,"asOf":"2026-13-45T10:00:00Z"}',
        '{"location":"L","sku":"A","delta":1,"asOf":"2026-11-27T10:00:00Z"}',
      ].join('\n'),
    ),
  ]);
  assert.equal(report.rejectedRows.map((r) => [r.row, r.path]), [[3, 'asOf'], [4, 'asOf'], [5, 'asOf']]);
});

test.run();
