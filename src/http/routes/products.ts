import { Hono } from 'hono';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import { upsertProduct } from '../../stock/index.js';
import { recordChange } from '../audit-trail.js';
import { allow } from '../auth.js';
import { jsonBody, validate } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';
import { reply } from '../reply.js';
import { Id, ProductBody } from '../schemas.js';
import { described } from '../openapi/describe.js';
import { itemsOf, Product } from '../replies.js';

const SearchQuery = z.strictObject({ q: z.string().max(100).default(''), limit: z.coerce.number().int().min(1).max(200).default(50) });

/** `PUT/GET /products/:sku`; `GET /products?q=&limit=` finds products by SKU or name. */
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
  app.get('/', described({ summary: 'Search products', description: 'Products whose SKU or name contains `q` (case-insensitive), at most `limit`.', query: SearchQuery, replies: { 200: { description: 'The products', schema: itemsOf(Product) } } }, allow('network:read')), (c) => {
    const q = validate(SearchQuery, c.req.query(), 'the query is not valid');
    return c.json({ items: fulcrum.stock.catalog.search(q.q, q.limit) });
  });
  app.get('/:sku', described({ summary: 'Get a product', replies: { 200: { description: 'The product', schema: Product } }, errors: ['not_found'] }, allow('network:read')), (c) => {
    const product = fulcrum.stock.catalog.get(c.req.param('sku'));
    if (!product) throw new DomainError('not_found', `no product '${c.req.param('sku')}'`);
    return c.json(product);
  });
  return app;
}
