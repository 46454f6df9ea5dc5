import { checkVersion } from '../../snapshots/index.js';
import type { LocationEvent } from '../../actors/index.js';
import type { AvailabilityChange } from '../domain/availability.js';
import { ARRIVING_STATUSES, countingUnits, freeUnits, reservationSources } from '../domain/position.js';
import type { Engine, EntityEntry, LocationEntry, Step } from '../engine/index.js';
import { AvailabilityIndex } from './availability-index.js';
import { Catalog, type Product } from './catalog.js';
import { DEFAULT_POOL, type PoolDefinition } from './pool.js';
import { StatusCatalog, type StatusDefinition } from './statuses.js';

/** What the stock module's commands read and change: the engine, and the stock it keeps. */
export interface StockPorts {
  readonly engine: Engine;
  readonly stock: Stock;
}

/**
 * The stock module: positions live in location actors; this keeps what is derived from them (the
 * availability index) and the configuration they are read with (products, statuses, pools). It registers
 * with the engine: every accepted location event updates the index in the same step, stock effects of
 * entities (release, ship, adjust, move) become location facts, and recovery reloads the configuration and
 * rebuilds the index.
 */
export class Stock {
  readonly index = new AvailabilityIndex();
  readonly catalog = new Catalog();
  readonly statuses = new StatusCatalog();
  readonly #engine: Engine;

  constructor(engine: Engine) {
    this.#engine = engine;
    engine.onLocationChanged((step, entry, event, skus) => this.#indexEvent(step.changes, entry, event, skus));
    engine.handleEffect('stock.release', (step, from, e) => this.#apply(step, from, e.location, { type: 'stock.released', ref: e.ref, lines: e.lines }));
    engine.handleEffect('stock.ship', (step, from, e) => this.#apply(step, from, e.location, { type: 'stock.shipped', ref: e.ref, lines: e.lines }));
    engine.handleEffect('stock.adjust', (step, from, e) => {
      // Units an entity brings in (an inbound receipt, a return received or restocked) arrived in this step;
      // units entering in_transit have not arrived yet: their transfer's move out of it is their receipt.
      const receipt = e.sign === 1 && !ARRIVING_STATUSES.includes(e.status);
      for (const l of e.lines) {
        const event: LocationEvent = { type: 'stock.adjusted', sku: l.sku, status: e.status, delta: e.sign * l.qty, reason: e.reason, at: step.iso };
        if (receipt) event.receivedAt = step.iso;
        this.#apply(step, from, e.location, event);
      }
    });
    engine.handleEffect('stock.move', (step, from, e) => {
      for (const l of e.lines) this.#apply(step, from, e.location, { type: 'stock.moved', sku: l.sku, from: e.from, to: e.to, qty: l.qty, reason: e.reason, at: step.iso });
    });
    engine.onRecovered(() => this.#recover());
  }

  /**
   * Reserves lines at a location for an order, hold or transfer, taking units from sellable first and then
   * from the statuses that count toward availability; the event records where each unit came from. A refusal
   * here means the index and the actor disagree, which the caller's step turns into a fatal error.
   */
  reserve(step: Step, location: string, ref: string, lines: ReadonlyArray<{ sku: string; qty: number }>, pool?: string): void {
    const entry = this.#engine.location(location);
    // Statuses the order's pool does not sell stay out of its reservations, as they stay out of its ATS.
    const excluded = pool === undefined ? undefined : this.index.pool(pool)?.excludeStatuses;
    const counting = excluded?.length ? this.statuses.counting.filter((s) => !excluded.includes(s)) : this.statuses.counting;
    const withSources = lines.map((l) => {
      const p = entry?.snapshot.context.positions.get(l.sku);
      const from = p && counting.length > 0 ? reservationSources(p, l.qty, counting) : undefined;
      return from ? { sku: l.sku, qty: l.qty, from } : { sku: l.sku, qty: l.qty };
    });
    if (!entry || !this.#engine.send(step, entry, { type: 'stock.reserved', ref, lines: withSources })) {
      throw new Error(`location ${location} refused a reservation for ${ref} that the availability index allowed`);
    }
  }

  /**
   * Gives reserved units back to a location's shelf (part of an order cancelled, an order sourced again after
   * an edit). A refusal means the caller's books and the location's disagree, which its step turns fatal.
   */
  release(step: Step, location: string, ref: string, lines: ReadonlyArray<{ sku: string; qty: number }>): void {
    const entry = this.#engine.location(location);
    if (!entry || !this.#engine.send(step, entry, { type: 'stock.released', ref, lines: lines.map((l) => ({ sku: l.sku, qty: l.qty })) })) {
      throw new Error(`location ${location} refused to release units reserved for ${ref}`);
    }
  }

  /** Re-indexes one position from the location actor's current state. */
  reindex(location: string, sku: string, changes: AvailabilityChange[]): void {
    const p = this.#engine.position(location, sku);
    const counting = this.statuses.counting;
    this.index.update(location, sku, p ? freeUnits(p, counting) : 0, changes, p && countingUnits(p, counting));
  }

  #indexEvent(changes: AvailabilityChange[], entry: LocationEntry, event: LocationEvent, skus: readonly string[]): void {
    if (event.type === 'location.configured') {
      this.index.setLocation({ id: entry.id, active: event.info.status === 'active', tags: event.info.tags }, changes);
      return;
    }
    const positions = entry.snapshot.context.positions;
    const counting = this.statuses.counting;
    for (const sku of skus) {
      const p = positions.get(sku);
      this.index.update(entry.id, sku, p ? freeUnits(p, counting) : 0, changes, p && countingUnits(p, counting));
    }
  }

  /** A stock fact an entity asked for; a location refusing it means stock and its owners disagree (fatal). */
  #apply(step: Step, from: EntityEntry, location: string, event: LocationEvent): void {
    const about = `${from.kind}/${from.id}`;
    const loc = this.#engine.location(location);
    if (!loc) throw new Error(`${about} asked to move stock at unknown location ${location}`);
    if (!this.#engine.send(step, loc, event)) {
      throw new Error(`location ${location} refused ${event.type} for ${about}: stock and its owners disagree`);
    }
  }

  /** Loads statuses, products and pools, then indexes every position (nothing is published: no one listens yet). */
  #recover(): void {
    const { store } = this.#engine;
    for (const { value } of store.statuses.getRange()) {
      checkVersion('status', value);
      this.statuses.set(value.doc as StatusDefinition);
    }
    for (const { value } of store.products.getRange()) {
      checkVersion('product', value);
      this.catalog.set(value.doc as Product);
    }
    const ignored: AvailabilityChange[] = [];
    this.index.setPool(DEFAULT_POOL, ignored);
    for (const { value } of store.pools.getRange()) {
      checkVersion('pool', value);
      this.index.setPool(value.doc as PoolDefinition, ignored);
    }
    const counting = this.statuses.counting;
    for (const entry of this.#engine.registry.locations.values()) {
      const ctx = entry.snapshot.context;
      this.index.setLocation({ id: entry.id, active: ctx.info.status === 'active', tags: ctx.info.tags }, ignored);
      for (const [sku, p] of ctx.positions) this.index.update(entry.id, sku, freeUnits(p, counting), ignored, countingUnits(p, counting));
    }
  }
}
