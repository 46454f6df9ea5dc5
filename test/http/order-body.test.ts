import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DomainError } from '../../src/domain/errors.js';
import { acceptOrder, orderCommand } from '../../src/http/order-body.js';
import { OrderBody } from '../../src/http/schemas.js';
import { jsonText, type Fuzzed } from '../fuzz/json-text.js';
import { mutate, mutations } from '../fuzz/mutate.js';
import { nastyString } from '../fuzz/nasty.js';

/**
 * `POST /orders` checks a body by hand before zod: whatever it accepts must be exactly what zod makes of it
 * (same fields, same values, same key order, so the reply, the journal and the stored order are unchanged),
 * and whatever zod refuses it must leave to zod (same 400, same details).
 */

/** Mostly valid values, sometimes one at or across a bound: a body then usually breaks one rule at most. */
const mostly = <T>(valid: fc.Arbitrary<T>, edge: fc.Arbitrary<T>): fc.Arbitrary<T> => fc.oneof({ weight: 12, arbitrary: valid }, { weight: 1, arbitrary: edge });

/** Strings around the bounds of the schema, in UTF-16 units and in code points (zod counts code points). */
const boundString = (max: number): fc.Arbitrary<string> =>
  mostly(
    fc.string({ minLength: 1, maxLength: 12 }),
    fc.constantFrom('', 'x', '😀', '\uD800', 'x'.repeat(max), 'x'.repeat(max + 1), '😀'.repeat(max / 2), '😀'.repeat(max / 2 + 1), '😀'.repeat(max), `${'x'.repeat(max - 1)}😀`, `${'😀'.repeat(max)}x`),
  );
const sku = mostly(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,10}$/), fc.constantFrom('A', 'a.b:c_d-e', 'A'.repeat(128), 'A'.repeat(129), '-A', 'A B', '😀', ''));
const freeValue: fc.Arbitrary<Fuzzed> = fc.jsonValue({ maxDepth: 7 }) as fc.Arbitrary<Fuzzed>;
const freeKey = mostly(fc.string({ maxLength: 6 }), fc.oneof(boundString(100), fc.constantFrom('__proto__', '1', '0', 'constructor', 'x'.repeat(101), '😀'.repeat(51))));
const freeForm = fc.dictionary(freeKey, freeValue, { maxKeys: 6 });
const number = (min: number, max: number) => mostly(fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max)), fc.oneof(fc.constantFrom(min - 1, max + 1, 0.5, -0, max + 0.5, '1'), fc.double({ min: min - 1, max: max + 1, noNaN: true })));
const choice = (valid: Fuzzed[], invalid: Fuzzed[]): fc.Arbitrary<Fuzzed> => mostly(fc.constantFrom(...valid), fc.constantFrom(...invalid));

/** Order bodies of every field, mostly valid, some near or across a bound. */
const body: fc.Arbitrary<Record<string, Fuzzed>> = (fc.record(
  {
    ref: boundString(200),
    channel: boundString(100),
    pool: sku,
    customer: fc.tuple(boundString(200), freeForm, fc.boolean()).map(([id, rest, first]) => (first ? { id, ...rest } : { ...rest, id })),
    deliverTo: fc.record({ lat: number(-90, 90), lon: number(-180, 180), country: choice(['DE', 'FR'], ['de', 'DEU', '', null]) }),
    deliveryType: choice(['home', 'collect', 'express'], ['drone', null]),
    collectAt: sku,
    lines: fc.array(fc.record({ sku: fc.constantFrom('A', 'B', 'C'), qty: number(1, 1_000_000), unitPrice: choice([0, 1, 9.99, 1e9], [-1, 1e9 + 1, null]) }, { requiredKeys: ['sku', 'qty'] }), { minLength: 1, maxLength: 4 }),
    currency: choice(['EUR', 'USD'], ['eur', 'EURO']),
    shippingAmount: number(0, 1e9),
    split: fc.record({ allowed: choice([true, false], ['yes']), maxShipments: number(1, 20), splitLines: fc.boolean() }, { requiredKeys: ['allowed'] }),
    attributes: freeForm,
    holdId: boundString(100),
    backorder: choice(['ship-available', 'ship-complete'], ['never']),
  },
  { requiredKeys: ['customer', 'deliverTo', 'lines'] },
) as fc.Arbitrary<Record<string, Fuzzed>>).chain((b) => fc.constantFrom<Record<string, Fuzzed>>(b, b, b, b, b, b, { ...b, extra: 'x' }, { ...b, lines: [] }, { ...b, currency: 'EUR' }, { ...b, deliveryType: 'collect' }));

