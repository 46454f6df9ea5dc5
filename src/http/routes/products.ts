import { Hono } from 'hono';
import { DomainError } from '../../domain/errors.js';
import { upsertProduct } from '../../stock/index.js';
import { recordChange } from '../audit-trail.js';
import { allow } from '../auth.js';
import { jsonBody, validate } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';
import { reply } from '../reply.js';
import { Id, ProductBody } from '../schemas.js';
import { described } from '../openapi/describe.js';
import { Product } from '../replies.js';
import { z } from 'zod';

/** `PUT/GET /products/:sku`. */
export function productRoutes({ fulcrum, audit }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.put('/:sku', described({ summary: 'Create or replace a product', body: ProductBody, params: z.object({ sku: Id }), replies: { 200: { description: 'Replaced', schema: Product }, 201: { description: 'Created', schema: Product } } }, allow('config')), async (c) => {
    const sku = validate(Id, c.req.param('sku'), 'the SKU in the path is not valid');
    const body = await jsonBody(c, ProductBody);
    const before = fulcrum.stock.catalog.get(sku) ?? null;
    const committed = upsertProduct(fulcrum, { sku, name: body.name, attributes: body.attributes });
    recordChange(c, audit, { action: 'product.put', target: { type: 'product', id: sku }, before, after: committed.value });
    return reply(c, before ? 200 : 201, committed);
  });
  app.get('/:sku', described({ summary: 'Get a product', replies: { 200: { description: 'The product', schema: Product } }, errors: ['not_found'] }, allow('network:read')), (c) => {
    const product = fulcrum.stock.catalog.get(c.req.param('sku'));
    if (!product) throw new DomainError('not_found', `no product '${c.req.param('sku')}'`);
    return c.json(product);
  });
  return app;
}
