import { Hono } from 'hono';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import type { FutureBucket } from '../../domain/supply.js';
import { allow } from '../auth.js';
import { validate } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';
import { Id } from '../schemas.js';
import { described } from '../openapi/describe.js';
import { Availability } from '../replies.js';

const Query = z.strictObject({
  pool: Id.default('default'),
  sku: z.array(Id).min(1, 'give at least one sku=').max(500),
  locations: z.enum(['true', 'false']).optional(),
});

/**
 * `GET /availability?pool=&sku=&sku=[&locations=true]`: a lookup in the availability index, with the units
 * still expected on inbound supply and what supply rules let the pool promise of them by date (`future`).
 */
export function availabilityRoutes({ fulcrum }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', described({ summary: 'Available to sell', description: 'ATS per SKU in a pool, with units on inbound supply and what supply rules let the pool promise by date (`future`); `locations=true` adds the breakdown per location.', query: Query, replies: { 200: { description: 'ATS per SKU', schema: Availability } }, errors: ['not_found'] }, allow('availability:read')), (c) => {
    const raw = c.req.queries();
    const q = validate(
      Query,
      { ...Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, k === 'sku' ? v : v[v.length - 1]])), sku: raw.sku ?? [] },
      'the query is not valid',
    );
    if (!fulcrum.stock.index.pool(q.pool)) throw new DomainError('not_found', `no pool '${q.pool}'`);
    const unknown = q.sku.map((sku, i) => ({ sku, i })).filter(({ sku }) => !fulcrum.stock.catalog.has(sku));
    if (unknown.length > 0) {
      throw new DomainError('not_found', 'unknown SKUs', unknown.map(({ sku, i }) => ({ path: `sku[${i}]`, message: `no product '${sku}'` })));
    }
    const now = fulcrum.engine.clock.now();
    const channel = fulcrum.stock.index.pool(q.pool)!.channel ?? 'default';
    const items = q.sku.map((sku) => {
      const item: { sku: string; ats: number; inbound: number; future: FutureBucket[]; locations?: Array<{ id: string; ats: number }> } = {
        sku,
        ats: fulcrum.stock.index.ats(q.pool, sku),
        inbound: fulcrum.supply.inboundUnits(sku, q.pool),
        future: fulcrum.supply.future(fulcrum.supply.rules.ruleFor(sku, q.pool, channel), sku, q.pool, now),
      };
      if (q.locations === 'true') item.locations = fulcrum.stock.index.breakdown(q.pool, sku);
      return item;
    });
    return c.json({ pool: q.pool, items });
  });
  return app;
}
