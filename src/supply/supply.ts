import type { AnyMachineSnapshot } from 'xstate';
import type { OrderContext } from '../../actors/index.js';
import type { StoredState } from '../../snapshots/index.js';
import { DomainError, type ErrorDetail } from '../domain/errors.js';
import type { Fulfilment, OrderLine } from '../domain/order.js';
import type { BackorderOption, FutureBucket, InboundContext, SupplyClaim, SupplyRule, WaitingLine } from '../domain/supply.js';
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

/** What planning waiting lines needs of an order. */
export interface WaitingAsk {
  lines: ReadonlyArray<OrderLine>;
  pool: string;
  channel: string;
  now: number;
  backorder?: BackorderOption;
}

/** An order split into what ships from stock and what waits on inbound supply. */
export interface WaitingPlan {
  inStock: OrderLine[];
  waiting: WaitingLine[];
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
    engine.handleEffect('supply.unclaim', (step, from, effect) => this.unclaim(step, from.id, effect.inbounds));
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

  /** Units of a SKU sold against inbound so far (waiting and allocated, open and finished inbound). */
  sold(sku: string): number {
    return this.#soldBySku.get(sku) ?? 0;
  }

  /**
   * What can still be promised of a SKU under a rule at the pool's locations, per inbound, soonest first:
   * each inbound's units still expected, at the rule's confidence for its kind, less what waits on it; within
   * the per-inbound cap and the rule's cap, and no later than its longest lead time.
   */
  promisable(rule: SupplyRule, sku: string, pool: string, now: number): Promisable[] {
    const out: Promisable[] = [];
    let capLeft = rule.cap === undefined ? Infinity : rule.cap - rule.skus.reduce((n, s) => n + this.sold(s), 0);
    for (const i of this.openInbound(sku)) {
      if (capLeft <= 0) break;
      if (!this.#ports.stock.index.isMember(pool, i.location)) continue;
      if (rule.maxLeadDays !== undefined && Date.parse(i.expectedAt) > now + rule.maxLeadDays * DAY) continue;
      const confidence = rule.confidence?.[i.kind] ?? 100;
      const waiting = i.claims.reduce((n, c) => n + (c.sku === sku ? c.qty : 0), 0);
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
  take(rule: SupplyRule, sku: string, qty: number, pool: string, now: number): WaitingLine[] | undefined {
    const lines: WaitingLine[] = [];
    let left = qty;
    for (const p of this.promisable(rule, sku, pool, now)) {
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
    const waiting: WaitingLine[] = [];
    const short2: ErrorDetail[] = [];
    for (const [sku, { rule, qty, lines }] of perSku) {
      const taken = this.take(rule, sku, qty, ask.pool, ask.now);
      if (taken) waiting.push(...taken);
      else {
        const can = this.promisable(rule, sku, ask.pool, ask.now).reduce((n, p) => n + p.qty, 0);
        short2.push({ path: `lines[${lines[0]}]`, message: `${sku}: ${qty} more than in stock, ${can} promisable against inbound in pool ${ask.pool} (rule '${rule.id}')`, sku, requested: qty, promisable: can });
      }
    }
    if (short2.length > 0) throw new DomainError('insufficient_stock', 'order cannot be sourced: not enough in stock or promisable against inbound', short2);
    const inStock = ask.lines.map((l, i) => ({ ...l, qty: l.qty - (cut.get(i) ?? 0) })).filter((l) => l.qty > 0);
    const first = perSku.values().next().value!.rule;
    return { inStock, waiting, backorder: ask.backorder ?? first.backorder ?? 'ship-available' };
  }

  /**
   * Queues an order's waiting lines on their inbound, in the step that creates the order. First come, first
   * served: the rank is the step's sequence (pre-orders and backorders alike); a line moved from a cancelled
   * inbound keeps the rank it had.
   */
  claim(step: Step, orderId: string, lines: readonly WaitingLine[], keepRank?: string): void {
    const byInbound = new Map<string, SupplyClaim[]>();
    lines.forEach((l, i) => {
      const rank = keepRank ?? `${String(step.seq).padStart(12, '0')}.${String(i).padStart(3, '0')}`;
      const list = byInbound.get(l.inbound) ?? [];
      list.push({ orderId, sku: l.sku, qty: l.qty, mode: l.mode, rank, promisedAt: l.promisedAt, at: step.iso });
      byInbound.set(l.inbound, list);
    });
    for (const [id, claims] of byInbound) {
      const entry = this.#ports.engine.registry.entities('inbound').get(id);
      if (!entry || !this.#ports.engine.send(step, entry, { type: 'inbound.claimed', claims, at: step.iso })) {
        throw new Error(`inbound ${id} refused a claim it was planned for`);
      }
    }
  }

  /** Frees an order's place in the queues of the inbound it waits on (the order was cancelled). */
  unclaim(step: Step, orderId: string, inbounds: readonly string[]): void {
    for (const id of new Set(inbounds)) {
      const entry = this.#ports.engine.registry.entities('inbound').get(id);
      if (entry) this.#ports.engine.send(step, entry, { type: 'inbound.unclaimed', orderId, at: step.iso });
    }
  }

  /**
   * Allocates received units to the orders waiting on the inbound, in queue order, inside the receipt's step:
   * each waiting order's units are sourced by the optimizer and reserved (the units just received are free
   * stock now, so they are there to find), the order hears `order.allocated` with its new fulfilments, and
   * the inbound records what it delivered. Never more than the receipt brought in; a line that cannot be
   * sourced (a pool buffer holding the units back) stops allocation of its SKU and keeps its place.
   */
  allocate(step: Step, inbound: EntityEntry, received: ReadonlyArray<{ sku: string; qty: number }>): Array<{ orderId: string; sku: string; qty: number }> {
    const { engine } = this.#ports;
    const done: Array<{ orderId: string; sku: string; qty: number }> = [];
    for (const r of received) {
      let left = r.qty;
      const queue = (inbound.snapshot.context as InboundContext).claims.filter((c) => c.sku === r.sku);
      for (const claim of queue) {
        if (left === 0) break;
        const qty = Math.min(left, claim.qty);
        const order = engine.registry.orders.get(claim.orderId);
        if (!order) continue;
        const ctx = order.snapshot.context as OrderContext;
        const outcome = planAndReserve(this.#ports, step, orderResourcingAsk(ctx, [{ sku: r.sku, qty }]));
        if (!outcome.ok) break;
        engine.send(step, order, { type: 'order.allocated', sku: r.sku, qty, inbound: inbound.id, fulfilments: outcome.fulfilments as Fulfilment[], at: step.iso });
        engine.send(step, inbound, { type: 'inbound.allocated', orderId: claim.orderId, sku: r.sku, qty, at: step.iso });
        done.push({ orderId: claim.orderId, sku: r.sku, qty });
        left -= qty;
      }
    }
    return done;
  }

  #track(snapshot: AnyMachineSnapshot | StoredState): void {
    const i = snapshot.context as InboundContext;
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
    for (const c of i.claims) now.set(c.sku, (now.get(c.sku) ?? 0) + c.qty);
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
  }
}

/** Units of a SKU an inbound still expects. */
function remaining(i: InboundContext, sku: string): number {
  let n = 0;
  for (const l of i.lines) if (l.sku === sku) n += Math.max(0, l.qty - l.received);
  return n;
}
