import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Refund } from '../../src/domain/refunds.js';
import type { DispositionLine } from '../../src/domain/return-lines.js';
import type { Fulcrum } from '../../src/fulcrum/index.js';
import { placeOrder, sendEntityEvent, sendOrderEvent } from '../../src/orders/index.js';
import { createReturn, sendReturnEvent } from '../../src/returns/index.js';
import { countStock, upsertLocation, upsertProduct } from '../../src/stock/index.js';
import { parseArgs } from '../lib/args.js';
import { openWithWorkflows } from '../lib/open-with-workflows.js';
import { requireGc, settle, yieldTurn } from '../lib/heap.js';
import { fixed, writeResult } from '../lib/report.js';

/**
 * Returns through their whole lifecycle, against the order workflow in the same run (engine only, no HTTP;
 * every command a durable step). Phase 1: N priced orders of two units placed, paid, and taken through a
 * fulfilment's accepted/picked/packed/shipped (the order workflow rate). Phase 2: a return of both units of
 * each order — opened (store drop-off at a random location), received, inspected per line (one unit
 * restocked; the other refurbished, scrapped or sent back to the vendor, in turn), refurbishment completed
 * where there is one, refund completed (the return rate). Then the conservation check: for every SKU, every
 * unit that shipped is still with the customer, back on a shelf (sellable, refurbished), scrapped (damaged) or
 * with the vendor, none lost or counted twice, checked from the stock positions against the returns'
 * own records; and no order refunded more than it paid. Exits 1 when a check fails.
 * Usage: node dist/bench/returns/run.js [--returns 10000] [--smoke]
 */
const args = parseArgs(process.argv.slice(2));
const SMOKE = args.smoke === true;
const N = SMOKE ? 300 : Number(args.returns ?? 10_000);
const LOCATIONS = 10;
const SKUS = 100;
const INITIAL = 10_000;
const PRICE = 25;
const SECOND_OUTCOMES = ['refurbish', 'scrap', 'vendor'] as const;

