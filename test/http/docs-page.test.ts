import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chromium, type Browser } from 'playwright-core';
import { chromiumTest } from '../helpers/chromium.js';
import { startTestServer } from '../helpers/server.js';

/**
 * `/docs` renders the reference in a real browser (Debian's chromium, as in browser.test.ts) from files the
 * server itself serves: the machine has no internet, and a page reaching for a CDN would render nothing.
 */
chromiumTest(test, '/docs renders the API reference from local files', async (executablePath) => {
  const s = await startTestServer();
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const elsewhere: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(s.url) && !r.url().startsWith('data:')) elsewhere.push(r.url());
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const res = await page.goto(`${s.url}/docs`);
    assert.is(res?.status(), 200);
    await page.getByText('Place an order').first().waitFor({ timeout: 15_000 });
    assert.ok(await page.getByText('Fulcrum', { exact: false }).first().isVisible());
    assert.ok(await page.getByRole('button', { name: /authorize/i }).first().isVisible(), 'the bearer key can be entered to try calls');
    await page.screenshot({ path: join(tmpdir(), 'fulcrum-docs.png') });
    assert.equal(elsewhere, [], 'every file comes from the server');
    assert.equal(errors, []);
  } finally {
    await browser?.close();
    await s.stop();
  }
});

test.run();