/** Keys in another order than the schema's: zod reorders, and so must the hand check. */
const shuffled = fc.tuple(body, fc.array(fc.nat(), { minLength: 16, maxLength: 16 })).map(([b, order]) => {
  const keys = Object.keys(b).sort((x, y) => (order[x.length % 16]! - order[y.length % 16]!) || x.localeCompare(y));
  return Object.fromEntries(keys.map((k) => [k, b[k]!])) as Record<string, Fuzzed>;
});

const ZOD_MESSAGE = 'the request body is not valid';

/** One parsed body through both: accepted means zod's exact output; refused by zod means left to zod. */
function agrees(text: string): 'fast' | 'zod-ok' | 'refused' {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'refused';
  }
  const zod = OrderBody.safeParse(value);
  const fast = acceptOrder(value);
  if (fast !== undefined) {
    assert.ok(zod.success, `accepted by hand, refused by zod: ${text.slice(0, 300)}\n${JSON.stringify(zod.error?.issues)}`);
    assert.equal(fast, zod.data, text.slice(0, 300));
    assert.is(JSON.stringify(fast), JSON.stringify(zod.data), `key order: ${text.slice(0, 300)}`);
    assert.equal(orderCommand(value), zod.data);
    return 'fast';
  }
  if (zod.success) {
    assert.equal(orderCommand(value), zod.data);
    return 'zod-ok';
  }
  try {
    orderCommand(value);
    assert.unreachable('zod refused it, so orderCommand must throw');
  } catch (e) {
    assert.instance(e, DomainError);
    const err = e as DomainError;
    assert.is(err.type, 'invalid_request');
    assert.is(err.message, ZOD_MESSAGE);
    assert.equal(err.details, zod.error.issues.map((i) => ({ path: i.path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)), '') || '(body)', message: i.message })));
  }
  return 'refused';
}

test('the bench order and the shapes of the docs are taken by the hand check, as zod makes them', () => {
  const bodies = [
    { ref: 'flash', customer: { id: 'cust-1', email: 'someone@example.com' }, deliverTo: { lat: 52.52, lon: 13.405, country: 'DE' }, lines: [{ sku: 'HOT-0000', qty: 1 }], attributes: { campaign: 'black-friday' } },
    { customer: { email: 'x@y.z', id: 'c' }, deliverTo: { country: 'DE', lon: 13.4, lat: 52.5 }, lines: [{ qty: 2, sku: 'A', unitPrice: 10 }, { sku: 'A', qty: 1, unitPrice: 10 }], currency: 'EUR', deliveryType: 'collect', collectAt: 'BER', split: { splitLines: false, allowed: true } },
  ];
  for (const b of bodies) assert.is(agrees(JSON.stringify(b)), 'fast', JSON.stringify(b));
});

test('bodies at and across every bound: the hand check takes only what zod takes, and makes what zod makes', () => {
  const seen = { fast: 0, 'zod-ok': 0, refused: 0 };
  fc.assert(
    fc.property(fc.oneof(body, shuffled), (b) => {
      seen[agrees(jsonText(b))]++;
    }),
    { numRuns: 2000, seed: 17 },
  );
  // Most valid bodies must take the fast path, or the check is there for nothing.
  assert.ok(seen.fast > 3 * seen['zod-ok'] && seen.fast > 200, JSON.stringify(seen));
  assert.ok(seen.refused > 300, JSON.stringify(seen));
});

test('mutated valid bodies (the HTTP fuzzer\'s mutations): refusals are zod\'s, acceptances are zod\'s output', () => {
  const template: Fuzzed = { ref: 'r-1', channel: 'web', customer: { id: 'c1', name: 'N' }, deliverTo: { lat: 52.5, lon: 13.4, country: 'DE' }, deliveryType: 'collect', collectAt: 'BER', lines: [{ sku: 'A', qty: 2, unitPrice: 5 }, { sku: 'B', qty: 1 }], currency: 'EUR', shippingAmount: 4.5, split: { allowed: true, maxShipments: 2, splitLines: false }, attributes: { gift: true, note: { text: 'hi' } }, holdId: 'h1', backorder: 'ship-complete' };
  assert.is(agrees(jsonText(template)), 'fast');
  fc.assert(
    fc.property(mutations, (list) => {
      agrees(jsonText(mutate(template, list)));
    }),
    { numRuns: 3000, seed: 17 },
  );
});

test.run();
