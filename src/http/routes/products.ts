import { Hono } from 'hono';
import { DomainError } from '../../domain/errors.js';
import { upsertProduct } from '../../stock/index.js';
import { recordChange } from '../audit-trail.js';
import { allow } from '../auth.js';
import { jsonBody, validate } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';
import { reply } from '../reply.js';
import { Id, ProductBody } from '../schemas.js';

/** `PUT/GET /products/:sku`. */
export function productRoutes({ fulcrum, audit }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.put('/:sku', allow('config'), async (c) => {
    const sku = validate(Id, c.req.param('sku'), 'the SKU in the path is not valid');
    const body = await jsonBody(c, ProductBody);
    const before = fulcrum.stock.catalog.get(sku) ?? null;
    const committed = upsertProduct(fulcrum, { sku, name: body.name, attributes: body.attributes });
    recordChange(c, audit, { action: 'product.put', target: { type: 'product', id: sku }, before, after: committed.value });
    return reply(c, before ? 200 : 201, committed);
  });
  app.get('/:sku', allow('network:read'), (c) => {
    const product = fulcrum.stock.catalog.get(c.req.param('sku'));
    if (!product) throw new DomainError('not_found', `no product '${c.req.param('sku')}'`);
    return c.json(product);
  });
  return app;
}
