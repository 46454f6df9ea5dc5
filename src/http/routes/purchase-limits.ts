import { Hono } from 'hono';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import { upsertPurchaseLimit } from '../../holds/index.js';
import { recordChange } from '../audit-trail.js';
import { allow } from '../auth.js';
import { jsonBody, validate } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';
import { reply } from '../reply.js';
import { Id } from '../schemas.js';
import { described } from '../openapi/describe.js';
import { itemsOf, PurchaseLimit } from '../replies.js';

const Time = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time such as 2026-11-27T10:00:00Z' });

const LimitBody = z
  .strictObject({
    skus: z.array(Id).min(1).max(10_000),
    perCustomer: z.number().int().min(1).max(1_000_000).optional(),
    startsAt: Time.optional(),
    endsAt: Time.optional(),
    description: z.string().max(500).optional(),
  })
  .refine((b) => b.perCustomer !== undefined || b.startsAt !== undefined || b.endsAt !== undefined, { error: 'give perCustomer, a sale window (startsAt/endsAt), or both' });

/** `PUT /purchase-limits/:id`, `GET /purchase-limits`, `GET /purchase-limits/:id`: flash-sale limits and sale windows. */
export function purchaseLimitRoutes({ fulcrum, audit }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.put('/:id', described({ summary: 'Create or replace a purchase limit', description: 'A per-customer limit and/or a sale window for some SKUs (flash sales).', body: LimitBody, params: z.object({ id: Id }), replies: { 200: { description: 'Replaced', schema: PurchaseLimit }, 201: { description: 'Created', schema: PurchaseLimit } } }, allow('config')), async (c) => {
    const id = validate(Id, c.req.param('id'), 'the limit id in the path is not valid');
    const body = await jsonBody(c, LimitBody);
    const before = fulcrum.holds.limits.get(id) ?? null;
    const committed = upsertPurchaseLimit(fulcrum, { id, ...body, createdAt: new Date(fulcrum.engine.clock.now()).toISOString() });
    recordChange(c, audit, { action: 'purchase-limit.put', target: { type: 'purchase-limit', id }, before, after: committed.value });
    return reply(c, before ? 200 : 201, committed);
  });
  app.get('/', described({ summary: 'List purchase limits', replies: { 200: { description: 'Every limit', schema: itemsOf(PurchaseLimit) } } }, allow('network:read')), (c) => c.json({ items: fulcrum.holds.limits.list() }));
  app.get('/:id', described({ summary: 'Get a purchase limit', replies: { 200: { description: 'The limit', schema: PurchaseLimit } }, errors: ['not_found'] }, allow('network:read')), (c) => {
    const limit = fulcrum.holds.limits.get(c.req.param('id'));
    if (!limit) throw new DomainError('not_found', `no purchase limit '${c.req.param('id')}'`);
    return c.json(limit);
  });
  return app;
}
