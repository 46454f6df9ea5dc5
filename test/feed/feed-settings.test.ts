import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError, loadConfig } from '../../src/config.js';
import { feedOptions } from '../../src/feed/index.js';

test('the feed window and processes are settings, from flags or environment', () => {
  assert.equal([loadConfig([], {}).feedWindowMs, loadConfig([], {}).feedProcesses], [50, 1]);
  const c = loadConfig(['--feed-window-ms', '20'], { FULCRUM_FEED_WINDOW_MS: '80', FULCRUM_FEED_PROCESSES: '2' });
  assert.equal([c.feedWindowMs, c.feedProcesses], [20, 2]);
});

test('a bad feed setting stops the start with a message naming it', () => {
  assert.throws(() => loadConfig(['--feed-window-ms', '0'], {}), (e: Error) => e instanceof ConfigError && /--feed-window-ms must be from 1/.test(e.message));
  assert.throws(() => loadConfig([], { FULCRUM_FEED_PROCESSES: 'two' }), (e: Error) => e instanceof ConfigError && /FULCRUM_FEED_PROCESSES must be a whole number/.test(e.message));
});

test('feed options are checked with messages that name the option', () => {
  assert.throws(() => feedOptions({ slowCloseMs: 1 }), /feed option slowCloseMs must be a whole number from 10/);
  assert.throws(() => feedOptions({ skipAboveBytes: 8192, maxBufferedBytes: 4096 }), /maxBufferedBytes must be larger than skipAboveBytes/);
});

test.run();
