import fc from 'fast-check';
import { nested, Raw, wide, type Fuzzed } from './json-text.js';

/**
 * The values the edge must survive: wrong types, numbers at and past every limit, strings that break naive
 * code (RTL overrides, emoji, NUL, lone surrogates, path tricks), deep nesting and very wide containers.
 */

/** Number tokens JavaScript cannot write or silently changes: past 2^53, -0, overflow to Infinity, underflow. */
const NUMBER_TOKENS = [
  '1e308', '-1e308', '1e309', '-1e309', '1e400', '9007199254740993', '-9007199254740993', '9007199254740992',
  '-0', '-0.0', '0.0', '1e-400', '5e-324', '1.7976931348623157e308', '123456789012345678901234567890',
  '0.1e1', '1E+2', '1.0', '2147483648', '4294967296', '-2147483649', '1e21', '1.5', '-1', '0',
];

const NUMBERS = [
  0, -1, 1, 2, 1.5, -0.5, 0.1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, Number.MAX_VALUE, -Number.MAX_VALUE,
  Number.MIN_VALUE, 1e9, 1e9 + 1, -1e9 - 1, 1_000_000, 1_000_001, 86_400, 86_401, 90, 90.000001, -90.000001,
  180.000001, 100, 100.5, 500, 501, 2 ** 31, 2 ** 32, 1e21,
];

/** Strings that look like numbers, booleans or nothing. */
const NUMBER_LIKE = ['NaN', 'Infinity', '-Infinity', '1e400', '0x1F', '1_000', ' 1 ', '1,5', '١٢', '+1', '--1', '1e', '0', '-0', 'null', 'undefined', 'true', 'false', '[]', '{}'];

/** Identifiers that exist in every seeded network, so a mutation may land on something real. */
const PLAUSIBLE = ['A', 'B', 'BER', 'MUC', 'default', 'sellable', 'damaged', 'order', 'home-delivery', 'standard', '1', 'web'];

const TRICKY = [
  '', ' ', '\t', '\n', '\r\n', 'a\u0000b', '\u0000', '\u202Eevil\u202C', 'مرحبا بالعالم', 'שלום', '👩‍👩‍👧‍👦', '🔥'.repeat(64),
  '\uD800', '\uDFFF', 'a\uD83D', '\uDE00b', '\u200B', '\uFEFF', 'e\u0301\u0301\u0301', 'Ａ', '\u2028\u2029', '\u0007\u001b[31m',
  '../../etc/passwd', '..', '.', '%2e%2e%2f', '%00', "' OR 1=1 --", '<script>alert(1)</script>', '${jndi:ldap://x/a}',
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'A'.repeat(128), 'A'.repeat(129), 'x'.repeat(5000),
  // Past LMDB's key size, in ASCII, in two-byte characters, and split at the '@' of delivery ids.
  '\u00e9'.repeat(1500), `${'x'.repeat(2500)}@${'y'.repeat(2500)}`,
  'A ', ' A', 'a/b', 'a\\b', 'a b', '*', 'a.*', 'order.*', '*.*', 'P1D', 'PT0S', '2026-02-30T00:00:00Z', '9999-12-31T23:59:59Z',
  '0000-01-01T00:00:00Z', '2026-11-27T10:00:00+25:00', 'http://127.0.0.1:9/', 'javascript:alert(1)', 'ftp://x', 'ZZ', 'de', 'DE',
  ...NUMBER_LIKE,
  ...PLAUSIBLE,
];

/** Object keys beyond the schema: prototype tricks, near-misses of real fields, unicode, empty. */
export const EXTRA_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', '', ' ', 'id', 'qty ', 'Qty', 'sku\u0000', '\uD800', '🔥', 'extra', 'status', 'type', 'profile', 'a'.repeat(101)];

export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...TRICKY) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom('\uD800', '\uDBFF', '\uDC00', '\uDFFF').chain((s) => fc.string({ maxLength: 5 }).map((t) => t + s + t)) },
);

export const nastyNumber: fc.Arbitrary<number | Raw> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NUMBERS) },
  { weight: 3, arbitrary: fc.constantFrom(...NUMBER_TOKENS).map((t) => new Raw(t)) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
);

/** Deep nesting up to what fits a 64 KiB body, and wide containers of thousands of members. */
const structural: fc.Arbitrary<Fuzzed> = fc.oneof(
  fc.record({ depth: fc.constantFrom(7, 50, 1000, 10_000, 30_000), shape: fc.constantFrom('array' as const, 'object' as const) }).map(({ depth, shape }) =>
    nested(shape === 'object' ? Math.min(depth, 12_000) : depth, shape),
  ),
  fc.record({ n: fc.constantFrom(201, 501, 2_000, 5_000), shape: fc.constantFrom('array' as const, 'object' as const) }).map(({ n, shape }) => wide(n, shape)),
  fc.constantFrom('{"a":1,"a":"x"}', '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}').map((t) => new Raw(t)),
);

/** Any value of any type, nasty more often than not. */
export const nastyValue: fc.Arbitrary<Fuzzed> = fc.letrec<{ value: Fuzzed }>((tie) => ({
  value: fc.oneof(
    { weight: 4, arbitrary: nastyString },
    { weight: 4, arbitrary: nastyNumber },
    { weight: 2, arbitrary: fc.constantFrom<Fuzzed>(null, true, false, [], {}, [null], { '': null }) },
    { weight: 1, arbitrary: structural },
    { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.dictionary(fc.oneof(fc.constantFrom(...EXTRA_KEYS), fc.string({ maxLength: 5 })), tie('value'), { maxKeys: 3 }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Fuzzed> },
  ),
})).value;

/** A string to put into a URL path segment or query value: nasty text, or raw percent garbage. */
export const nastySegment: fc.Arbitrary<{ text: string } | { raw: string }> = fc.oneof(
  { weight: 5, arbitrary: nastyString.map((text) => ({ text })) },
  { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%FF', '%C0%AF', '%ED%A0%80', '%00', '%2F', '%2e%2e', '..', '.', '%E2%80%AE', '%F0%9F', '%25').map((raw) => ({ raw })) },
);

/** Percent-encodes text for a URL; a lone surrogate, which `encodeURIComponent` refuses, becomes its (invalid) UTF-8 bytes. */
export function encodeSegment(part: { text: string } | { raw: string }): string {
  if ('raw' in part) return part.raw;
  let out = '';
  for (let i = 0; i < part.text.length; i++) {
    const code = part.text.charCodeAt(i);
    const pair = code >= 0xd800 && code <= 0xdbff && i + 1 < part.text.length ? part.text.charCodeAt(i + 1) : 0;
    if (pair >= 0xdc00 && pair <= 0xdfff) {
      out += encodeURIComponent(part.text.slice(i, i + 2));
      i++;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else {
      out += encodeURIComponent(part.text[i]!);
    }
  }
  return out;
}
