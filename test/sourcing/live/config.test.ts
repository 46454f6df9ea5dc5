import { availableParallelism } from 'node:os';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError, loadConfig } from '../../../src/config.js';

test('sourcing workers default to the CPU cores and are set by flag or environment', () => {
  assert.is(loadConfig([], {}).sourcingWorkers, availableParallelism());
  assert.is(loadConfig([], { FULCRUM_SOURCING_WORKERS: '3' }).sourcingWorkers, 3);
  assert.is(loadConfig(['--sourcing-workers', '1'], { FULCRUM_SOURCING_WORKERS: '3' }).sourcingWorkers, 1);
});

test('a bad worker count names the setting', () => {
  assert.throws(() => loadConfig([], { FULCRUM_SOURCING_WORKERS: '0' }), (e: Error) => e instanceof ConfigError && /FULCRUM_SOURCING_WORKERS must be from 1 to 256/.test(e.message));
  assert.throws(() => loadConfig(['--sourcing-workers', 'many'], {}), (e: Error) => e instanceof ConfigError && /--sourcing-workers must be a whole number/.test(e.message));
});

test.run();
