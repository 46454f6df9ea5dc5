import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createActor, setup } from 'xstate';
import type { Fulcrum } from '../../src/fulcrum/index.js';
import { placeOrder, sendEntityEvent, sendOrderEvent } from '../../src/orders/index.js';
import { countStock, upsertLocation, upsertProduct } from '../../src/stock/index.js';
import { openWithWorkflows } from '../lib/open-with-workflows.js';
import { requireGc, settle, yieldTurn } from '../lib/heap.js';
import { fixed, writeResult } from '../lib/report.js';

/**
 * Workflow throughput and memory. (1) events/s through the compiled default workflows: orders placed, then
 * payment.authorized and a fulfilment's accepted/picked/packed/shipped, each a durable engine step (no HTTP);
 * (2) heap per open order (dormant entity) against XState's own idle actor of a one-state machine, in the same
 * process. Usage: node dist/bench/workflows/run.js [--orders 20000] [--open 100000] [--smoke]
 */
const args = process.argv.slice(2);
const SMOKE = args.includes('--smoke');
const ORDERS = SMOKE ? 500 : numberArg('--orders', 20_000);
const OPEN = SMOKE ? 2_000 : numberArg('--open', 100_000);

requireGc(fileURLToPath(import.meta.url), args);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fulcrum-wf-bench-'));
  const run = await openWithWorkflows(dir, { snapshotIntervalMs: 1000 });
  const { fulcrum } = run;
  try {
    await seed(fulcrum);
    const throughput = await events(fulcrum);
    const memory = await heapPerOrder(fulcrum);
    const text = [
      `Engine only (no HTTP), one process; each external event is one durable step (group commit). ${ORDERS} orders through the default home-delivery and fulfilment workflows.`,
      '',
      '| what | figure |',
      '|---|---|',
      `| orders placed (intake + workflow entry, durable) | ${fixed(throughput.placedPerSec, 0)} /s |`,
      `| external events through compiled workflows (payment.authorized, accepted, picked, packed, shipped) | ${fixed(throughput.eventsPerSec, 0)} /s |`,
      `| facts journaled per external event (fulfilment creation, notifications to the order, stock moves) | ${fixed(throughput.factsPerEvent, 2)} |`,
      `| heap per open order (dormant, awaiting payment; ${OPEN} orders) | **${fixed(memory.perOrder / 1024, 2)} KB** (goal <= 6 KB) |`,
      `| heap per idle XState actor of a one-state machine (baseline, same process) | ${fixed(memory.perActor / 1024, 2)} KB |`,
      `| ratio open order / idle XState actor | ${fixed(memory.perOrder / memory.perActor, 2)} |`,
      '',
      `At ${fixed(memory.perOrder / 1024, 2)} KB an open order, 1,000,000 open orders need about ${fixed((memory.perOrder * 1e6) / 2 ** 30, 1)} GiB of heap.`,
    ].join('\n');
    console.log(text);
    writeResult('workflows', `npm run bench:workflows${args.length ? ' -- ' + args.join(' ') : ''}`, text, SMOKE);
  } finally {
    await run.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function seed(fulcrum: Fulcrum): Promise<void> {
  const pending: Promise<void>[] = [];
  for (let i = 0; i < 10; i++) pending.push(upsertLocation(fulcrum, `L${i}`, { name: `L${i}`, type: 'warehouse', geo: { lat: 48 + i / 2, lon: 8 + i / 2 }, country: 'DE', capabilities: [], tags: [], status: 'active' }).durable);
  for (let s = 0; s < 100; s++) pending.push(upsertProduct(fulcrum, { sku: `S${s}`, name: `S${s}`, attributes: { price: 10 } }).durable);
  await Promise.all(pending);
  for (let i = 0; i < 10; i++) for (let s = 0; s < 100; s++) pending.push(countStock(fulcrum, `L${i}`, `S${s}`, { onHand: 10_000_000 }).durable);
  await Promise.all(pending);
}

async function events(fulcrum: Fulcrum) {
  const ids: string[] = [];
  let t = performance.now();
  let last: Promise<void> = Promise.resolve();
  for (let i = 0; i < ORDERS; i++) {
    const placed = placeOrder(fulcrum, { customer: { id: `c${i}` }, deliverTo: { lat: 50, lon: 10, country: 'DE' }, lines: [{ sku: `S${i % 100}`, qty: 1 }] }, 'bench');
    ids.push(placed.value.id);
    last = placed.durable;
    if (i % 200 === 199) await yieldTurn();
  }
  await last;
  const placedPerSec = ORDERS / ((performance.now() - t) / 1000);
  const facts0 = fulcrum.engine.counters.facts;
  t = performance.now();
  let n = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    last = sendOrderEvent(fulcrum, id, { type: 'payment.authorized' }).durable;
    const f = fulcrum.orders.get(id)!.fulfilments[0]!.id;
    for (const type of ['accepted', 'picked', 'packed', 'shipped']) last = sendEntityEvent(fulcrum, 'fulfilment', f, { type }).durable;
    n += 5;
    if (i % 100 === 99) await yieldTurn();
  }
  await last;
  const seconds = (performance.now() - t) / 1000;
  return { placedPerSec, eventsPerSec: n / seconds, factsPerEvent: (fulcrum.engine.counters.facts - facts0) / n };
}

async function heapPerOrder(fulcrum: Fulcrum) {
  await settle();
  const before = process.memoryUsage().heapUsed;
  let last: Promise<void> = Promise.resolve();
  for (let i = 0; i < OPEN; i++) {
    last = placeOrder(fulcrum, { customer: { id: `o${i}` }, deliverTo: { lat: 50, lon: 10, country: 'DE' }, lines: [{ sku: `S${i % 100}`, qty: 1 }] }, 'bench').durable;
    if (i % 500 === 499) await yieldTurn();
  }
  await last;
  await settle();
  const perOrder = (process.memoryUsage().heapUsed - before) / OPEN;

  const machine = setup({}).createMachine({ id: 'idle', initial: 'idle', states: { idle: {} } });
  await settle();
  const base = process.memoryUsage().heapUsed;
  const actors = [];
  for (let i = 0; i < OPEN; i++) actors.push(createActor(machine).start());
  await settle();
  const perActor = (process.memoryUsage().heapUsed - base) / OPEN;
  if (actors.length !== OPEN) throw new Error('unreachable');
  return { perOrder, perActor };
}


function numberArg(name: string, fallback: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
