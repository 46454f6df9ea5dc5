import type { LocationInfo } from '../../actors/index.js';
import { SCHEMA_VERSION } from '../../snapshots/index.js';
import { DomainError } from '../domain/errors.js';
import type { AvailabilityChange } from '../domain/availability.js';
import type { Committed } from '../engine/index.js';
import type { Product } from './catalog.js';
import type { PoolDefinition } from './pool.js';
import type { StatusDefinition } from './statuses.js';
import type { StockPorts } from './stock.js';

/** Creates or reconfigures a location (`PUT /locations/:id`). Unchanged configuration records nothing. */
export function upsertLocation({ engine, stock }: StockPorts, id: string, info: LocationInfo): Committed<{ id: string; created: boolean; info: LocationInfo }> {
  return engine.run((step) => {
    const entry = engine.location(id);
    if (!entry) {
      engine.createLocation(step, id, info);
      stock.index.setLocation({ id, active: info.status === 'active', tags: info.tags }, step.changes);
      return { id, created: true, info };
    }
    if (JSON.stringify(engine.locationInfo(entry)) !== JSON.stringify(info)) {
      engine.send(step, entry, { type: 'location.configured', info });
    }
    return { id, created: false, info };
  });
}

/** Creates or replaces a product (`PUT /products/:sku`). */
export function upsertProduct({ engine, stock }: StockPorts, product: Product): Committed<Product> {
  stock.catalog.set(product);
  const written = engine.store.products.put(product.sku, { v: SCHEMA_VERSION, doc: product });
  return { value: product, durable: engine.journal.whenFlushed(written) };
}

/** Creates or replaces a pool (`PUT /pools/:id`) and republishes the availability it changes. */
export function upsertPool({ engine, stock }: StockPorts, def: PoolDefinition): Committed<PoolDefinition> {
  for (const loc of def.excludeLocations ?? []) {
    if (!engine.location(loc)) throw new DomainError('invalid_request', `pool ${def.id} excludes unknown location '${loc}'`, [{ path: 'excludeLocations', message: `unknown location '${loc}'` }]);
  }
  if ('ids' in def.locations) {
    const unknown = def.locations.ids.filter((l) => !engine.location(l));
    if (unknown.length > 0) {
      throw new DomainError('invalid_request', `pool ${def.id} names unknown locations`, unknown.map((l) => ({ path: 'locations', message: `unknown location '${l}'` })));
    }
  }
  for (const [i, status] of (def.excludeStatuses ?? []).entries()) {
    if (status === 'sellable' || !stock.statuses.has(status)) {
      throw new DomainError('invalid_request', `pool ${def.id} cannot exclude status '${status}'`, [
        { path: `excludeStatuses[${i}]`, message: status === 'sellable' ? 'sellable units are what a pool sells' : `unknown status; define it with PUT /statuses/${status}` },
      ]);
    }
  }
  const rival = def.channel === undefined ? undefined : stock.index.poolOfChannel(def.channel);
  // One pool per channel: an order's pool follows from its channel, which must not be a coin toss.
  if (rival && rival.id !== def.id) {
    throw new DomainError('conflict', `channel '${def.channel}' is already served by pool '${rival.id}'`, [{ path: 'channel', message: `pool '${rival.id}' serves channel '${def.channel}'; one pool per channel` }]);
  }
  const changes: AvailabilityChange[] = [];
  stock.index.setPool(def, changes);
  const written = engine.store.pools.put(def.id, { v: SCHEMA_VERSION, doc: def });
  const durable = engine.journal.whenFlushed(written);
  engine.publishAfter(durable, changes);
  return { value: def, durable };
}

/**
 * Defines a quantity status (`PUT /statuses/:name`). When whether it counts toward availability changes, every
 * position holding units in it is re-indexed and the changed availability is published.
 */
export function upsertStatus({ engine, stock }: StockPorts, def: StatusDefinition): Committed<StatusDefinition> {
  const changed = stock.statuses.set(def);
  const changes: AvailabilityChange[] = [];
  if (changed) {
    for (const entry of engine.registry.locations.values()) {
      for (const [sku, p] of entry.snapshot.context.positions) {
        if ((p.other?.[def.name] ?? 0) > 0) stock.reindex(entry.id, sku, changes);
      }
    }
  }
  const durable = engine.journal.whenFlushed(engine.store.statuses.put(def.name, { v: SCHEMA_VERSION, doc: def }));
  engine.publishAfter(durable, changes);
  return { value: def, durable };
}
