import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_RETRY, retryCeiling, retryDelay, type RetryPolicy } from '../../src/integrations/webhooks/index.js';

const policy = fc
  .record({ maxAttempts: fc.integer({ min: 1, max: 50 }), baseDelayMs: fc.integer({ min: 1, max: 60_000 }), maxDelayMs: fc.integer({ min: 1, max: 7 * 86_400_000 }) })
  .filter((p) => p.maxDelayMs >= p.baseDelayMs);

test('every wait lies in [0, min(maxDelay, baseDelay * 2^(n-1))], for any draw of the jitter', () => {
  fc.assert(
    fc.property(policy, fc.integer({ min: 1, max: 2000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (p, n, r) => {
      const ceiling = Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** (n - 1));
      assert.is(retryCeiling(n, p), ceiling);
      const d = retryDelay(n, p, () => r);
      return Number.isInteger(d) && d >= 0 && d <= ceiling;
    }),
  );
});

test('ceilings double from the base and stop at the cap', () => {
  const p: RetryPolicy = { maxAttempts: 10, baseDelayMs: 1000, maxDelayMs: 10_000 };
  assert.equal([1, 2, 3, 4, 5, 6, 40].map((n) => retryCeiling(n, p)), [1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
});

test('full jitter reaches both ends of the range', () => {
  const p: RetryPolicy = { maxAttempts: 10, baseDelayMs: 1000, maxDelayMs: 10_000 };
  assert.is(retryDelay(3, p, () => 0), 0);
  assert.is(retryDelay(3, p, () => 0.999_999_9), 4000);
});

test('defaults: 16 attempts, at most about 67 minutes of waiting in all before a dead letter', () => {
  assert.is(DEFAULT_RETRY.maxAttempts, 16);
  let total = 0;
  for (let n = 1; n < DEFAULT_RETRY.maxAttempts; n++) total += retryCeiling(n, DEFAULT_RETRY);
  assert.is(retryCeiling(1, DEFAULT_RETRY), 1000);
  assert.is(retryCeiling(15, DEFAULT_RETRY), 600_000);
  assert.is(total, 4_023_000);
});

test.run();
