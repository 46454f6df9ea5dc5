import type { OutboundEvent } from '../../src/engine/index.js';
import { placeOrder, sendEntityEvent, sendOrderEvent } from '../../src/orders/index.js';
import { openFulcrum, type RunningFulcrum } from '../../src/fulcrum/index.js';
import { BUILT_IN_RULES, RuleRegistry, WorkflowCatalog, type WorkflowRule } from '../../src/workflows/index.js';
import { seed } from './network.js';
import { tempDataDir } from './tmp.js';

/** A clock tests move by hand. */
export interface TestClock {
  now(): number;
  advance(ms: number): void;
}

export function testClock(start = Date.parse('2026-11-27T09:00:00Z')): TestClock {
  let now = start;
  return { now: () => now, advance: (ms) => (now += ms) };
}

/** An engine with the workflow catalog (defaults installed), a recording outbox and a hand-moved clock. */
export interface WorkflowWorld {
  run: RunningFulcrum;
  catalog: WorkflowCatalog;
  rules: RuleRegistry;
  clock: TestClock;
  webhooks: OutboundEvent[];
  /** Moves the clock and fires what came due. */
  advance(ms: number): number;
}

export async function openWorkflowWorld(dir: string, options: { clock?: TestClock; extraRules?: WorkflowRule[] } = {}): Promise<WorkflowWorld> {
  const clock = options.clock ?? testClock();
  const rules = new RuleRegistry(BUILT_IN_RULES);
  for (const r of options.extraRules ?? []) rules.add(r, 'test');
  let catalog!: WorkflowCatalog;
  let ready: Promise<void> = Promise.resolve();
  const webhooks: OutboundEvent[] = [];
  const run = openFulcrum({
    dataDir: dir,
    clock,
    onFatal: (e) => {
      throw e;
    },
    prepare: (fulcrum) => {
      catalog = new WorkflowCatalog(fulcrum.engine, rules);
      ready = catalog.load(new Date(clock.now()).toISOString());
      fulcrum.engine.workflows = catalog;
      fulcrum.engine.outbox = { enqueue: (e) => void webhooks.push(e), committed: () => undefined };
    },
  });
  await ready;
  return {
    run,
    catalog,
    rules,
    clock,
    webhooks,
    advance(ms) {
      clock.advance(ms);
      return run.fulcrum.engine.fireDueTimers();
    },
  };
}

/** The demo-sized network the workflow tests use: Berlin and Munich hold A, Munich also B. */
export async function seedNetwork(world: WorkflowWorld): Promise<void> {
  await seed(world.run.fulcrum, { locations: { BER: [52.52, 13.4], MUC: [48.14, 11.58] }, skus: ['A', 'B'], stock: [['BER', 'A', 10], ['MUC', 'A', 10], ['MUC', 'B', 5]] });
}

/**
 * Runs `fn` on a fresh workflow world in a temporary data dir, seeded by `seedWith` (the standard network by
 * default), and closes and removes it afterwards.
 */
export async function withWorld(fn: (w: WorkflowWorld) => Promise<void>, seedWith: (w: WorkflowWorld) => Promise<void> = seedNetwork): Promise<void> {
  const { dir, cleanup } = tempDataDir();
  const w = await openWorkflowWorld(dir);
  try {
    await seedWith(w);
    await fn(w);
  } finally {
    await w.run.close();
    cleanup();
  }
}

/** Places a home-delivery order, pays for it and ships every fulfilment, so that it can be returned. */
export function shippedOrder(w: WorkflowWorld, lines: Array<{ sku: string; qty: number }>): { id: string } {
  const { fulcrum } = w.run;
  const order = placeOrder(fulcrum, { customer: { id: 'c' }, deliverTo: { lat: 52.5, lon: 13.4, country: 'DE' }, lines }, 'k').value;
  sendOrderEvent(fulcrum, order.id, { type: 'payment.authorized' });
  for (const f of fulcrum.orders.get(order.id)!.fulfilments) {
    for (const type of ['accepted', 'picked', 'packed', 'shipped']) sendEntityEvent(fulcrum, 'fulfilment', f.id, { type });
  }
  return { id: order.id };
}
