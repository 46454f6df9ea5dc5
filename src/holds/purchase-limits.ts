import { DomainError, type ErrorDetail } from '../domain/errors.js';
import type { OrderLine } from '../domain/order.js';
import type { Engine } from '../engine/index.js';
import type { Stock } from '../stock/index.js';

/** What the hold and limit commands read and change: the engine, stock (to reserve), and the purchase limits. */
export interface HoldPorts {
  readonly engine: Engine;
  readonly stock: Stock;
  readonly holds: { readonly limits: PurchaseLimits };
}

/**
 * A flash-sale rule: at most `perCustomer` units of these SKUs per customer (orders and active cart holds
 * together), and optionally no sale before `startsAt` or after `endsAt`.
 */
export interface PurchaseLimit {
  id: string;
  skus: string[];
  perCustomer?: number;
  startsAt?: string;
  endsAt?: string;
  description?: string;
  /** When the limit was defined; without `startsAt`, purchases count from here. */
  createdAt: string;
}

/**
 * Purchase limits and what each customer has taken under them. Checked and counted inside the same
 * synchronous step as the reservation, so two concurrent orders of one customer cannot both pass. An order's
 * units count unless it ends cancelled or expired; a cart hold's units count while it is active, and an order
 * consuming a hold counts only what it takes beyond the hold. The counts are derived data: rebuilt at start
 * from open holds and the orders placed since each limit began.
 */
export class PurchaseLimits {
  private readonly limits = new Map<string, PurchaseLimit>();
  /** limit id -> customer -> units taken. */
  private readonly taken = new Map<string, Map<string, number>>();
  /** sku -> limits naming it. */
  private readonly bySku = new Map<string, PurchaseLimit[]>();

  get size(): number {
    return this.limits.size;
  }

  list(): PurchaseLimit[] {
    return [...this.limits.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  get(id: string): PurchaseLimit | undefined {
    return this.limits.get(id);
  }

  /** Adds or replaces a limit; counts already taken under it are kept. */
  set(limit: PurchaseLimit): void {
    this.limits.set(limit.id, limit);
    this.bySku.clear();
    for (const l of this.limits.values()) for (const sku of l.skus) this.bySku.set(sku, [...(this.bySku.get(sku) ?? []), l]);
  }

  /**
   * Refuses (409) lines that break a sale window or take a customer past a limit. `credit` is what the
   * customer already holds for this purchase (a hold being consumed), which does not count twice.
   */
  check(customer: string | undefined, lines: ReadonlyArray<OrderLine>, at: number, credit: ReadonlyArray<OrderLine> = []): void {
    if (this.limits.size === 0) return;
    const problems: ErrorDetail[] = [];
    lines.forEach((line, i) => {
      for (const limit of this.bySku.get(line.sku) ?? []) {
        if (limit.startsAt !== undefined && at < Date.parse(limit.startsAt)) {
          problems.push({ path: `lines[${i}]`, message: `${line.sku} goes on sale at ${limit.startsAt} (limit ${limit.id})`, limit: limit.id });
        } else if (limit.endsAt !== undefined && at >= Date.parse(limit.endsAt)) {
          problems.push({ path: `lines[${i}]`, message: `the sale of ${line.sku} ended at ${limit.endsAt} (limit ${limit.id})`, limit: limit.id });
        }
      }
    });
    for (const limit of this.limits.values()) {
      if (limit.perCustomer === undefined) continue;
      const asked = units(lines, limit) - units(credit, limit);
      if (asked <= 0) continue;
      if (customer === undefined) {
        problems.push({ path: 'customer', message: `${limit.skus.join(', ')} are limited per customer (limit ${limit.id}): give the customer`, limit: limit.id });
        continue;
      }
      const already = this.taken.get(limit.id)?.get(customer) ?? 0;
      if (already + asked > limit.perCustomer) {
        problems.push({
          path: 'lines',
          message: `at most ${limit.perCustomer} of ${limit.skus.join(', ')} per customer (limit ${limit.id}): ${already} already taken, ${asked} asked`,
          limit: limit.id,
          taken: already,
          asked,
        });
      }
    }
    if (problems.length > 0) throw new DomainError('conflict', 'a purchase limit or sale window refuses this', problems);
  }

  /** Counts units taken (positive) or given back (negative) under every limit the lines fall under. */
  count(customer: string | undefined, lines: ReadonlyArray<OrderLine>, sign: 1 | -1, credit: ReadonlyArray<OrderLine> = []): void {
    if (customer === undefined || this.limits.size === 0) return;
    for (const limit of this.limits.values()) {
      if (limit.perCustomer === undefined) continue;
      const n = (units(lines, limit) - units(credit, limit)) * sign;
      if (n === 0) continue;
      let byCustomer = this.taken.get(limit.id);
      if (!byCustomer) this.taken.set(limit.id, (byCustomer = new Map()));
      const next = Math.max(0, (byCustomer.get(customer) ?? 0) + n);
      if (next === 0) byCustomer.delete(customer);
      else byCustomer.set(customer, next);
    }
  }

  /** Forgets every count (before a recount). */
  reset(): void {
    this.taken.clear();
  }

  /** Units a customer has taken under a limit. */
  takenBy(limitId: string, customer: string): number {
    return this.taken.get(limitId)?.get(customer) ?? 0;
  }

  /** The earliest time any limit counts from (orders older than this never need counting). */
  countingSince(): number | undefined {
    let since: number | undefined;
    for (const l of this.limits.values()) {
      if (l.perCustomer === undefined) continue;
      const t = Date.parse(l.startsAt ?? l.createdAt);
      since = since === undefined ? t : Math.min(since, t);
    }
    return since;
  }
}

function units(lines: ReadonlyArray<OrderLine>, limit: PurchaseLimit): number {
  let n = 0;
  for (const l of lines) if (limit.skus.includes(l.sku)) n += l.qty;
  return n;
}
