import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DomainError } from '../../src/domain/errors.js';
import { optimize, SourcingPool, type SourcingProblem } from '../../src/sourcing/index.js';
import { makeProblem } from './fixtures/problem-factory.js';

const crashWorker = new URL('./fixtures/crash-worker.js', import.meta.url).href;
const hangWorker = new URL('./fixtures/hang-worker.js', import.meta.url).href;

const problem: SourcingProblem = {
  ...makeProblem({
    qty: [2, 1],
    candidates: [
      { fixed: 5, stock: [2, 1], unit: [3, 3], distanceKm: 1 },
      { fixed: 5, stock: [2, 0], unit: [1, 1], distanceKm: 9 },
      { fixed: 5, stock: [0, 1], unit: [1, 1], distanceKm: 8 },
    ],
    maxShipments: 2,
    splitLines: true,
  }),
  excluded: [{ location: 'X', reasons: [{ code: 'no_stock' }] }],
};

async function withPool<T>(options: ConstructorParameters<typeof SourcingPool>[0], run: (pool: SourcingPool) => Promise<T>): Promise<T> {
  const pool = new SourcingPool(options);
  try {
    return await run(pool);
  } finally {
    await pool.close();
  }
}

test('small problems are solved inline', async () => {
  await withPool({ workers: 1 }, async (pool) => {
    const result = await pool.solve(problem);
    assert.equal(pool.stats, { inline: 1, pooled: 0, fallbacks: 0, shed: 0 });
    assert.is(result.cost, optimize(problem).cost);
  });
});

test('larger problems are solved in a worker, with the same answer and the exclusions kept', async () => {
  await withPool({ workers: 1, inlineMaxWork: 0 }, async (pool) => {
    const result = await pool.solve(problem);
    const inline = optimize(problem);
    assert.equal(pool.stats, { inline: 0, pooled: 1, fallbacks: 0, shed: 0 });
    assert.equal(result.plan, inline.plan);
    assert.is(result.cost, inline.cost);
    assert.ok(result.proven);
    assert.equal(result.excluded, problem.excluded);
  });
});

test('a crashing worker falls back to the greedy plan and says so', async () => {
  await withPool({ workers: 1, inlineMaxWork: 0, workerFile: crashWorker }, async (pool) => {
    const result = await pool.solve(problem);
    assert.is(result.method, 'proximity-greedy');
    assert.is(result.fallback?.reason, 'worker_crash');
    assert.is(result.proven, false);
    assert.equal(result.plan!.shipments.map((s) => s.location), ['L000'], 'the nearest location holding everything');
    assert.equal(result.excluded, problem.excluded);
    const again = await pool.solve(problem);
    assert.is(again.fallback?.reason, 'worker_crash', 'the pool replaced the dead worker and keeps answering');
    assert.is(pool.stats.fallbacks, 2);
  });
});

test('a worker that overruns the task timeout falls back to the greedy plan', async () => {
  await withPool({ workers: 1, inlineMaxWork: 0, workerFile: hangWorker, taskTimeoutMs: 100, budgetMs: 50 }, async (pool) => {
    const started = performance.now();
    const result = await pool.solve(problem);
    assert.is(result.fallback?.reason, 'worker_timeout');
    assert.match(result.fallback!.message, /100 ms/);
    assert.ok(result.plan !== null);
    assert.ok(performance.now() - started < 1000);
  });
});

test('closing a pool while a replaced worker loads its module does not abort the process', async () => {
  // Before the CommonJS entry (src/sourcing/esm-worker-entry.cts) Node loaded the ES module with require(),
  // and a worker terminated during that load aborted the process with a V8 fatal error: 3 of 8 runs of this
  // child aborted, so one run catches that about a third of the time.
  const child = spawnSync(process.execPath, [fileURLToPath(new URL('./fixtures/pool-close-stress.js', import.meta.url)), '150'], { encoding: 'utf8', timeout: 120_000 });
  assert.is(child.status, 0, `the child exited with ${child.status} (${child.signal}): ${child.stderr.slice(0, 300)}`);
  assert.match(child.stdout, /survived 150/);
});

test('a full queue sheds load with unavailable', async () => {
  await withPool({ workers: 1, maxQueue: 1, inlineMaxWork: 0, workerFile: hangWorker, taskTimeoutMs: 200, budgetMs: 50 }, async (pool) => {
    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => pool.solve(problem)));
    const shed = outcomes.filter((o) => o.status === 'rejected');
    assert.is(shed.length, 4, 'one worker and a queue of one take two problems at a time');
    for (const o of shed) {
      const error = (o as PromiseRejectedResult).reason as DomainError;
      assert.instance(error, DomainError);
      assert.is(error.type, 'unavailable');
    }
    assert.is(pool.stats.shed, 4);
    assert.is(pool.inFlight, 0, 'answered problems free their slots');
  });
});

test('options are checked at construction, naming the option', () => {
  const rejects = (options: ConstructorParameters<typeof SourcingPool>[0], path: string) => {
    try {
      new SourcingPool(options);
      assert.unreachable();
    } catch (error) {
      assert.instance(error, DomainError);
      assert.equal((error as DomainError).details.map((d) => d.path), [path]);
    }
  };
  rejects({ workers: 0 }, 'workers');
  rejects({ workers: 1, maxQueue: -1 }, 'maxQueue');
  rejects({ workers: 1, taskTimeoutMs: 100, budgetMs: 100 }, 'budgetMs');
  rejects({ workers: 1, taskTimeoutMs: Infinity }, 'taskTimeoutMs');
});

test.run();
