import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { importGraph, moduleCycles, type ImportGraph } from './import-graph.js';

/**
 * The layout's rules (ARCHITECTURE.md, "Layout"), checked on the source: no import cycles between files or
 * between folders (type imports included), other modules only through their `index.ts`, a core engine that
 * knows no domain module, pure actors and domain types, and workers that load only the solver.
 */
const graph: ImportGraph = importGraph();

test('the source tree was found and parsed', () => {
  assert.ok(graph.files.size > 150, `only ${graph.files.size} files found under src, actors, snapshots`);
  assert.ok(graph.files.has('src/engine/engine.ts'));
});

test('no import cycle between files', () => {
  assert.equal(graph.fileCycles(), []);
});

test('no import cycle between folders (modules)', () => {
  assert.equal(moduleCycles(graph), []);
});

test('another module is reached only through its index.ts', () => {
  const reaching: string[] = [];
  for (const [from, targets] of graph.edges) {
    for (const to of targets) {
      const a = graph.unitOf(from);
      const b = graph.unitOf(to);
      if (a === b || b === 'src/domain' || b === 'src') continue;
      if (!to.endsWith(`${b}/index.ts`)) reaching.push(`${from} -> ${to}`);
    }
  }
  assert.equal(reaching, []);
});

test('the engine core imports no domain module: modules register with it', () => {
  const allowed = new Set(['src/engine', 'src/domain', 'actors', 'snapshots']);
  const wrong = graph.importsOf('src/engine').filter(([, to]) => !allowed.has(graph.unitOf(to)));
  assert.equal(wrong, []);
});

test('actors and domain types import no I/O library (actors use xstate only)', () => {
  assert.equal(graph.packagesOf('src/domain'), []);
  assert.equal(graph.packagesOf('actors').filter((p) => p !== 'xstate'), []);
  const outward = graph.importsOf('src/domain').filter(([, to]) => graph.unitOf(to) !== 'src/domain');
  assert.equal(outward, []);
});

test('the sourcing worker loads only the solver and domain types', () => {
  const reached = graph.reachableFrom('src/sourcing/worker.ts');
  const outside = [...reached].filter((f) => !(f.startsWith('src/domain/') || (f.startsWith('src/sourcing/') && !f.startsWith('src/sourcing/live/'))));
  assert.equal(outside, []);
  assert.equal([...reached].flatMap((f) => graph.packages.get(f) ?? []), []);
});

test('the backtest worker loads only the solver, the replay and domain types: no engine, no live state', () => {
  const reached = graph.reachableFrom('src/sourcing/backtest/replay-worker.ts');
  assert.ok(reached.has('src/sourcing/backtest/replay-chunk.ts'));
  const outside = [...reached].filter((f) => !(f.startsWith('src/domain/') || (f.startsWith('src/sourcing/') && !f.startsWith('src/sourcing/live/'))));
  assert.equal(outside, []);
  // zod comes with the profile schema: the worker parses the documents it is sent.
  assert.equal([...new Set([...reached].flatMap((f) => graph.packages.get(f) ?? []))], ['zod']);
});

test.run();
