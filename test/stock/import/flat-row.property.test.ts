import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FlatRowReader } from '../../../src/stock/import/flat-row.js';
import { emptyFields, fieldsFromObject, type RowFields } from '../../../src/stock/import/row-shape.js';

const KEYS = ['location', 'sku', 'onHand', 'delta', 'status', 'asOf', 'reason', 'qty', 'skU', 'locations', '__proto__', 'x'];
const space = fc.constantFrom('', '', ' ', '  ', '\t', '\n', ' \r\n ');
const stringChars = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '"', '\\', '/', 'é', '\u2028', '\u0001', '\t', '}', ',', ':', '{') });

/** A JSON value as text: mostly what rows hold, sometimes what they must not. */
const valueText = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)) },
  { weight: 2, arbitrary: stringChars.map((s) => JSON.stringify(s)) },
  { weight: 1, arbitrary: stringChars.map((s) => `"${s}"`) },
  { weight: 4, arbitrary: fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('0', '-0', '007', '-', '1e3', '2.5', '1.0', '12345678901234567890', 'true', 'null', '[1]', '{"a":1}', '-01') },
);

/** Row-like JSON text with random white space between tokens, and sometimes a cut or an extra character. */
const rowText = fc
  .record({
    pairs: fc.array(fc.tuple(fc.constantFrom(...KEYS), valueText, space, space, space, space), { maxLength: 6 }),
    lead: space,
    trail: space,
    damage: fc.oneof({ weight: 5, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('cut', ',', '}', '"', 'x') }),
  })
  .map(({ pairs, lead, trail, damage }) => {
    const body = pairs.map(([k, v, a, b, c, d]) => `${a}"${k}"${b}:${c}${v}${d}`).join(',');
    const text = `${lead}{${body}}${trail}`;
    if (damage === 'cut') return text.slice(0, Math.max(0, text.length - 3));
    return damage === '' ? text : text + damage;
  });

function viaJsonParse(text: string): RowFields | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const f = emptyFields();
  return fieldsFromObject(value, f) ? f : undefined;
}

test('the fast path reads every row it accepts exactly as JSON.parse does', () => {
  const reader = new FlatRowReader();
  fc.assert(
    fc.property(rowText, fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), (text, before, after) => {
      // The row sits inside a larger piece of text, as it does in a body.
      const f = emptyFields();
      const accepted = reader.read(before + text + after, before.length, before.length + text.length, f);
      if (!accepted) return;
      const expected = viaJsonParse(text);
      assert.ok(expected, `the fast path accepted text JSON.parse refuses: ${text}`);
      for (const key of Object.keys(expected) as Array<keyof RowFields>) {
        assert.ok(Object.is(f[key], expected[key]), `${key} of ${text}: fast ${String(f[key])}, JSON.parse ${String(expected[key])}`);
      }
    }),
    { numRuns: 20_000 },
  );
});

test('the fast path takes the rows that loads are made of, with or without spaces', () => {
  const reader = new FlatRowReader();
  for (const text of [
    '{"location":"L0001","sku":"S0001","onHand":12}',
    '{"location": "WH-BER", "sku": "SKU-1", "delta": -3, "reason": "found damaged"}',
    '{ "sku":"A" , "location":"B", "onHand":0, "status":"damaged", "asOf":"2026-11-27T10:00:00Z" }',
  ]) {
    const f = emptyFields();
    assert.ok(reader.read(text, 0, text.length, f), text);
    assert.equal(f, viaJsonParse(text));
  }
});

test('the location string of consecutive rows is shared, not sliced again', () => {
  const reader = new FlatRowReader();
  const a = emptyFields();
  const b = emptyFields();
  const text = '{"location":"L1","sku":"A","onHand":1}\n{"location":"L1","sku":"B","onHand":2}';
  reader.read(text, 0, 38, a);
  reader.read(text, 39, text.length, b);
  assert.is(a.location, 'L1');
  assert.ok(a.location === b.location);
  assert.is(b.sku, 'B');
});

test.run();
