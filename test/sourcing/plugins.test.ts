import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DomainError } from '../../src/domain/errors.js';
import { definePlugin, loadPlugins, PluginRegistry } from '../../src/sdk/index.js';
import { buildProblem, optimize, sourceOrder } from '../../src/sourcing/index.js';
import { location, network, profileOf, request, strategyOf } from './fixtures/network-factory.js';

const examplesDir = fileURLToPath(new URL('../../src/sdk/examples/', import.meta.url));
const badDir = fileURLToPath(new URL('./fixtures/bad-plugins/', import.meta.url));

const BONN = { lat: 50.737, lon: 7.098 };
const net = network({
  locations: [location('FAR', { geo: BONN, tags: ['outlet'] }), location('NEAR')],
  stock: { FAR: { A: 5 }, NEAR: { A: 5 } },
  products: { A: { weightKg: 20 } },
  stockAttributes: { NEAR: { A: { sellThroughPerDay: 3 } } },
});

test('loadPlugins imports every plugin module of a directory', async () => {
  const plugins = await loadPlugins(examplesDir);
  assert.equal(plugins.map((p) => p.name), ['carbon', 'embroidery']);
  assert.equal(plugins[0]!.sourcing?.costTerms?.map((t) => t.name), ['co2']);
});

test('loadPlugins rejects a module that is not made by definePlugin', async () => {
  try {
    await loadPlugins(badDir);
    assert.unreachable();
  } catch (error) {
    assert.instance(error, DomainError);
    assert.match((error as Error).message, /not-a-plugin\.js must export default definePlugin/);
  }
});

test('a worker thread can load the same plugin directory by path', async () => {
  const worker = new Worker(new URL('./fixtures/plugin-loader-worker.js', import.meta.url), { workerData: examplesDir });
  const names = await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  assert.equal(names, ['carbon', 'embroidery']);
});

test('the example carbon cost term changes the plan end to end', async () => {
  const registry = new PluginRegistry(await loadPlugins(examplesDir));
  // Without carbon, NEAR's sell-through makes the distant store cheaper; a carbon price brings the order home.
  const base = { costs: { sellThrough: { weight: 1 } } };
  assert.equal(optimize(buildProblem(request(), net, strategyOf(base))).plan!.shipments[0]!.location, 'FAR');
  const green = strategyOf({ costs: { sellThrough: { weight: 1 }, plugins: { 'carbon/co2': 50 } } }, {}, registry);
  const result = optimize(buildProblem(request(), net, green));
  assert.equal(result.plan!.shipments[0]!.location, 'NEAR');
  assert.is(result.breakdown!.terms['carbon/co2'], 0, 'the plugin term is in the breakdown (NEAR is at the door)');
  const problem = buildProblem(request(), net, green);
  assert.equal(problem.unitTermNames.slice(-1), ['carbon/co2']);
  const far = problem.candidateIds.indexOf('FAR');
  const carbonPerUnit = problem.unitTerms[(far * problem.lines.length + 0) * problem.unitTermNames.length + problem.unitTermNames.length - 1]!;
  // 20 kg over ~478 km at 0.1 kg CO2e per tonne-km and 0.1 per kg, weighted 50.
  assert.ok(Math.abs(carbonPerUnit - 50 * 0.02 * 478.146 * 0.1 * 0.1) < 1e-3);
});

test('plugin filters exclude with their reason, plugin conditions select strategies', async () => {
  const rules = definePlugin({
    name: 'rules',
    sourcing: {
      conditions: [{ name: 'b2b', test: (order) => order.channel?.startsWith('b2b') === true }],
      filters: [{ name: 'no-outlets', test: (loc) => (loc.tags.includes('outlet') ? 'outlets do not ship online orders' : true) }],
    },
    rules: [],
  });
  const registry = new PluginRegistry([rules]);
  const profile = profileOf([{ id: 'b2b', when: { plugins: ['rules/b2b'] }, filters: { plugins: ['rules/no-outlets'] } }, { id: 'other' }], {}, registry);
  const b2b = await sourceOrder(request({ channel: 'b2b-eu' }), net, profile);
  assert.is(b2b.strategyId, 'b2b');
  assert.equal(b2b.problem!.excluded, [{ location: 'FAR', reasons: [{ code: 'plugin_filter', detail: 'rules/no-outlets: outlets do not ship online orders' }] }]);
  assert.is((await sourceOrder(request({ channel: 'web' }), net, profile)).strategyId, 'other');
});

test('a plugin cost term sees each merged line with its SKU, its quantity and the product', () => {
  const seen: Array<{ sku: string; qty: number; lineQty: number; weightKg: number | undefined }> = [];
  const spy = definePlugin({
    name: 'spy',
    sourcing: { costTerms: [{ name: 'lines', cost: (_loc, line, qty) => (seen.push({ sku: line.sku, qty, lineQty: line.qty, weightKg: line.product.weightKg }), qty) }] },
  });
  const strategy = strategyOf({ costs: { plugins: { 'spy/lines': 1 } } }, {}, new PluginRegistry([spy]));
  for (const lines of [[{ sku: 'A', qty: 3 }], [{ sku: 'A', qty: 1 }, { sku: 'A', qty: 2 }]]) {
    seen.length = 0;
    const problem = buildProblem(request({ lines }), net, strategy);
    assert.equal(problem.lines, [{ sku: 'A', qty: 3 }]);
    assert.equal(seen, problem.candidateIds.map(() => ({ sku: 'A', qty: 3, lineQty: 3, weightKg: 20 })));
  }
});

test('a plugin cost term that returns a non-number fails loudly, naming the term', () => {
  const broken = definePlugin({ name: 'broken', sourcing: { costTerms: [{ name: 'nan', cost: () => Number.NaN }] } });
  const strategy = strategyOf({ costs: { plugins: { 'broken/nan': 1 } } }, {}, new PluginRegistry([broken]));
  assert.throws(() => buildProblem(request(), net, strategy), /plugin cost term 'broken\/nan' must return a finite number/);
});

test('definePlugin checks names and functions', () => {
  try {
    definePlugin({ name: 'Bad Name', sourcing: { costTerms: [{ name: 'x', cost: 3 as never }, { name: 'x', cost: () => 1 }] } });
    assert.unreachable();
  } catch (error) {
    assert.equal((error as DomainError).details.map((d) => d.path), ['name', 'sourcing.costTerms[0].cost', 'sourcing.costTerms[1].name']);
  }
});

test('two plugins with the same name cannot be registered together', () => {
  const a = definePlugin({ name: 'same' });
  assert.throws(() => new PluginRegistry([a, definePlugin({ name: 'same' })]), /two plugins are named 'same'/);
});

test.run();
