import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadDemo } from '../../src/demo.js';
import { httpCaller, loadDemoActivity, type DemoActivity } from '../../src/demo-activity.js';
import { KEYS, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * The console at /console in a real browser (Debian's chromium, driven by playwright-core, headless), against
 * one server with the demo network and demo activity, shared by every case. Each screen is saved under
 * test/artifacts/ (ignored by git) to be looked at. CI installs chromium (.ci/run); elsewhere the suite is
 * skipped, saying so.
 */
const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => p !== undefined && existsSync(p));
const ARTIFACTS = fileURLToPath(new URL('../../../test/artifacts/', import.meta.url));
const SDK = fileURLToPath(new URL('../../src/sdk/index.js', import.meta.url));

/** A plugin with a console tile, as the README shows one. */
const PLUGIN = `import { definePlugin } from ${JSON.stringify(SDK)};
export default definePlugin({ name: 'acme', console: { script: new URL('./acme/console-tile.js', import.meta.url) } });`;
const TILE = `window.fulcrumConsole.registerTile({
  type: 'acme.pools', title: 'Pools (plugin)', description: 'How many pools there are.', needs: 'network:read',
  mount(el, { api }) {
    el.textContent = 'Counting pools…';
    api.pools().then((r) => { el.innerHTML = '<p class="big"><span class="acme-pools">' + r.items.length + '</span> pools</p>'; });
  },
});`;

interface World {
  s: TestServer;
  browser: Browser;
  demo: DemoActivity;
  pluginDir: string;
  errors: string[];
  ready: Promise<void>;
}

const t = suite<World>('the operations console in chromium');

/**
 * Sets the world up once. uvu ends a suite silently, as passed, when its `before` hook throws: the setup runs
 * there, and every case awaits it, so a failed setup fails each case loudly instead.
 */
async function setUp(w: World): Promise<void> {
  const bundle = fileURLToPath(new URL('../../console/index.html', import.meta.url));
  if (!existsSync(bundle)) throw new Error(`the console is not built (${bundle} is missing): run npm run build:console (npm test does)`);
  w.pluginDir = mkdtempSync(join(tmpdir(), 'fulcrum-console-plugin-'));
  writeFileSync(join(w.pluginDir, 'acme.js'), PLUGIN);
  // Beside the plugin module, not in the directory's top level: Fulcrum imports every top-level *.js as a plugin.
  mkdirSync(join(w.pluginDir, 'acme'));
  writeFileSync(join(w.pluginDir, 'acme', 'console-tile.js'), TILE);
  w.s = await startTestServer({ server: { plugins: w.pluginDir } });
  await loadDemo(w.s.server.fulcrum);
  w.demo = await loadDemoActivity(httpCaller(w.s.url, KEYS.admin));
  w.browser = await chromium.launch({ executablePath: CHROMIUM!, args: ['--no-sandbox'] });
  w.errors = [];
  mkdirSync(ARTIFACTS, { recursive: true });
}

t.before((w) => {
  w.ready = setUp(w);
  w.ready.catch(() => undefined);
});

/** A case that runs once the shared setup is done. */
const test = (name: string, run: (w: World) => Promise<void>) => t(name, async (w) => {
  await w.ready;
  await run(w);
});

t.after(async (w) => {
  await w.browser?.close();
  await w.s?.stop();
  if (w.pluginDir) rmSync(w.pluginDir, { recursive: true, force: true });
});

/** A fresh browser tab signed in with a key (its own session storage). */
async function signedIn(w: World, key: string): Promise<Page> {
  const page = await (await w.browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  page.on('pageerror', (e) => w.errors.push(e.message));
  await page.goto(`${w.s.url}/console`);
  await page.fill('#key', key);
  await page.click('button[type=submit]');
  await page.waitForSelector('.shell');
  return page;
}

async function show(page: Page, screen: string): Promise<void> {
  await page.click(`nav a[href="#/${screen}"]`);
  await page.waitForSelector(`#screen-title:text-is("${screen[0]!.toUpperCase()}${screen.slice(1)}")`);
}

/** A full-page screenshot from the top: scrolled, the sticky header would be drawn over the middle of the page. */
const shot = async (page: Page, name: string) => {
  await page.evaluate(() => (globalThis as any).scrollTo(0, 0));
  await page.screenshot({ path: join(ARTIFACTS, `console-${name}.png`), fullPage: true });
};

test('signing in: an unknown key is refused with what to do; a known one stays for the tab session', async (w) => {
  const page = await (await w.browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  const first = await page.goto(`${w.s.url}/`);
  assert.is(new URL(page.url()).pathname, '/console', `a browser asking for / lands on the console (${first?.status()})`);
  await shot(page, 'sign-in');
  await page.fill('#key', 'not-a-key-at-all');
  await page.click('button[type=submit]');
  await page.waitForSelector('.signin .state.error');
  assert.match(await page.textContent('.signin .state.error') ?? '', /does not know this key/);
  await page.fill('#key', KEYS.admin);
  await page.click('button[type=submit]');
  await page.waitForSelector('.shell');
  assert.is(await page.textContent('.who'), 'admin');
  await page.reload();
  await page.waitForSelector('.shell');
  assert.is(await page.evaluate(() => (globalThis as any).sessionStorage.getItem('fulcrum.console.key')), KEYS.admin, 'kept in sessionStorage, not localStorage');
  assert.is(await page.evaluate(() => (globalThis as any).localStorage.length), 0);
  await page.click('text=Sign out');
  await page.waitForSelector('#key');
  await page.context().close();
});

test('Inventory: a SKU’s live ATS changes when an order is placed over HTTP, without a reload', async (w) => {
  const page = await signedIn(w, KEYS.ops);
  await show(page, 'inventory');
  await page.fill('input[type=search]', 'SKU-0002');
  const cell = page.locator('td [data-sku="SKU-0002"]');
  await page.waitForFunction(() => /^\d+$/.test((globalThis as any).document.querySelector('td [data-sku="SKU-0002"]')?.getAttribute('data-ats') ?? ''));
  const before = Number(await cell.getAttribute('data-ats'));
  const placed = await w.s.call('POST', '/orders', { customer: { id: 'c-live' }, deliverTo: { lat: 52.5, lon: 13.4, country: 'DE' }, lines: [{ sku: 'SKU-0002', qty: 3 }] });
  assert.is(placed.status, 201, JSON.stringify(placed.body));
  await page.waitForFunction((want) => (globalThis as any).document.querySelector('td [data-sku="SKU-0002"]')?.getAttribute('data-ats') === String(want), before - 3, { timeout: 10_000 });
  await page.click('button.link:text-is("SKU-0002")');
  await page.waitForSelector('text=Quantities by status');
  await page.waitForSelector('section[data-tile="inventory.sku"] table');
  await shot(page, 'inventory');
  await page.context().close();
});

test('Alerts: an open alert is acknowledged in place', async (w) => {
  const open = (await w.s.call('GET', '/alerts?status=open')).body.items as Array<{ id: string; alert: string }>;
  const alert = open.find((a) => a.alert === 'embroidery-requested');
  assert.ok(alert, 'the demo activity raised an embroidery alert');
  const page = await signedIn(w, KEYS.ops);
  await show(page, 'alerts');
  const row = page.locator(`tr[data-alert="${alert.id}"]`);
  await row.waitFor();
  await shot(page, 'alerts');
  await row.locator('button:text-is("Acknowledge")').click();
  await row.waitFor({ state: 'detached', timeout: 10_000 });
  assert.is((await w.s.call('GET', `/alerts/${alert.id}`)).body.status, 'acknowledged');
  await page.selectOption('select:near(:text("Show"))', 'acknowledged');
  await page.locator(`tr[data-alert="${alert.id}"] .pill:text-is("acknowledged")`).waitFor();
  await page.context().close();
});

test('Returns: a return is received, inspected line by line, and moves on to its refund', async (w) => {
  const id = w.demo.returns[0]!;
  assert.is((await w.s.call('GET', `/returns/${id}`)).body.state, 'requested');
  const page = await signedIn(w, KEYS.ops);
  await show(page, 'returns');
  await page.click(`button.link:text-is("${id}")`);
  await page.click('button:has-text("Received at")');
  await page.waitForSelector('#outcome-0');
  await page.selectOption('#outcome-0', 'refurbish');
  await shot(page, 'returns');
  await page.click('button:text-is("Record inspection")');
  await page.waitForSelector('section[data-tile="returns.detail"] .big .pill:text-is("refunding")', { timeout: 10_000 });
  const after = (await w.s.call('GET', `/returns/${id}`)).body;
  assert.is(after.state, 'refunding');
  assert.match(JSON.stringify(after), /refurbish/, 'the chosen disposition was recorded');
  await page.context().close();
});

test('Layout: an admin adds a plugin tile and removes it; both survive a reload, stored per role', async (w) => {
  const page = await signedIn(w, KEYS.admin);
  await show(page, 'inventory');
  await page.click('button:text-is("Edit layout")');
  await page.selectOption('select[aria-label="Tile type to add"]', 'acme.pools');
  await page.click('button:text-is("Add tile")');
  await shot(page, 'layout-editor');
  await page.click('button:text-is("Save layout")');
  await page.waitForSelector('.edit-bar', { state: 'detached' });
  await page.reload();
  await page.waitForSelector('section[data-tile="acme.pools"] .acme-pools');
  assert.is(await page.textContent('section[data-tile="acme.pools"] .acme-pools'), '3', 'the plugin tile drew with the API');
  const stored = (await w.s.call('GET', '/ui/layouts/admin')).body;
  assert.equal(stored.screens.inventory.map((tile: { type: string }) => tile.type), ['inventory.stock', 'inventory.sku', 'acme.pools']);
  assert.is((await w.s.call('GET', '/ui/layouts/ops')).body.updatedAt, null, 'other roles keep their own layout');

  await page.click('button:text-is("Edit layout")');
  await page.click('button[aria-label="Remove Pools (plugin)"]');
  await page.click('button:text-is("Save layout")');
  await page.waitForSelector('.edit-bar', { state: 'detached' });
  await page.reload();
  await page.waitForSelector('section[data-tile="inventory.stock"]');
  assert.is(await page.locator('section[data-tile="acme.pools"]').count(), 0);
  assert.equal((await w.s.call('GET', '/ui/layouts/admin')).body.screens.inventory.map((tile: { type: string }) => tile.type), ['inventory.stock', 'inventory.sku']);
  await page.context().close();
});

test('Workflows: an invalid upload shows every problem in place, by its path', async (w) => {
  const page = await signedIn(w, KEYS.admin);
  await show(page, 'workflows');
  await page.waitForSelector('.diagram svg');
  await page.fill('#wf-doc', JSON.stringify({ initial: 'nowhere', states: { start: { on: { go: 'missing' } } } }, null, 2));
  await page.click('button:text-is("Validate and upload")');
  await page.waitForSelector('.validation');
  const text = (await page.textContent('.validation')) ?? '';
  assert.match(text, /the workflow is not valid/);
  assert.match(text, /initial\s*'nowhere' is not one of the states/);
  assert.match(text, /unknown state 'missing'/);
  assert.is(await page.getAttribute('#wf-doc', 'aria-invalid'), 'true');
  assert.equal((await w.s.call('GET', '/workflows/order/home-delivery')).body.versions.length, 1, 'nothing was stored');
  await shot(page, 'workflows');
  await page.context().close();
});

test('a storefront key is offered no admin or operator action', async (w) => {
  const own = await w.s.call('POST', '/orders', { customer: { id: 'c-shop' }, deliverTo: { lat: 52.5, lon: 13.4, country: 'DE' }, lines: [{ sku: 'SKU-0003', qty: 1 }] }, { key: KEYS.storefront });
  assert.is(own.status, 201);
  const page = await signedIn(w, KEYS.storefront);
  assert.is(await page.textContent('.who'), 'storefront');
  const forbidden = 'button:text-is("Edit layout"), button:text-is("Acknowledge"), button:text-is("Resolve"), button:text-is("Cancel order"), button:text-is("Validate and upload"), .actions button';
  await show(page, 'orders');
  await page.click(`button.link:text-is("${own.body.id}")`);
  await page.waitForSelector('text=Timeline');
  assert.is(await page.locator('section[data-tile="orders.list"] tbody tr').count(), 1, 'it sees only its own order');
  assert.is(await page.locator(forbidden).count(), 0);
  await shot(page, 'storefront-orders');
  const offered = await page.locator('nav a').allTextContents();
  assert.ok(!offered.includes('Alerts') && !offered.includes('Returns'), `screens with nothing it may see are not offered: ${offered.join(', ')}`);
  for (const screen of offered.map((s) => s.toLowerCase())) {
    await show(page, screen);
    await page.waitForTimeout(300);
    assert.is(await page.locator(forbidden).count(), 0, `no action on ${screen}`);
  }
  await page.goto(`${w.s.url}/console#/alerts`);
  await page.waitForSelector('text=Nothing on this screen for a storefront key');
  await page.context().close();
});

test('every screen shows the demo data with no error (screenshots in test/artifacts/)', async (w) => {
  const page = await signedIn(w, KEYS.admin);
  await show(page, 'overview');
  for (const tile of ['orders-rate', 'intake-p99', 'feed-clients']) await page.waitForSelector(`section:has(#tile-${tile}) .chart canvas`, { timeout: 10_000 });
  await page.waitForSelector('section[data-tile="overview.watched-ats"] .chart canvas', { timeout: 10_000 });
  await page.waitForSelector('section[data-tile="overview.sourcing-saved"] .chart canvas', { timeout: 10_000 });
  // Orders placed now show up in the live figures at the next scrapes.
  for (let i = 0; i < 6; i++) {
    assert.is((await w.s.call('POST', '/orders', { customer: { id: `c-rush-${i}` }, deliverTo: { lat: 50.1, lon: 8.7, country: 'DE' }, lines: [{ sku: 'SKU-0001', qty: 1 }] })).status, 201);
  }
  await page.waitForFunction(() => Number((globalThis as any).document.querySelector('[data-figure="orders-rate"]')?.textContent) > 0, undefined, { timeout: 10_000 });
  await page.waitForFunction(() => Number((globalThis as any).document.querySelector('[data-figure="intake-p99"]')?.textContent) > 0, undefined, { timeout: 10_000 });
  await shot(page, 'overview');

  await show(page, 'orders');
  await page.click(`button.link:text-is("${w.demo.orders[5]}")`);
  await page.waitForSelector('.timeline li');
  await page.waitForSelector('text=Alternatives');
  await shot(page, 'orders');

  await show(page, 'supply');
  await page.waitForSelector('td:text-is("ASN-77")');
  await page.waitForSelector('.queue li');
  await page.waitForSelector('td:text-is("drop-1")');
  await shot(page, 'supply');

  await show(page, 'sourcing');
  await page.click('button:text-is("Preview sourcing")');
  await page.waitForSelector('.preview-result .why table');
  await shot(page, 'sourcing');

  for (const screen of ['overview', 'inventory', 'orders', 'alerts', 'supply', 'returns', 'workflows', 'sourcing']) {
    await show(page, screen);
    await page.waitForTimeout(400);
    const problems = await page.locator('.state.error').allTextContents();
    assert.equal(problems, [], `${screen} shows no error`);
  }
  assert.equal(w.errors, [], 'no script error in any page');
  await page.context().close();
});

if (!CHROMIUM && process.env.CI) {
  const missing = suite('the operations console in chromium');
  missing('chromium is installed', () => assert.unreachable('chromium is not installed: .ci/run installs it (apt-get install chromium)'));
  missing.run();
} else if (!CHROMIUM) {
  console.log('console-browser.test: SKIPPED, no chromium found (apt-get install chromium, or set CHROMIUM_PATH)');
} else {
  t.run();
}
