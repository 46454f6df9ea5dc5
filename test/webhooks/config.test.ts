import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../src/config.js';
import { fails } from '../helpers/config.js';

test('webhook delivery defaults: 10 s timeout, 16 attempts from 1 s to 10 min, 16 in flight', () => {
  const c = loadConfig([], {});
  assert.equal(
    [c.webhookTimeoutMs, c.webhookMaxAttempts, c.webhookRetryBaseMs, c.webhookRetryMaxMs, c.webhookConcurrency],
    [10_000, 16, 1000, 600_000, 16],
  );
});

test('webhook settings come from flags or the environment', () => {
  const c = loadConfig(['--webhook-max-attempts', '5', '--webhook-timeout-ms', '2500'], { FULCRUM_WEBHOOK_RETRY_BASE_MS: '200', FULCRUM_WEBHOOK_CONCURRENCY: '4' });
  assert.equal([c.webhookMaxAttempts, c.webhookTimeoutMs, c.webhookRetryBaseMs, c.webhookConcurrency], [5, 2500, 200, 4]);
});

test('bad webhook settings name the setting', () => {
  fails([], { FULCRUM_WEBHOOK_MAX_ATTEMPTS: '0' }, /FULCRUM_WEBHOOK_MAX_ATTEMPTS must be from 1 to 1000/);
  fails(['--webhook-timeout-ms', 'soon'], {}, /--webhook-timeout-ms must be a whole number/);
  fails([], { FULCRUM_WEBHOOK_RETRY_BASE_MS: '5000', FULCRUM_WEBHOOK_RETRY_MAX_MS: '1000' }, /FULCRUM_WEBHOOK_RETRY_MAX_MS \(1000\) must not be below FULCRUM_WEBHOOK_RETRY_BASE_MS \(5000\)/);
});

test.run();
