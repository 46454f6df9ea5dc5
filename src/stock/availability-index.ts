import { availableToSell, locationContribution } from '../domain/availability.js';
import { isMember, type MemberCandidate, type PoolDefinition } from './pool.js';
import type { AvailabilityChange } from '../domain/availability.js';
import { HolderMap, LocationNumbers } from './holders.js';

export type { AvailabilityChange };

interface PoolState {
  def: PoolDefinition;
  members: Set<string>;
  /** Sum over member locations of their contribution, per SKU. */
  contributed: Map<string, number>;
}

/**
 * Available-to-sell per (pool, SKU), kept current by `update` on every position change so that a read is a
 * map lookup. Holds the free units of every (SKU, location) with stock, which is also what sourcing
 * enumerates: only locations that hold a SKU are ever looked at.
 */
export class AvailabilityIndex {
  /** Free (sellable, unreserved) units by SKU, then location; only positive entries are kept. */
  private readonly free = new Map<string, HolderMap>();
  /** Location ids numbered on first sight: a SKU's holders find a location's units by its number. */
  private readonly numbers = new LocationNumbers();
  /**
   * Of those free units, the ones in counting statuses other than sellable (e.g. open_box), by SKU, then
   * location; kept only where there are some, so a pool that excludes a status can leave them out.
   */
  private readonly inStatuses = new Map<string, Map<string, Readonly<Record<string, number>>>>();
  private readonly pools = new Map<string, PoolState>();
  private readonly poolsOf = new Map<string, PoolState[]>();
  private readonly locations = new Map<string, MemberCandidate>();
  #locationsVersion = 0;

  /** Changes whenever a location is added or reconfigured: what is derived from locations can tell it is stale. */
  get locationsVersion(): number {
    return this.#locationsVersion;
  }

  /** Every location the index knows, by id. */
  locationIds(): IterableIterator<string> {
    return this.locations.keys();
  }

  /** Free units of a SKU by location (only locations holding some). Read-only view. */
  freeBySku(sku: string): ReadonlyMap<string, number> | undefined {
    return this.free.get(sku);
  }

  /** Free units of a SKU at a location. */
  freeAt(location: string, sku: string): number {
    return this.free.get(sku)?.get(location) ?? 0;
  }

  pool(id: string): PoolDefinition | undefined {
    return this.pools.get(id)?.def;
  }

  poolIds(): string[] {
    return [...this.pools.keys()];
  }

  /** Whether a location contributes to a pool now. */
  isMember(pool: string, location: string): boolean {
    return this.pools.get(pool)?.members.has(location) ?? false;
  }

  /** Available-to-sell for a SKU in a pool (0 for an unknown SKU). */
  ats(pool: string, sku: string): number {
    const p = this.pools.get(pool);
    if (!p) return 0;
    return availableToSell(p.def, sku, p.contributed.get(sku) ?? 0);
  }

  /** The sum of member locations' contributions for a SKU, before the pool buffer. */
  contributed(pool: string, sku: string): number {
    return this.pools.get(pool)?.contributed.get(sku) ?? 0;
  }

  /**
   * What one location contributes to a pool for a SKU: its free units less the location buffer. `released`
   * counts units about to come back to sellable (a cart hold being consumed) as free already.
   */
  atsAt(pool: string, location: string, sku: string, released = 0): number {
    const p = this.pools.get(pool);
    if (!p || !p.members.has(location)) return 0;
    return this.contribution(p.def, location, this.freeAt(location, sku) + released, this.inStatuses.get(sku)?.get(location));
  }

  /** A location's contribution for a SKU: free units, less those in statuses the pool excludes, less its buffer. */
  private contribution(def: PoolDefinition, location: string, free: number, statuses: Readonly<Record<string, number>> | undefined): number {
    let n = free;
    if (statuses && def.excludeStatuses) for (const s of def.excludeStatuses) n -= statuses[s] ?? 0;
    return locationContribution(def, location, n);
  }

  /**
   * The per-location breakdown of a pool's ATS for a SKU, largest first, adding up to `ats(pool, sku)`: the
   * pool buffer is kept back at the locations holding the most (taken from the largest first), so a page
   * that lists where to buy never promises the units the pool holds back. Locations left with 0 are omitted.
   */
  breakdown(pool: string, sku: string): Array<{ id: string; ats: number }> {
    const out: Array<{ id: string; ats: number }> = [];
    const p = this.pools.get(pool);
    const bySku = this.free.get(sku);
    if (!p || !bySku) return out;
    for (const [loc, free] of bySku) {
      if (!p.members.has(loc)) continue;
      const ats = this.contribution(p.def, loc, free, this.inStatuses.get(sku)?.get(loc));
      if (ats > 0) out.push({ id: loc, ats });
    }
    out.sort(largestFirst);
    let keptBack = (p.contributed.get(sku) ?? 0) - this.ats(pool, sku);
    for (const item of out) {
      if (keptBack === 0) break;
      const taken = Math.min(keptBack, item.ats);
      item.ats -= taken;
      keptBack -= taken;
    }
    return out.filter((item) => item.ats > 0).sort(largestFirst);
  }