requireGc(fileURLToPath(import.meta.url), process.argv.slice(2));

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fulcrum-returns-bench-'));
  const run = await openWithWorkflows(dir, { snapshotIntervalMs: 1000 });
  const { fulcrum } = run;
  try {
    await seed(fulcrum);
    const orders = await orderPhase(fulcrum);
    const returns = await returnPhase(fulcrum, orders.ids);
    const check = conservation(fulcrum, orders.ids, returns.ids);
    const ratio = returns.eventsPerSec / orders.eventsPerSec;
    const text = [
      `Engine only (no HTTP), one process, default workflows (\`order/home-delivery\`, \`fulfilment/standard\`, \`return/standard\`); every command is one durable step (group commit). ${N} orders of 2 units, then ${N} returns of both units.`,
      '',
      '| what | figure |',
      '|---|---|',
      `| order workflow: payment.authorized, accepted, picked, packed, shipped | ${fixed(orders.eventsPerSec, 0)} events/s |`,
      `| return lifecycle: opened, received, inspected per line, refurbishment completed (1 in 3), refund completed | ${fixed(returns.eventsPerSec, 0)} events/s (${fixed(returns.perSec, 0)} returns/s) |`,
      `| ratio return events / order events (same run) | **${fixed(ratio, 2)}** |`,
      `| facts journaled per return event (stock moves, refund, webhooks' outbox) | ${fixed(returns.factsPerEvent, 2)} |`,
      `| heap kept per finished return (all it leaves in memory: its claim summary and whatever else holds on to it) | ${fixed(returns.heapPerReturn / 1024, 2)} KB |`,
      '',
      `Conservation over ${SKUS} SKUs x ${LOCATIONS} locations: ${check.problems.length === 0 ? '**conserved: yes**' : `**conserved: NO** (${check.problems.length} problems)`}.`,
      '',
      '| units | total |',
      '|---|---|',
      `| shipped to customers | ${check.totals.shipped} |`,
      `| returned (received) | ${check.totals.received} |`,
      `| back on sale (sellable, restocked) | ${check.totals.restock} |`,
      `| refurbished | ${check.totals.refurbish} |`,
      `| scrapped (damaged) | ${check.totals.scrap} |`,
      `| with the vendor (left the network) | ${check.totals.vendor} |`,
      `| still with customers | ${check.totals.shipped - check.totals.received} |`,
      `| refunded (EUR) / paid for returned units and shipping (EUR) | ${fixed(check.totals.refunded, 2)} / ${fixed(check.totals.paid, 2)} |`,
      ...(check.problems.length ? ['', 'Problems:', ...check.problems.slice(0, 20).map((p) => `- ${p}`)] : []),
    ].join('\n');
    console.log(text);
    writeResult('returns', `npm run bench:returns${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`, text, SMOKE);
    if (check.problems.length > 0) process.exitCode = 1;
  } finally {
    await run.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function seed(fulcrum: Fulcrum): Promise<void> {
  const pending: Promise<void>[] = [];
  for (let i = 0; i < LOCATIONS; i++) {
    pending.push(upsertLocation(fulcrum, `L${i}`, { name: `L${i}`, type: 'store', geo: { lat: 48 + i / 2, lon: 8 + i / 2 }, country: 'DE', capabilities: [], tags: [], status: 'active' }).durable);
  }
  for (let s = 0; s < SKUS; s++) pending.push(upsertProduct(fulcrum, { sku: `S${s}`, name: `S${s}`, attributes: { price: PRICE } }).durable);
  await Promise.all(pending);
  for (let i = 0; i < LOCATIONS; i++) for (let s = 0; s < SKUS; s++) pending.push(countStock(fulcrum, `L${i}`, `S${s}`, { onHand: INITIAL }).durable);
  pending.push(
    fulcrum.returns.policies.put(fulcrum.engine, {
      id: 'standard',
      windowDays: 30,
      windowFrom: 'shipment',
      reasons: ['too_small', 'damaged', 'changed_mind'],
      refund: { deductions: { outcomes: { scrap: 50 }, reasons: { changed_mind: 10 } } },
      updatedAt: new Date().toISOString(),
    }),
  );
  await Promise.all(pending);
}

/** Places N orders and takes each through payment and its fulfilment's steps to shipped. */
async function orderPhase(fulcrum: Fulcrum) {
  const ids: string[] = [];
  let last: Promise<void> = Promise.resolve();
  for (let i = 0; i < N; i++) {
    const lines = [{ sku: `S${i % SKUS}`, qty: 2, unitPrice: PRICE }];
    const placed = placeOrder(fulcrum, { customer: { id: `c${i}` }, deliverTo: { lat: 50, lon: 10, country: 'DE' }, lines, currency: 'EUR', shippingAmount: 4.9 }, 'bench');
    ids.push(placed.value.id);
    last = placed.durable;
    if (i % 200 === 199) await yieldTurn();
  }
  await last;
  const t = performance.now();
  let n = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    last = sendOrderEvent(fulcrum, id, { type: 'payment.authorized' }).durable;
    for (const f of fulcrum.orders.get(id)!.fulfilments) {
      for (const type of ['accepted', 'picked', 'packed', 'shipped']) last = sendEntityEvent(fulcrum, 'fulfilment', f.id, { type }).durable;
    }
    n += 5;
    if (i % 100 === 99) await yieldTurn();
  }
  await last;
  return { ids, eventsPerSec: n / ((performance.now() - t) / 1000) };
}

/** A return of both units of each order, through its whole lifecycle. */
async function returnPhase(fulcrum: Fulcrum, orders: string[]) {
  await settle();
  const heapBefore = process.memoryUsage().heapUsed;
  const facts0 = fulcrum.engine.counters.facts;
  const ids: string[] = [];
  let last: Promise<void> = Promise.resolve();
  let n = 0;
  const t = performance.now();
  for (let i = 0; i < orders.length; i++) {
    const orderId = orders[i]!;
    const sku = `S${i % SKUS}`;
    const opened = createReturn(fulcrum, { orderId, lines: [{ sku, qty: 2, reason: i % 3 === 0 ? 'changed_mind' : 'too_small' }], method: 'store', dropOffLocation: `L${i % LOCATIONS}` }, 'bench');
    const id = opened.value.id;
    ids.push(id);
    sendReturnEvent(fulcrum, id, { type: 'received' }, 'bench');
    const second = SECOND_OUTCOMES[i % SECOND_OUTCOMES.length]!;
    sendReturnEvent(fulcrum, id, { type: 'inspected', lines: [{ sku, qty: 1, outcome: 'restock' }, { sku, qty: 1, outcome: second }] }, 'bench');
    n += 3;
    if (second === 'refurbish') {
      sendReturnEvent(fulcrum, id, { type: 'refurbishment.completed' }, 'bench');
      n++;
    }
    last = sendReturnEvent(fulcrum, id, { type: 'refund.completed', refundId: `${id}-R1` }, 'bench').durable;
    n++;
    if (i % 100 === 99) await yieldTurn();
  }
  await last;
  const seconds = (performance.now() - t) / 1000;
  await settle();
  return { ids, eventsPerSec: n / seconds, perSec: orders.length / seconds, factsPerEvent: (fulcrum.engine.counters.facts - facts0) / n, heapPerReturn: (process.memoryUsage().heapUsed - heapBefore) / orders.length };
}

