/** Tests in a real browser: Debian's chromium (CI installs it in .ci/run), driven by playwright-core. */
import { existsSync } from 'node:fs';
import * as assert from 'uvu/assert';
import type { Test } from 'uvu';

/** The chromium binary, if one is installed (`CHROMIUM_PATH` overrides). */
export const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => p !== undefined && existsSync(p));

/** Registers a browser test: skipped, saying so, where no chromium is found; a failure in CI, where one must be. */
export function chromiumTest(test: Test, name: string, body: (executablePath: string) => Promise<void>): void {
  if (CHROMIUM) test(name, () => body(CHROMIUM));
  else if (process.env.CI) test(name, () => assert.unreachable('chromium is not installed: .ci/run installs it (apt-get install chromium)'));
  else {
    console.log(`${name}: SKIPPED, no chromium found (apt-get install chromium, or set CHROMIUM_PATH)`);
    test.skip(name, () => undefined);
  }
}