  /** The pool that serves a channel (the one whose `channel` names it), or undefined when none does. */
  poolOfChannel(channel: string): PoolDefinition | undefined {
    for (const p of this.pools.values()) if (p.def.channel === channel) return p.def;
    return undefined;
  }

  /**
   * Records a position's free units (and how many of them are in counting statuses other than sellable);
   * appends the pools whose ATS for the SKU changed.
   */
  update(location: string, sku: string, freeNow: number, changes: AvailabilityChange[], statusesNow?: Readonly<Record<string, number>>): void {
    let bySku = this.free.get(sku);
    const n = this.numbers.of(location);
    const before = bySku?.at(n) ?? 0;
    let byStatus = this.inStatuses.get(sku);
    const statusesBefore = byStatus?.get(location);
    if (before === freeNow && statusesBefore === undefined && statusesNow === undefined) return;
    if (freeNow > 0) {
      if (!bySku) this.free.set(sku, (bySku = new HolderMap(this.numbers)));
      bySku.set(n, location, freeNow);
    } else if (bySku) {
      bySku.delete(n);
      if (bySku.size === 0) this.free.delete(sku);
    }
    if (statusesNow !== undefined) {
      if (!byStatus) this.inStatuses.set(sku, (byStatus = new Map()));
      byStatus.set(location, statusesNow);
    } else if (byStatus?.delete(location) && byStatus.size === 0) {
      this.inStatuses.delete(sku);
    }
    for (const p of this.poolsOf.get(location) ?? []) {
      const delta = this.contribution(p.def, location, freeNow, statusesNow) - this.contribution(p.def, location, before, statusesBefore);
      if (delta !== 0) this.addContribution(p, sku, delta, changes);
    }
  }

  /** Adds or updates a location (status, tags), moving its contributions between pools as membership changes. */
  setLocation(location: MemberCandidate, changes: AvailabilityChange[]): void {
    this.locations.set(location.id, location);
    this.#locationsVersion++;
    for (const p of this.pools.values()) this.refreshMembership(p, location, changes);
  }

  /** Adds or replaces a pool definition and recomputes what it affects. */
  setPool(def: PoolDefinition, changes: AvailabilityChange[]): void {
    const old = this.pools.get(def.id);
    const before = new Map<string, number>();
    if (old) {
      for (const sku of old.contributed.keys()) before.set(sku, this.ats(def.id, sku));
      for (const loc of old.members) this.detach(old, loc);
    }
    const p: PoolState = { def, members: new Set(), contributed: new Map() };
    this.pools.set(def.id, p);
    for (const loc of this.locations.values()) {
      if (isMember(def, loc)) this.attach(p, loc.id);
    }
    for (const [sku, free] of this.free) {
      let sum = 0;
      for (const [loc, n] of free) if (p.members.has(loc)) sum += this.contribution(def, loc, n, this.inStatuses.get(sku)?.get(loc));
      if (sum !== 0) p.contributed.set(sku, sum);
    }
    const skus = new Set([...before.keys(), ...p.contributed.keys()]);
    for (const sku of skus) {
      const ats = this.ats(def.id, sku);
      if (ats !== (before.get(sku) ?? 0)) changes.push({ pool: def.id, sku, ats });
    }
  }

  private refreshMembership(p: PoolState, loc: MemberCandidate, changes: AvailabilityChange[]): void {
    const was = p.members.has(loc.id);
    const now = isMember(p.def, loc);
    if (was === now) return;
    if (now) this.attach(p, loc.id);
    else this.detach(p, loc.id);
    const sign = now ? 1 : -1;
    for (const [sku, bySku] of this.free) {
      const n = bySku.get(loc.id);
      if (n === undefined) continue;
      const delta = sign * this.contribution(p.def, loc.id, n, this.inStatuses.get(sku)?.get(loc.id));
      if (delta !== 0) this.addContribution(p, sku, delta, changes);
    }
  }

  private attach(p: PoolState, loc: string): void {
    p.members.add(loc);
    const list = this.poolsOf.get(loc) ?? [];
    list.push(p);
    this.poolsOf.set(loc, list);
  }

  private detach(p: PoolState, loc: string): void {
    p.members.delete(loc);
    const list = this.poolsOf.get(loc);
    if (list) this.poolsOf.set(loc, list.filter((x) => x !== p));
  }

  private addContribution(p: PoolState, sku: string, delta: number, changes: AvailabilityChange[]): void {
    const before = availableToSell(p.def, sku, p.contributed.get(sku) ?? 0);
    const sum = (p.contributed.get(sku) ?? 0) + delta;
    if (sum === 0) p.contributed.delete(sku);
    else p.contributed.set(sku, sum);
    const after = availableToSell(p.def, sku, sum);
    if (after !== before) changes.push({ pool: p.def.id, sku, ats: after });
  }
}

function largestFirst(a: { id: string; ats: number }, b: { id: string; ats: number }): number {
  return b.ats - a.ats || (a.id < b.id ? -1 : 1);
}
