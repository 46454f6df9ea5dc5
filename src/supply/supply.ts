import type { AnyMachineSnapshot } from 'xstate';
import type { OrderContext } from '../../actors/index.js';
import type { StoredState } from '../../snapshots/index.js';
import { DomainError, type ErrorDetail } from '../domain/errors.js';
import type { Fulfilment, OrderLine } from '../domain/order.js';
import { priorityPrefix, type Allotment, type BackorderOption, type FutureBucket, type InboundContext, type PriorityFacts, type SkuUnits, type SupplyRule, type WaitingLine } from '../domain/supply.js';
import type { Engine, EntityEntry, Step } from '../engine/index.js';
import { orderResourcingAsk, planAndReserve, type ShortOrderLine, type Sourcing } from '../sourcing/index.js';
import type { Stock } from '../stock/index.js';
import { SupplyRules } from './rules.js';

/** What the supply module reads and changes. */
export interface SupplyPorts {
  readonly engine: Engine;
  readonly stock: Stock;
  readonly sourcing: Sourcing;
}

const DAY = 86_400_000;

/** Allotted order lines sourced per step at most when a receipt meets a long queue. */
export const ALLOCATION_BATCH = 50;

/**
 * And the time a background batch may take: past it the batch ends and intake gets the thread (a batch of 50
 * took 12-20 ms here, which put 200 ms on intake's p99 during an arrival of 50,000).
 */
const BATCH_BUDGET_MS = 4;

/** How long an allotment the stock could not source (a pool buffer holding its units) waits to be tried again. */
const RETRY_STUCK_MS = 2_000;

/** A waiting line before the queue gave it a rank. */
export type Unranked = Omit<WaitingLine, 'rank'>;

/** One order's units in an inbound's queue. */
interface QueueEntry {
  rank: string;
  orderId: string;
  sku: string;
  qty: number;
}

/** Units per inbound and SKU of some waiting lines. */
function perInbound(lines: readonly { inbound: string; sku: string; qty: number }[]): Map<string, SkuUnits> {
  const out = new Map<string, SkuUnits>();
  for (const l of lines) {
    const units = out.get(l.inbound) ?? [];
    const same = units.find((u) => u.sku === l.sku);
    if (same) same.qty += l.qty;
    else units.push({ sku: l.sku, qty: l.qty });
    out.set(l.inbound, units);
  }
  return out;
}

/** What planning waiting lines needs of an order. */
export interface WaitingAsk {
  lines: ReadonlyArray<OrderLine>;
  pool: string;
  channel: string;
  now: number;
  backorder?: BackorderOption;
  /** Only inbound expected at this location may be promised (an order collected there). */
  at?: string;
}

/** An order split into what ships from stock and what waits on inbound supply. */
export interface WaitingPlan {
  inStock: OrderLine[];
  waiting: Unranked[];
  payment: 'at_order' | 'at_allocation';
  backorder: BackorderOption;
}

/** One inbound's promisable units of a SKU for a rule: `qty` from `from` on. */
export interface Promisable extends FutureBucket {
  inbound: string;
}

/**
 * Supply over time: the inbound entities by SKU, what each sold against them (waiting plus allocated), the
 * supply rules, and what can be promised by date. Allocation on arrival runs in the receipt's step: the
 * received units go to the waiting orders in queue order before anything else can take them. The indexes
 * are derived state, kept current by the engine's entity changes and rebuilt from the inbound entities
 * (open ones in memory, finished ones in the store) on recovery.
 */
export class Supply {
  readonly rules = new SupplyRules();
  readonly #ports: SupplyPorts;
  /** sku -> ids of open inbound expecting it. */
  readonly #openBySku = new Map<string, Set<string>>();
  /** inbound id -> units it has sold against it, per SKU (waiting claims plus allocated units). */
  readonly #soldByInbound = new Map<string, Map<string, number>>();
  /** sku -> units sold against all inbound, open and finished. */
  readonly #soldBySku = new Map<string, number>();
  /** inbound id -> sku -> the orders waiting, by rank (derived from the orders' waiting lines). */
  readonly #queues = new Map<string, Map<string, QueueEntry[]>>();
  /** Inbound with held units still to allocate in later steps. */
  readonly #pending = new Set<string>();
  /** Inbound whose front allotment could not be sourced, waiting for a retry. */
  readonly #retrying = new Set<string>();
  #draining = false;
  /** SKUs whose inbound changed in the running step (their future buckets go to the feed at its end). */
  readonly #touched = new Set<string>();
  #idle: Promise<void> | undefined;

