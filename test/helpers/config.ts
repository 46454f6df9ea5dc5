import * as assert from 'uvu/assert';
import { ConfigError, loadConfig } from '../../src/config.js';

/** Asserts that starting with these flags and environment stops with a ConfigError matching `pattern`. */
export function fails(argv: string[], env: Record<string, string>, pattern: RegExp): void {
  try {
    loadConfig(argv, env);
    assert.unreachable('expected a ConfigError');
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.match((e as Error).message, pattern);
  }
}