/**
 * Every unit that shipped is accounted for exactly once, per SKU: the returns' own records (what each
 * received, and each unit's outcome) against the stock positions summed over locations.
 */
function conservation(fulcrum: Fulcrum, orders: string[], returns: string[]) {
  const problems: string[] = [];
  const totals = { shipped: 0, received: 0, restock: 0, refurbish: 0, scrap: 0, vendor: 0, refunded: 0, paid: 0 };
  const bySku = new Map<string, { shipped: number; received: number; restock: number; refurbish: number; scrap: number; vendor: number }>();
  const of = (sku: string) => bySku.get(sku) ?? (bySku.set(sku, { shipped: 0, received: 0, restock: 0, refurbish: 0, scrap: 0, vendor: 0 }), bySku.get(sku)!);
  for (const id of orders) for (const f of fulcrum.orders.get(id)!.fulfilments) if (f.status === 'shipped') for (const l of f.lines) of(l.sku).shipped += l.qty;
  const refundedByOrder = new Map<string, number>();
  for (const id of returns) {
    const found = fulcrum.engine.entityState('return', id)!;
    const r = found.state.context as { orderId: string; received?: Array<{ sku: string; qty: number }>; dispositions?: DispositionLine[]; refunds?: Refund[] };
    if (found.state.value !== 'closed') problems.push(`return ${id} is ${String(found.state.value)}, not closed`);
    for (const l of r.received ?? []) of(l.sku).received += l.qty;
    for (const d of r.dispositions ?? []) of(d.sku)[d.outcome] += d.qty;
    for (const f of r.refunds ?? []) if (f.status === 'completed') refundedByOrder.set(r.orderId, (refundedByOrder.get(r.orderId) ?? 0) + Math.round((f.total ?? 0) * 100));
  }
  for (const id of orders) {
    const o = fulcrum.orders.get(id)!;
    const paid = Math.round((o.shippingAmount ?? 0) * 100) + o.lines.reduce((s, l) => s + Math.round(((l as { unitPrice?: number }).unitPrice ?? 0) * 100) * l.qty, 0);
    const refunded = refundedByOrder.get(id) ?? 0;
    if (refunded > paid) problems.push(`order ${id}: refunded ${refunded / 100}, paid ${paid / 100}`);
    totals.refunded += refunded / 100;
    totals.paid += paid / 100;
  }
  for (let s = 0; s < SKUS; s++) {
    const sku = `S${s}`;
    const e = of(sku);
    let sellable = 0;
    let shipped = 0;
    const other: Record<string, number> = {};
    for (let i = 0; i < LOCATIONS; i++) {
      const p = fulcrum.engine.position(`L${i}`, sku)!;
      sellable += p.sellable + p.reserved;
      shipped += p.shipped;
      for (const [status, n] of Object.entries(p.other ?? {})) other[status] = (other[status] ?? 0) + n;
    }
    const expect = (what: string, got: number, want: number) => {
      if (got !== want) problems.push(`${sku}: ${what} ${got}, expected ${want}`);
    };
    expect('shipped (positions vs shipped fulfilments)', shipped, e.shipped);
    expect('outcomes given (restock + refurbish + scrap + vendor) vs units received', e.restock + e.refurbish + e.scrap + e.vendor, e.received);
    expect('sellable on hand (initial - shipped + restocked)', sellable, LOCATIONS * INITIAL - e.shipped + e.restock);
    expect('refurbished', other.refurbished ?? 0, e.refurbish);
    expect('damaged (scrapped)', other.damaged ?? 0, e.scrap);
    expect('returns_received (waiting for inspection)', other.returns_received ?? 0, 0);
    expect('refurbishing', other.refurbishing ?? 0, 0);
    const onHand = sellable + Object.values(other).reduce((a, b) => a + b, 0);
    expect('on hand + shipped (initial + received - with the vendor)', onHand + shipped, LOCATIONS * INITIAL + e.received - e.vendor);
    for (const k of ['shipped', 'received', 'restock', 'refurbish', 'scrap', 'vendor'] as const) totals[k] += e[k];
  }
  return { problems, totals };
}


main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
