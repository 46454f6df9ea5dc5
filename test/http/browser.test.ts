import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chromium, type Browser } from 'playwright-core';
import { KEYS, seedHttp, startTestServer } from '../helpers/server.js';

/**
 * A storefront page in a real browser (Debian's chromium, driven by playwright-core) on another origin than
 * Fulcrum: it reads availability with a publishable key and watches the feed; a page from an origin not in
 * FULCRUM_CORS_ORIGINS can do neither. CI installs chromium (.ci/run); elsewhere the test is skipped, saying
 * so, when no chromium is found.
 */
const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => p !== undefined && existsSync(p));
const PAGE_KEY = 'pk_live_page_key_0001';

/** The shop's page: everything it does is its own script, run on its own origin. */
const PAGE = `<!doctype html><title>shop</title><script>
const params = new URLSearchParams(location.hash.slice(1));
const api = params.get('api'), key = params.get('key');
window.results = { stock: [] };
(async () => {
  try {
    const r = await fetch(api + '/availability?pool=default&sku=A&locations=true', { headers: { authorization: 'Bearer ' + key } });
    window.results.availability = { status: r.status, body: await r.json() };
  } catch (e) { window.results.availability = { failed: String(e) }; }
  try {
    const r = await fetch(api + '/orders', { method: 'POST', headers: { authorization: 'Bearer ' + key, 'content-type': 'application/json' },
      body: JSON.stringify({ customer: { id: 'c' }, deliverTo: { lat: 52.5, lon: 13.4, country: 'DE' }, lines: [{ sku: 'A', qty: 1 }] }) });
    window.results.order = { status: r.status, body: await r.json() };
  } catch (e) { window.results.order = { failed: String(e) }; }
  const ws = new WebSocket(api.replace('http', 'ws') + '/ws?token=' + encodeURIComponent(key));
  ws.onopen = () => ws.send(JSON.stringify({ op: 'subscribe', pool: 'default', skus: ['A'] }));
  ws.onmessage = (e) => { for (const m of [].concat(JSON.parse(e.data))) m.type === 'snapshot' ? (window.results.snapshot = m) : window.results.stock.push(m); };
  ws.onerror = () => { window.results.feedRefused = true; };
})();
</script>`;

async function serve(): Promise<{ server: Server; origin: string }> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

if (!CHROMIUM && process.env.CI) {
  test('a storefront page in chromium reads availability and the feed across origins', () => {
    assert.unreachable('chromium is not installed: .ci/run installs it (apt-get install chromium)');
  });
} else if (!CHROMIUM) {
  console.log('browser.test: SKIPPED, no chromium found (apt-get install chromium, or set CHROMIUM_PATH)');
  test.skip('a storefront page in chromium reads availability and the feed across origins');
} else {
  test('a storefront page in chromium reads availability and the feed across origins', async () => {
    const shop = await serve();
    const stranger = await serve();
    const s = await startTestServer({ server: { corsOrigins: [shop.origin], apiKeys: [{ key: KEYS.admin, role: 'admin' }, { key: PAGE_KEY, role: 'publishable' }] } });
    let browser: Browser | undefined;
    try {
      await seedHttp(s, { locations: { BER: [52.5, 13.4] }, skus: ['A'], stock: [['BER', 'A', 10]] });
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      const page = await browser.newPage();
      await page.goto(`${shop.origin}/#api=${encodeURIComponent(s.url)}&key=${PAGE_KEY}`);
      await page.waitForFunction(() => (globalThis as any).results.snapshot && (globalThis as any).results.order, undefined, { timeout: 10_000 });
      const first = await page.evaluate(() => (globalThis as any).results);
      assert.is(first.availability.status, 200, JSON.stringify(first.availability));
      assert.equal(first.availability.body.items, [{ sku: 'A', ats: 10, inbound: 0, future: [], locations: [{ id: 'BER', ats: 10 }] }]);
      assert.is(first.order.status, 403, 'a publishable key cannot place an order, and the page can read why');
      assert.is(first.order.body.error.type, 'forbidden');
      assert.equal(first.snapshot.items.map((i: { sku: string; ats: number }) => [i.sku, i.ats]), [['A', 10]]);

      assert.is((await s.call('PUT', '/inventory/BER/A', { onHand: 7 })).status, 200);
      await page.waitForFunction(() => (globalThis as any).results.stock.some((m: { ats: number }) => m.ats === 7), undefined, { timeout: 10_000 });

      const other = await browser.newPage();
      await other.goto(`${stranger.origin}/#api=${encodeURIComponent(s.url)}&key=${PAGE_KEY}`);
      await other.waitForFunction(() => (globalThis as any).results.order && (globalThis as any).results.feedRefused, undefined, { timeout: 10_000 });
      const refused = await other.evaluate(() => (globalThis as any).results);
      assert.ok(refused.availability.failed, `CORS blocks another origin's read: ${JSON.stringify(refused.availability)}`);
      assert.is(refused.snapshot, undefined, 'and its feed upgrade is refused');
    } finally {
      await browser?.close();
      await s.stop();
      shop.server.close();
      stranger.server.close();
    }
  });
}

test.run();