  constructor(ports: SupplyPorts) {
    this.#ports = ports;
    const { engine } = ports;
    engine.onEntityChanged((entry) => {
      if (entry.kind === 'inbound') this.#track(entry.snapshot);
    });
    engine.onRecovered(() => {
      this.rules.load(engine);
      this.#rebuild(engine);
    });
    engine.handleEffect('supply.unclaim', (step, from, effect) => this.unclaim(step, from.id, effect.lines));
    engine.onStepEnd((step) => this.#publishFuture(step));
  }

  /** An inbound as it is now (open ones live, finished ones from the store). */
  inbound(id: string): { state: string; context: InboundContext } | undefined {
    const found = this.#ports.engine.entityState('inbound', id);
    return found && { state: String(found.state.value), context: found.state.context as InboundContext };
  }

  /** The open inbound expecting a SKU, live. */
  openInbound(sku: string): InboundContext[] {
    const out: InboundContext[] = [];
    for (const id of this.#openBySku.get(sku) ?? []) {
      const entry = this.#ports.engine.registry.entities('inbound').get(id);
      if (entry) out.push(entry.snapshot.context as InboundContext);
    }
    return out.sort((a, b) => (a.expectedAt < b.expectedAt ? -1 : a.expectedAt > b.expectedAt ? 1 : a.id < b.id ? -1 : 1));
  }

  /** Units of a SKU still expected at the pool's locations (every open inbound, whatever the rules). */
  inboundUnits(sku: string, pool: string): number {
    let n = 0;
    for (const i of this.openInbound(sku)) if (this.#ports.stock.index.isMember(pool, i.location)) n += remaining(i, sku);
    return n;
  }

  /** Units of a SKU still expected at one location (every open inbound there). */
  inboundAt(location: string, sku: string): number {
    let n = 0;
    for (const i of this.openInbound(sku)) if (i.location === location) n += remaining(i, sku);
    return n;
  }

  /** Units of a SKU sold against inbound so far (waiting and allocated, open and finished inbound). */
  sold(sku: string): number {
    return this.#soldBySku.get(sku) ?? 0;
  }

  /**
   * What can still be promised of a SKU under a rule at the pool's locations, per inbound, soonest first:
   * each inbound's units still expected, at the rule's confidence for its kind, less what waits on it; within
   * the per-inbound cap and the rule's cap, and no later than its longest lead time.
   */
  promisable(rule: SupplyRule, sku: string, pool: string, now: number, at?: string): Promisable[] {
    const out: Promisable[] = [];
    let capLeft = rule.cap === undefined ? Infinity : rule.cap - rule.skus.reduce((n, s) => n + this.sold(s), 0);
    for (const i of this.openInbound(sku)) {
      if (capLeft <= 0) break;
      if (!this.#ports.stock.index.isMember(pool, i.location) || (at !== undefined && i.location !== at)) continue;
      if (rule.maxLeadDays !== undefined && Date.parse(i.expectedAt) > now + rule.maxLeadDays * DAY) continue;
      const confidence = rule.confidence?.[i.kind] ?? 100;
      const waiting = i.waiting[sku] ?? 0;
      let qty = Math.floor((remaining(i, sku) * confidence) / 100) - waiting;
      if (rule.capPerInbound !== undefined) {
        const soldHere = rule.skus.reduce((n, s) => n + (this.#soldByInbound.get(i.id)?.get(s) ?? 0), 0);
        qty = Math.min(qty, rule.capPerInbound - soldHere);
      }
      qty = Math.min(qty, capLeft);
      if (qty <= 0) continue;
      capLeft -= qty;
      out.push({ inbound: i.id, qty, from: i.expectedAt });
    }
    return out;
  }

  /** The future buckets of a SKU on a pool when a supply rule covers it there (undefined otherwise). */
  futureOn(pool: string, sku: string, now: number): FutureBucket[] | undefined {
    const rule = this.rules.ruleFor(sku, pool, this.#ports.stock.index.pool(pool)?.channel ?? 'default');
    return rule ? this.future(rule, sku, pool, now) : undefined;
  }

  /**
   * At the end of a step, attaches the future buckets to the availability changes of SKUs under a rule, and
   * adds a change for SKUs whose supply changed while their ATS did not (a claim, a date that moved): the
   * feed then carries them with ATS, from the state the step commits.
   */
  #publishFuture(step: Step): void {
    if (this.#touched.size === 0 && (step.changes.length === 0 || this.rules.size === 0)) return;
    const { index } = this.#ports.stock;
    const seen = new Set<string>();
    for (let k = step.changes.length - 1; k >= 0; k--) {
      const ch = step.changes[k]!;
      const key = `${ch.pool}\u0000${ch.sku}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const future = this.futureOn(ch.pool, ch.sku, step.at);
      if (future) ch.future = future;
    }
    for (const sku of this.#touched) {
      for (const pool of index.poolIds()) {
        if (seen.has(`${pool}\u0000${sku}`)) continue;
        const future = this.futureOn(pool, sku, step.at);
        if (future) step.changes.push({ pool, sku, ats: index.ats(pool, sku), future });
      }
    }
    this.#touched.clear();
  }

  /** The promisable units by date, merged per date (the `future` of availability). */
  future(rule: SupplyRule | undefined, sku: string, pool: string, now: number): FutureBucket[] {
    if (!rule) return [];
    const byDate = new Map<string, number>();
    for (const p of this.promisable(rule, sku, pool, now)) byDate.set(p.from, (byDate.get(p.from) ?? 0) + p.qty);
    return [...byDate].map(([from, qty]) => ({ qty, from }));
  }

  /**
   * Takes `qty` units of promisable supply, soonest first, as the waiting lines of an order (nothing
   * changes); undefined when there is not enough.
   */
  take(rule: SupplyRule, sku: string, qty: number, pool: string, now: number, at?: string): Unranked[] | undefined {
    const lines: Unranked[] = [];
    let left = qty;
    for (const p of this.promisable(rule, sku, pool, now, at)) {
      if (left === 0) break;
      const n = Math.min(left, p.qty);
      lines.push({ sku, qty: n, inbound: p.inbound, mode: rule.mode, promisedAt: p.from });
      left -= n;
    }
    return left === 0 ? lines : undefined;
  }

  /**
   * Which units of an order's short lines may wait on inbound supply: every short line's SKU must be under a
   * rule for the order's pool and channel (else undefined: the order is refused as before), a pre-order
   * within its window (else 409 `preorder_closed`), and enough promisable (else 409 `insufficient_stock`
   * naming what can be promised). `whole` makes whole short lines wait (when the units in stock cannot be
   * planned on their own); otherwise what is in stock ships now. Changes nothing.
   */
  planWaiting(ask: WaitingAsk, short: readonly ShortOrderLine[], whole: boolean): WaitingPlan | undefined {
    const cut = new Map<number, number>();
    const perSku = new Map<string, { rule: SupplyRule; qty: number; lines: number[] }>();
    const closed: ErrorDetail[] = [];
    for (const s of short) {
      const rule = this.rules.ruleFor(s.sku, ask.pool, ask.channel);
      if (!rule) return undefined;
      const window = rule.mode === 'preorder' ? rule.window : undefined;
      if (window && ((window.from !== undefined && ask.now < Date.parse(window.from)) || (window.to !== undefined && ask.now > Date.parse(window.to)))) {
        closed.push({ path: `lines[${s.line}]`, message: `${s.sku}: pre-orders are taken from ${window.from ?? 'now'} to ${window.to ?? 'open end'} (rule '${rule.id}')` });
      }
      const wait = whole ? s.requested : s.requested - Math.min(s.available, s.requested);
      cut.set(s.line, wait);
      const entry = perSku.get(s.sku) ?? { rule, qty: 0, lines: [] };
      entry.qty += wait;
      entry.lines.push(s.line);
      perSku.set(s.sku, entry);
    }
    if (closed.length > 0) throw new DomainError('preorder_closed', 'the pre-order window is closed', closed);
    const waiting: Unranked[] = [];
    const short2: ErrorDetail[] = [];
    for (const [sku, { rule, qty, lines }] of perSku) {
      const taken = this.take(rule, sku, qty, ask.pool, ask.now, ask.at);
      if (taken) waiting.push(...taken);
      else {
        const can = this.promisable(rule, sku, ask.pool, ask.now, ask.at).reduce((n, p) => n + p.qty, 0);
        const where = ask.at === undefined ? `in pool ${ask.pool}` : `at ${ask.at}`;
        short2.push({ path: `lines[${lines[0]}]`, message: `${sku}: ${qty} more than in stock, ${can} promisable against inbound ${where} (rule '${rule.id}')`, sku, requested: qty, promisable: can });
      }
    }
    if (short2.length > 0) throw new DomainError('insufficient_stock', 'order cannot be sourced: not enough in stock or promisable against inbound', short2);
    const inStock = ask.lines.map((l, i) => ({ ...l, qty: l.qty - (cut.get(i) ?? 0) })).filter((l) => l.qty > 0);
    const first = perSku.values().next().value!.rule;
    return { inStock, waiting, backorder: ask.backorder ?? first.backorder ?? 'ship-available', payment: first.payment ?? 'at_order' };
  }

  /**
   * Queues an order's waiting lines on their inbound, in the step that creates the order, and returns them
   * with their rank (the order records them): the rule's priority keys first, then first come, first served
   * (the step's sequence); a line moved from a cancelled inbound keeps the rank it had.
   */
  claim(step: Step, orderId: string, lines: readonly Unranked[], who: PriorityFacts & { pool: string }, keepRank?: string): WaitingLine[] {
    const ranked = lines.map((l, i) => {
      const prefix = priorityPrefix(this.rules.ruleFor(l.sku, who.pool, who.channel)?.priority, l.mode, who);
      return { ...l, rank: keepRank ?? `${prefix}|${String(step.seq).padStart(12, '0')}.${String(i).padStart(3, '0')}` };
    });
    for (const [id, units] of perInbound(ranked)) {
      const entry = this.#ports.engine.registry.entities('inbound').get(id);
      if (!entry || !this.#ports.engine.send(step, entry, { type: 'inbound.claimed', lines: units, at: step.iso })) {
        throw new Error(`inbound ${id} refused a claim it was planned for`);
      }
    }
    for (const l of ranked) this.#enqueue(orderId, l);
    return ranked;
  }

  /**
   * Frees an order's place in the queues of the inbound it waits on (the order, or some of its units, was
   * cancelled): units still in the queue leave it; units a receipt already gave the order (allotted, not yet
   * sourced) are taken back and go to the next in line, or back on sale when nobody else waits.
   */
  unclaim(step: Step, orderId: string, lines: readonly WaitingLine[]): void {
    const { engine, stock } = this.#ports;
    for (const [id, units] of perInbound(lines)) {
      const entry = engine.registry.entities('inbound').get(id);
      const queued: SkuUnits = [];
      const withdraw: Allotment[] = [];
      for (const u of units) {
        const fromQueue = this.#dequeue(orderId, id, u.sku, u.qty);
        if (fromQueue > 0) queued.push({ sku: u.sku, qty: fromQueue });
        if (u.qty > fromQueue) withdraw.push([orderId, u.sku, u.qty - fromQueue]);
      }
      if (!entry) continue;
      if (queued.length > 0) engine.send(step, entry, { type: 'inbound.unclaimed', lines: queued, at: step.iso });
      if (withdraw.length > 0) {
        const { location } = entry.snapshot.context as InboundContext;
        const add: Allotment[] = [];
        for (const [, sku, qty] of withdraw) {
          const next = this.#allotFromQueue(id, sku, qty);
          add.push(...next.add);
          if (next.left > 0) stock.release(step, location, id, [{ sku, qty: next.left }]);
        }
        engine.send(step, entry, { type: 'inbound.withdrawn', withdraw, add, at: step.iso });
        if (add.length > 0) this.#schedule(id);
      }
    }
  }

  /** Takes an order's units out of an inbound's queue without telling the inbound (it is being cancelled). */
  unqueue(inbound: string, orderId: string, sku: string, qty: number): void {
    this.#dequeue(orderId, inbound, sku, qty);
  }

  /**
   * The orders waiting on an inbound, in the order they will be allocated: `[orderId, sku, qty]`; first those
   * a receipt already gave units to (allotted, being sourced), then the queue by rank.
   */
  queue(inbound: string): Array<[string, string, number]> {
    const entry = this.#ports.engine.registry.entities('inbound').get(inbound);
    const allotted = ((entry?.snapshot.context as InboundContext | undefined)?.allotted ?? []).map((a): [string, string, number] => [a[0], a[1], a[2]]);
    return [...allotted, ...this.unallotted(inbound)];
  }

  /**
   * An order's place among those waiting for a SKU on an inbound, counting from 1 (allotted orders first,
   * then the queue by rank); undefined when it is not there. Linear in the queue: for a view, not a loop.
   */
  placeOf(inbound: string, sku: string, orderId: string): number | undefined {
    let place = 0;
    const i = this.#ports.engine.registry.entities('inbound').get(inbound)?.snapshot.context as InboundContext | undefined;
    for (const [order, s] of i?.allotted ?? []) {
      if (s !== sku) continue;
      place++;
      if (order === orderId) return place;
    }
    for (const e of this.#queues.get(inbound)?.get(sku) ?? []) {
      place++;
      if (e.orderId === orderId) return place;
    }
    return undefined;
  }

  /** The orders in an inbound's queue that no receipt has given units yet, by rank. */
  unallotted(inbound: string): Array<[string, string, number]> {
    const all = [...(this.#queues.get(inbound)?.values() ?? [])].flat().sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
    return all.map((e) => [e.orderId, e.sku, e.qty]);
  }

  /**
   * Gives received units to the queue, front first, in the receipt's step: the order of priority is the one
   * at arrival, and an order placed later cannot pass those already served. Returns the allotments (taken out
   * of the queue) and the units nobody waited for; the caller records them on the inbound.
   */
  allot(inbound: string, received: SkuUnits): { add: Allotment[]; left: SkuUnits } {
    const add: Allotment[] = [];
    const left: SkuUnits = [];
    for (const r of received) {
      const got = this.#allotFromQueue(inbound, r.sku, r.qty);
      add.push(...got.add);
      if (got.left > 0) left.push({ sku: r.sku, qty: got.left });
    }
    return { add, left };
  }

  #allotFromQueue(inbound: string, sku: string, units: number): { add: Allotment[]; left: number } {
    const queue = this.#queues.get(inbound)?.get(sku) ?? [];
    const add: Allotment[] = [];
    let left = units;
    let taken = 0;
    while (left > 0 && taken < queue.length) {
      const e = queue[taken]!;
      const qty = Math.min(left, e.qty);
      add.push([e.orderId, sku, qty]);
      left -= qty;
      if (qty === e.qty) taken++;
      else e.qty -= qty;
    }
    queue.splice(0, taken);
    return { add, left };
  }

  /**
   * Sources up to `max` allotted order lines, front first, inside a step: each one's units go back to the
   * shelf and are sourced by the optimizer for the order (they are free at the inbound's location now, so they
   * are there to find) and reserved; the order hears `order.allocated` with its new fulfilments; the inbound
   * records the batch in one event. Units of an order gone meanwhile go to the next in line (or back on sale).
   * A line that cannot be sourced (a pool buffer holding the units back) stops the batch, keeping its place
   * and its units held (`stuck`: a timer tries again); so does the clock passing `until` (checked every 8
   * lines). Returns what it allocated, and whether more is left.
   */
  allocateBatch(step: Step, inbound: EntityEntry, max: number, until = Infinity): { allocated: Array<{ orderId: string; sku: string; qty: number }>; more: boolean; stuck: boolean } {
    const { engine, stock } = this.#ports;
    const i = inbound.snapshot.context as InboundContext;
    const list = i.allotted ?? [];
    const allocated: Array<{ orderId: string; sku: string; qty: number }> = [];
    const sourced = new Map<string, number>();
    const add: Allotment[] = [];
    let done = 0;
    let stuck = false;
    while (done < list.length && allocated.length < max && (allocated.length % 8 !== 0 || performance.now() < until)) {
      const [orderId, sku, qty] = list[done]!;
      const order = engine.registry.orders.get(orderId);
      if (!order) {
        const next = this.#allotFromQueue(inbound.id, sku, qty);
        add.push(...next.add);
        if (next.left > 0) stock.release(step, i.location, inbound.id, [{ sku, qty: next.left }]);
        done++;
        continue;
      }
      stock.release(step, i.location, inbound.id, [{ sku, qty }]);
      const ask = orderResourcingAsk(order.snapshot.context as OrderContext, [{ sku, qty }]);
      // A transfer sourcing made for this order brings its units to the location it ships from.
      const outcome = planAndReserve(this.#ports, step, i.forOrder === orderId ? { ...ask, onlyAt: i.location } : ask);
      if (!outcome.ok) {
        stock.reserve(step, i.location, inbound.id, [{ sku, qty }]);
        stuck = true;
        break;
      }
      engine.send(step, order, { type: 'order.allocated', sku, qty, inbound: inbound.id, fulfilments: outcome.fulfilments as Fulfilment[], at: step.iso });
      allocated.push({ orderId, sku, qty });
      sourced.set(sku, (sourced.get(sku) ?? 0) + qty);
      done++;
    }
    if (done > 0 || add.length > 0) {
      engine.send(step, inbound, { type: 'inbound.allocated', done, lines: [...sourced].map(([sku, qty]) => ({ sku, qty })), add, at: step.iso });
    }
    const left = (inbound.snapshot.context as InboundContext).allotted?.length ?? 0;
    return { allocated, more: !stuck && left > 0, stuck };
  }

  /**
   * Sources what a receipt allotted: a first batch in the step at hand (the receipt's), the rest in later
   * steps, each a batch, yielding to other commands in between; the held units stay reserved for their orders
   * meanwhile, so nothing else can take them. Also resumes after a restart.
   */
  allocate(step: Step, inbound: EntityEntry): Array<{ orderId: string; sku: string; qty: number }> {
    const first = this.allocateBatch(step, inbound, ALLOCATION_BATCH);
    if (first.more) this.#schedule(inbound.id);
    if (first.stuck) this.#retryLater(inbound.id);
    return first.allocated;
  }

  /** Resolves when no allocation is left running in the background. */
  allocating(): Promise<void> {
    return this.#idle ?? Promise.resolve();
  }

  #schedule(id: string): void {
    this.#pending.add(id);
    if (this.#draining) return;
    this.#draining = true;
    let done!: () => void;
    this.#idle = new Promise((r) => (done = r));
    const next = () => {
      const [id] = this.#pending;
      const { engine } = this.#ports;
      if (id === undefined || engine.failure || engine.closing) {
        this.#draining = false;
        this.#idle = undefined;
        done();
        return;
      }
      const entry = engine.registry.entities('inbound').get(id);
      const until = performance.now() + BATCH_BUDGET_MS;
      const batch = entry ? engine.run((step) => this.allocateBatch(step, entry, ALLOCATION_BATCH, until), 'allocation').value : undefined;
      if (!batch?.more) this.#pending.delete(id);
      if (batch?.stuck) this.#retryLater(id);
      after = engine.journal.nextSeq;
      // Other commands ran since the last batch (intake is busy): leave them the thread for twice as long as
      // a batch may take, so that allocation takes at most about a third of it; on a quiet server, straight on.
      setImmediate(() => (engine.journal.nextSeq > after ? setTimeout(next, 2 * BATCH_BUDGET_MS) : next()));
    };
    let after = this.#ports.engine.journal.nextSeq;
    setImmediate(next);
  }

  /** An allotment the stock cannot source yet (a pool buffer holding its units) is tried again a little later. */
  #retryLater(id: string): void {
    if (this.#retrying.has(id)) return;
    this.#retrying.add(id);
    setTimeout(() => {
      this.#retrying.delete(id);
      if (!this.#ports.engine.closing && this.#ports.engine.registry.entities('inbound').has(id)) this.#schedule(id);
    }, RETRY_STUCK_MS).unref();
  }

  #enqueue(orderId: string, l: WaitingLine): void {
    let bySku = this.#queues.get(l.inbound);
    if (!bySku) this.#queues.set(l.inbound, (bySku = new Map()));
    let q = bySku.get(l.sku);
    if (!q) bySku.set(l.sku, (q = []));
    const e: QueueEntry = { rank: l.rank, orderId, sku: l.sku, qty: l.qty };
    // Ranks mostly arrive in order (append); a moved line keeps an older rank and is inserted.
    if (q.length === 0 || q[q.length - 1]!.rank <= e.rank) {
      q.push(e);
      return;
    }
    let lo = 0;
    let hi = q.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (q[mid]!.rank <= e.rank) lo = mid + 1;
      else hi = mid;
    }
    q.splice(lo, 0, e);
  }

  /** Takes up to `qty` of an order's units of a SKU out of an inbound's queue; returns how many were there. */
  #dequeue(orderId: string, inbound: string, sku: string, qty: number): number {
    const q = this.#queues.get(inbound)?.get(sku);
    if (!q) return 0;
    let left = qty;
    for (let k = 0; k < q.length && left > 0; k++) {
      const e = q[k]!;
      if (e.orderId !== orderId) continue;
      const take = Math.min(left, e.qty);
      e.qty -= take;
      left -= take;
      if (e.qty === 0) q.splice(k--, 1);
    }
    return qty - left;
  }

  #track(snapshot: AnyMachineSnapshot | StoredState): void {
    const i = snapshot.context as InboundContext;
    for (const l of i.lines) this.#touched.add(l.sku);
    const open = snapshot.value === 'open';
    for (const l of i.lines) {
      let ids = this.#openBySku.get(l.sku);
      if (open && l.received < l.qty) {
        if (!ids) this.#openBySku.set(l.sku, (ids = new Set()));
        ids.add(i.id);
      } else if (ids) {
        ids.delete(i.id);
        if (ids.size === 0) this.#openBySku.delete(l.sku);
      }
    }
    const now = new Map<string, number>();
    for (const [sku, n] of Object.entries(i.waiting)) now.set(sku, (now.get(sku) ?? 0) + n);
    for (const [sku, n] of Object.entries(i.held)) now.set(sku, (now.get(sku) ?? 0) + n);
    for (const [sku, n] of Object.entries(i.allocated)) now.set(sku, (now.get(sku) ?? 0) + n);
    const before = this.#soldByInbound.get(i.id);
    for (const [sku, n] of before ?? []) this.#soldBySku.set(sku, (this.#soldBySku.get(sku) ?? 0) - n);
    for (const [sku, n] of now) this.#soldBySku.set(sku, (this.#soldBySku.get(sku) ?? 0) + n);
    this.#soldByInbound.set(i.id, now);
  }

  #rebuild(engine: Engine): void {
    this.#openBySku.clear();
    this.#soldByInbound.clear();
    this.#soldBySku.clear();
    const live = engine.registry.entities('inbound');
    for (const entry of live.values()) this.#track(entry.snapshot);
    for (const { key, value } of engine.store.actors.getRange({ start: 'inb:', end: 'inb;' })) {
      if (!live.has(key.slice(4))) this.#track(value.snapshot as StoredState);
    }
    // The queues, from the waiting lines of open orders (each order holds its own place), less the units a
    // receipt already gave them (the inbound's allotments, sourced from the front of the list).
    this.#queues.clear();
    const given = new Map<string, number>();
    const keyOf = (order: string, inbound: string, sku: string) => `${order}\u0000${inbound}\u0000${sku}`;
    for (const entry of live.values()) {
      for (const [order, sku, qty] of (entry.snapshot.context as InboundContext).allotted ?? []) {
        const key = keyOf(order, entry.id, sku);
        given.set(key, (given.get(key) ?? 0) + qty);
      }
    }
    const lines: Array<[string, WaitingLine]> = [];
    for (const order of engine.registry.orders.values()) {
      for (const w of (order.snapshot.context as OrderContext).waiting ?? []) {
        const key = keyOf(order.id, w.inbound, w.sku);
        const allotted = Math.min(w.qty, given.get(key) ?? 0);
        if (allotted > 0) given.set(key, given.get(key)! - allotted);
        if (w.qty > allotted) lines.push([order.id, { ...w, qty: w.qty - allotted }]);
      }
    }
    lines.sort((a, b) => (a[1].rank < b[1].rank ? -1 : a[1].rank > b[1].rank ? 1 : 0));
    for (const [id, w] of lines) this.#enqueue(id, w);
    // Allocation cut short by a restart goes on where it stopped.
    for (const entry of live.values()) if (((entry.snapshot.context as InboundContext).allotted ?? []).length > 0) this.#schedule(entry.id);
    this.#touched.clear();
  }
}

/** Units of a SKU an inbound still expects. */
function remaining(i: InboundContext, sku: string): number {
  let n = 0;
  for (const l of i.lines) if (l.sku === sku) n += Math.max(0, l.qty - l.received);
  return n;
}
